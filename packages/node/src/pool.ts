/**
 * A pool of worker threads, each with its own pipeline (worker.ts): image files in, FrameResults
 * out, in parallel; or video files, one per thread, their frames' results coming back in order as
 * they are tracked. Tasks wait in one queue and go to whichever thread is free. A thread that dies
 * fails the task it had (code 'worker-crashed') and is replaced; the others go on.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
// libvips must be loaded by the main thread before worker threads load it (sharp's documentation:
// its shared libraries then stay in memory until every thread is done).
import 'sharp';
import type { FrameResult, PipelineOptions, RuntimeMode } from '@face-mesh/worker-runtime';
import { FaceMeshNodeError } from './errors.js';
import type { FaceMeshOptions } from './face_mesh.js';
import type { FromWorker, Run, ToWorker, VideoRequest } from './protocol.js';

export interface PoolOptions extends FaceMeshOptions {
  /** Worker threads (default: the number of cores). */
  workers?: number;
}

/** One tracked frame of a video: its index among the decoded frames, its time in the file. */
export interface VideoFrameResult {
  index: number;
  ptsMs: number;
  result: FrameResult;
}

interface Task {
  id: number;
  file: string;
  work: { runs: Run[] } | { video: VideoRequest; onFrame: (frame: VideoFrameResult) => void };
  /** The image task's results; a video task's frame count. */
  resolve: (results: FrameResult[] | number) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  task?: Task;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

export class FaceMeshPool {
  private readonly queue: Task[] = [];
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly options: FaceMeshOptions,
    /** The wasm binary and threads of each worker thread. */
    readonly mode: RuntimeMode,
    /** The pipeline options every thread runs with, defaults filled in. */
    readonly pipelineOptions: PipelineOptions,
  ) {}

  /** Starts the threads and waits until every one has loaded the models. */
  static async create(options: PoolOptions = {}): Promise<FaceMeshPool> {
    const { workers = os.availableParallelism(), ...faceMeshOptions } = options;
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}.`);
    const started = await Promise.allSettled(Array.from({ length: workers }, () => startWorker(faceMeshOptions)));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      for (const s of started) if (s.status === 'fulfilled') await s.value.worker.terminate();
      throw failed.reason;
    }
    const ready = started.map((s) => (s as PromiseFulfilledResult<StartedWorker>).value);
    const pool = new FaceMeshPool(faceMeshOptions, ready[0].mode, ready[0].options);
    for (const { worker } of ready) pool.adopt(worker);
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** The image as a still image: detector, then the mesh on each face found. */
  async detect(file: string): Promise<FrameResult> {
    return (await this.run(file, [{ kind: 'still' }]))[0];
  }

  /** The image fed `frames` times as a video from a fresh start; the last frame's result. */
  async track(file: string, frames: number): Promise<FrameResult> {
    return (await this.run(file, [{ kind: 'track', frames }]))[0];
  }

  /** Decode `file` once and run it through the pipeline in each way of `runs`, in order, on one thread. */
  run(file: string, runs: Run[]): Promise<FrameResult[]> {
    return this.enqueue(file, { runs }) as Promise<FrameResult[]>;
  }

  /**
   * Decode the video `file` with ffmpeg and track it, on one thread from a fresh start; `onFrame`
   * gets each frame's result in order. Resolves to the number of frames; rejects with the decoder's
   * code (`not-a-video`, `video-damaged`, ...) after the frames that did decode.
   */
  video(file: string, video: VideoRequest, onFrame: (frame: VideoFrameResult) => void): Promise<number> {
    return this.enqueue(file, { video, onFrame }) as Promise<number>;
  }

  private enqueue(file: string, work: Task['work']): Promise<FrameResult[] | number> {
    if (this.closed) return Promise.reject(new Error('The pool is closed.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, file, work, resolve, reject });
      this.dispatch();
    });
  }

  /** Ends every thread; queued tasks are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('The pool was closed.'));
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private adopt(worker: Worker): void {
    const slot: Slot = { worker };
    this.slots.push(slot);
    worker.on('message', (message: FromWorker) => {
      const task = slot.task;
      if (!task || !('id' in message) || message.id !== task.id) return;
      if (message.type === 'frame') {
        if (!('onFrame' in task.work)) return;
        try {
          task.work.onFrame({ index: message.index, ptsMs: message.ptsMs, result: message.result });
        } catch (e) {
          // The frame could not be taken (e.g. the disk is full): the video stops here. Ending the
          // thread ends its ffmpeg too (its pipe closes); the thread is replaced.
          slot.task = undefined;
          task.reject(e as Error);
          void worker.terminate();
        }
        return;
      }
      slot.task = undefined;
      if (message.type === 'result') task.resolve(message.results);
      else if (message.type === 'video-end') task.resolve(message.frames);
      else if (message.type === 'error') task.reject(new FaceMeshNodeError(message.error.code, message.error.message));
      this.dispatch();
    });
    const lost = (why: string) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      slot.task?.reject(new FaceMeshNodeError('worker-crashed', `${slot.task.file}: the worker thread processing it ${why}; the other files go on.`));
      if (this.closed) return;
      startWorker(this.options).then(
        ({ worker: replacement }) => {
          if (this.closed) void replacement.terminate();
          else {
            this.adopt(replacement);
            this.dispatch();
          }
        },
        (e: Error) => {
          if (this.slots.length === 0) for (const task of this.queue.splice(0)) task.reject(e);
        },
      );
    };
    worker.on('error', (e: Error) => lost(`failed (${e.message})`));
    worker.on('exit', (code) => lost(`exited (code ${code})`));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.task) continue;
      const task = this.queue.shift();
      if (!task) return;
      slot.task = task;
      const message: ToWorker = 'runs' in task.work
        ? { type: 'task', id: task.id, file: task.file, runs: task.work.runs }
        : { type: 'video', id: task.id, file: task.file, video: task.work.video };
      slot.worker.postMessage(message);
    }
  }
}

interface StartedWorker {
  worker: Worker;
  mode: RuntimeMode;
  options: PipelineOptions;
}

function startWorker(options: FaceMeshOptions): Promise<StartedWorker> {
  const worker = new Worker(WORKER_URL);
  return new Promise((resolve, reject) => {
    const fail = (e: Error) => {
      void worker.terminate();
      reject(e);
    };
    const exited = (code: number) => fail(new FaceMeshNodeError('worker-crashed', `A worker thread exited (code ${code}) while loading the pipeline.`));
    worker.once('error', fail);
    worker.once('exit', exited);
    worker.once('message', (message: FromWorker) => {
      worker.off('error', fail);
      worker.off('exit', exited);
      if (message.type === 'ready') resolve({ worker, mode: message.mode, options: message.options });
      else if (message.type === 'init-error') fail(new FaceMeshNodeError(message.error.code, message.error.message));
      else fail(new Error(`unexpected first message from a worker thread: ${message.type}`));
    });
    const init: ToWorker = { type: 'init', options };
    worker.postMessage(init);
  });
}
