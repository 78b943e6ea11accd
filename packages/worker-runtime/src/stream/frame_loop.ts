/**
 * The live path inside the worker: frames arrive (a transferred MediaStreamTrackProcessor stream of
 * VideoFrames, or ImageBitmaps posted one at a time), the newest is processed, the overlay is drawn,
 * and the result goes to the page's listener with its buffers transferred.
 */
import * as Comlink from 'comlink';
import type { OverlayPainter } from '../overlay/overlay_painter.js';
import type { FrameInput } from '../pipeline/frame.js';
import { errorInfo, type ErrorInfo } from '../errors.js';
import { resultBuffers, type PipelineSession } from '../pipeline/session.js';
import type { FrameResult } from '../pipeline/types.js';
import { LatestFrameProcessor, pumpStream } from './latest_frame.js';
import { FrameBudget } from './frame_budget.js';
import { BusyMeter } from './busy_meter.js';
import type { ThreadChoice } from '../threads/thread_choice.js';
import type { ThreadTuning } from '../threads/thread_tuning.js';

export interface StreamFrameResult extends FrameResult {
  /** Capture time of the frame, in milliseconds (VideoFrame.timestamp / 1000, or the page's clock). */
  timestamp: number;
  /** Frames dropped so far because a newer one arrived while this worker was busy. */
  dropped: number;
  /**
   * The worker's load: the fraction of the last second (about) it spent on frames (reading,
   * pipeline, overlay), 0..1; NaN until a second has passed.
   */
  busy: number;
  /** Threads the models ran on for this frame. */
  threads: number;
}

/** Implemented on the page, passed as a Comlink proxy. */
export interface StreamListener {
  onResult(result: StreamFrameResult): void;
  onError(error: ErrorInfo): void;
  /** `threads="auto"` changed the thread count (or kept more threads after trying them again). */
  onThreads?(choice: ThreadChoice): void;
}

interface TimedFrame {
  frame: FrameInput & { close(): void };
  timestamp: number;
  close(): void;
}

/** Resolves after the messages already queued for this worker have been handled. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

export class FrameLoop {
  private readonly processor: LatestFrameProcessor<TimedFrame>;
  private abort: AbortController | null = null;
  painter: OverlayPainter | null = null;
  /** `max-fps` for streams (consume): pushed frames were already budgeted by the page. */
  private readonly budget = new FrameBudget();
  private readonly meter = new BusyMeter();

  constructor(
    private readonly session: () => PipelineSession,
    private readonly listener: StreamListener,
    private readonly tuning: ThreadTuning | null = null,
    /** The thread count when it is fixed (no tuning). */
    private readonly fixedThreads = 1,
  ) {
    this.processor = new LatestFrameProcessor<TimedFrame>(
      (f) => this.handle(f),
      (e) => this.listener.onError(errorInfo(e)),
    );
  }

  /** Consume a stream of VideoFrames until it ends or stop() is called. */
  async consume(readable: ReadableStream<VideoFrame>): Promise<void> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const timed = readable.pipeThrough(
      new TransformStream<VideoFrame, TimedFrame>({
        transform: (frame, c) => {
          // Frames over the budget are closed at once: never processed, not counted as dropped.
          if (this.budget.admit(frame.timestamp / 1000)) c.enqueue({ frame, timestamp: frame.timestamp / 1000, close: () => frame.close() });
          else frame.close();
        },
      }),
    );
    await pumpStream(timed, this.processor, abort.signal);
  }

  /** At most this many stream frames a second (0: all). */
  set maxFps(fps: number) {
    this.budget.maxFps = fps;
  }

  push(frame: ImageBitmap | VideoFrame, timestamp: number): void {
    this.processor.push({ frame, timestamp, close: () => frame.close() });
  }

  /** Frames held right now (in processing + waiting): never more than 2. */
  get held(): number {
    return this.processor.held;
  }

  get dropped(): number {
    return this.processor.dropped;
  }

  stop(): void {
    this.abort?.abort();
    this.abort = null;
    this.processor.stop();
    this.painter?.clear();
  }

  private async handle(f: TimedFrame): Promise<void> {
    const start = performance.now();
    const result = await this.session().process(f.frame, { timestampMs: f.timestamp });
    this.painter?.draw(result);
    const end = performance.now();
    const threads = this.tuning?.choice.threads ?? this.fixedThreads;
    const out: StreamFrameResult = { ...result, timestamp: f.timestamp, dropped: this.processor.dropped, busy: this.meter.add(start, end), threads };
    this.listener.onResult(Comlink.transfer(out, resultBuffers(result)));
    // Tracking frames (no detector run) time the mesh at the current thread count.
    if (this.tuning && !result.detectorRan && result.faces.length > 0) {
      // (a change of binary restarts the backend: the next frame waits for it; the newest is kept)
      const change = await this.tuning.frame(result.timings.meshMs, end);
      // (a Comlink proxy: a page listener without onThreads rejects the call, which is fine)
      if (change) void Promise.resolve(this.listener.onThreads?.(change)).catch(() => {});
    }
    // Processing is synchronous, so frames posted meanwhile (pushFrame) still wait as messages in
    // the worker's queue, where nothing would drop them. Let them in before the next frame: the
    // newest replaces the others, which are closed and counted as dropped.
    await yieldToEventLoop();
  }
}
