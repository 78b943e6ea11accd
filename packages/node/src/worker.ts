/**
 * A worker thread of the pool: one FaceMesh (its own wasm instance and models) and sharp limited
 * to one libvips thread, so N workers use about N cores. Takes one task at a time.
 */
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { resultBuffers, type FrameResult } from '@face-mesh/worker-runtime';
import { decodeImage } from './decode.js';
import { describeError } from './errors.js';
import { FaceMesh } from './face_mesh.js';
import type { FromWorker, Run, ToWorker, VideoRequest } from './protocol.js';
import { decodeVideo } from './video_decode.js';

if (!parentPort) throw new Error('worker.js runs in a worker thread (see FaceMeshPool).');
const port = parentPort;
sharp.concurrency(1);
let faceMesh: FaceMesh | undefined;

const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function runAll(mesh: FaceMesh, file: string, runs: Run[]): Promise<FrameResult[]> {
  const frame = await decodeImage(file);
  const results: FrameResult[] = [];
  for (const run of runs) {
    if (run.kind === 'still') {
      results.push(await mesh.process(frame, { stillImage: true }));
    } else if (run.kind === 'next') {
      results.push(await mesh.process(frame, { stillImage: false }));
    } else {
      mesh.reset();
      let last: FrameResult | undefined;
      // Timestamps 1/30 s apart, as a 30 fps video (they matter only with smoothing on).
      for (let t = 0; t < run.frames; t++) last = await mesh.process(frame, { stillImage: false, timestampMs: (t * 1000) / 30 });
      if (!last) throw new RangeError(`a track run needs at least one frame, got ${run.frames}`);
      results.push(last);
    }
  }
  return results;
}

/** Tracks a video from a fresh start, its frames' timestamps those of the file (smoothing uses them). */
async function trackVideo(mesh: FaceMesh, id: number, file: string, video: VideoRequest): Promise<number> {
  mesh.reset();
  let frames = 0;
  for await (const { index, ptsMs, frame } of decodeVideo(video.ffmpeg, file, video.sampling, video.resume)) {
    const result = await mesh.process(frame, { stillImage: false, timestampMs: ptsMs });
    send({ type: 'frame', id, index, ptsMs, result }, resultBuffers(result));
    frames++;
  }
  return frames;
}

port.on('message', async (message: ToWorker) => {
  if (message.type === 'init') {
    try {
      faceMesh = await FaceMesh.create(message.options);
      send({ type: 'ready', mode: faceMesh.mode, options: faceMesh.getOptions() });
    } catch (e) {
      send({ type: 'init-error', error: describeError(e) });
    }
    return;
  }
  try {
    if (!faceMesh) throw new Error('task before init');
    if (message.type === 'video') {
      const frames = await trackVideo(faceMesh, message.id, message.file, message.video);
      send({ type: 'video-end', id: message.id, frames });
      return;
    }
    const results = await runAll(faceMesh, message.file, message.runs);
    send({ type: 'result', id: message.id, results }, results.flatMap(resultBuffers));
  } catch (e) {
    send({ type: 'error', id: message.id, error: describeError(e) });
  }
});
