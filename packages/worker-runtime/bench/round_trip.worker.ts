/**
 * The runtime worker of round_trip.bench.ts: the product's API (api/worker_api.ts) exposed through
 * Comlink as worker.ts does, with marks on the worker's clock (performance.timeOrigin + now(), so
 * the page can place them on its own) where a frame's message arrives, where `process` is entered
 * and left, and around the reply's postMessage; plus the probes the page compares against: an
 * empty call, a call taking a transferred ImageBitmap, and a raw MessagePort echo.
 */
import * as Comlink from 'comlink';
import { workerApi } from '../src/api/worker_api.js';
import { errorCodesAcrossComlink } from '../src/api/comlink_errors.js';
import type { FrameInput } from '../src/pipeline/frame.js';
import { PipelineSession, resultBuffers } from '../src/pipeline/session.js';

const at = () => performance.timeOrigin + performance.now();

export interface WorkerMarks {
  /** The API method called. */
  call?: string;
  /** The message event reached the worker (before Comlink's listener reads `data`). */
  arrived: number;
  /** `process` entered, after Comlink's dispatch. */
  apiIn: number;
  /** PipelineSession.process called, and its promise settled. */
  sessionIn: number;
  sessionOut: number;
  /** The frame's close() (ImageBitmap.prototype.close), in the API's finally. */
  closeStart: number;
  closeEnd: number;
  /** `process` settled. */
  apiOut: number;
  /** The reply's postMessage called, and returned. */
  postStart: number;
  postEnd: number;
}

let marks: Partial<WorkerMarks>[] = [];
let current: Partial<WorkerMarks> = {};

/** Marks the messages `port` receives and the replies it posts (called before Comlink.expose on it). */
function marked(port: MessagePort | typeof self): void {
  port.addEventListener('message', (e: Event) => {
    current = { arrived: at() };
    current.call = ((e as MessageEvent).data as { path?: string[] } | null)?.path?.[0];
    marks.push(current);
  });
  const post = port.postMessage.bind(port) as (message: unknown, transfer: Transferable[]) => void;
  (port as unknown as { postMessage: typeof post }).postMessage = (message, transfer) => {
    current.postStart = at();
    post(message, transfer ?? []);
    current.postEnd = at();
  };
}
marked(self);

const sessionProcess = PipelineSession.prototype.process;
PipelineSession.prototype.process = function (this: PipelineSession, ...args: Parameters<typeof sessionProcess>) {
  const run = sessionProcess.apply(this, args);
  // (only under the probe's process(): the raw lane's calls have no mark of their own)
  const mark = current;
  if (mark.apiIn !== undefined && mark.sessionIn === undefined) {
    mark.sessionIn = at();
    void run.then(() => { mark.sessionOut = at(); }, () => {});
  }
  return run;
};
const closeBitmap = ImageBitmap.prototype.close;
ImageBitmap.prototype.close = function (this: ImageBitmap) {
  // (the first close after a mark's process(): the frame's)
  const mark = current;
  const first = mark.apiIn !== undefined && mark.closeStart === undefined;
  const t0 = at();
  closeBitmap.call(this);
  if (first) {
    mark.closeStart = t0;
    mark.closeEnd = at();
  }
};
let rawPostMs: number[] = [];

/** A FrameResult's shape for one 478-point face (what the raw echo sends back). */
function resultLike(oneBuffer: boolean): { value: unknown; transfer: Transferable[] } {
  const sizes = { landmarks: 478 * 3, normalized: 478 * 3, lips: 160, leftEye: 142, rightEye: 142, leftIris: 10, rightIris: 10 };
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  const one = oneBuffer ? new Float32Array(total) : null;
  let offset = 0;
  const arrays: Record<string, Float32Array> = {};
  for (const [key, n] of Object.entries(sizes)) {
    arrays[key] = one ? one.subarray(offset, offset + n) : new Float32Array(n);
    offset += n;
  }
  const face = {
    id: 1, landmarks: arrays.landmarks, normalized: arrays.normalized, score: 0.99, faceFlagLogit: 5,
    regions: { lips: arrays.lips, leftEye: arrays.leftEye, rightEye: arrays.rightEye, leftIris: arrays.leftIris, rightIris: arrays.rightIris },
    roi: { xCenter: 0.5, yCenter: 0.5, width: 0.4, height: 0.4, rotation: 0.1 },
  };
  const value = { width: 640, height: 480, faces: [face], detectorRan: false, timings: { readMs: 0.3, readPixels: 1e5, detectorMs: 0, cropMs: 0.3, meshMs: 3, postMs: 0.06, totalMs: 3.4 } };
  const transfer = one ? [one.buffer] : [...new Set(Object.values(arrays).map((a) => a.buffer))];
  return { value, transfer };
}

export type RawProbe = 'empty' | 'bitmap' | 'result-7-buffers' | 'result-1-buffer' | 'result-copied';

const probeApi = {
  ...workerApi,
  async process(frame: FrameInput, options?: { stillImage?: boolean; timestampMs?: number }) {
    const mark = current;
    mark.apiIn = at();
    const result = await workerApi.process(frame, options);
    mark.apiOut = at();
    return result;
  },
  /** process() as before closeAfterReply: the frame closed before the reply is posted. */
  async processCloseFirst(frame: ImageBitmap, options?: { stillImage?: boolean; timestampMs?: number }) {
    const mark = current;
    mark.apiIn = at();
    const result = await workerApi.process(frame, options);
    frame.close();
    mark.apiOut = at();
    return result;
  },
  /** The per-frame path on a raw port instead of Comlink: a frame in, the result out with its buffers transferred. */
  async rawProcess(port: MessagePort) {
    port.onmessage = async (e: MessageEvent<ImageBitmap>) => {
      const result = await workerApi.process(e.data);
      port.postMessage(result, resultBuffers(result));
    };
  },
  /** A result-shaped reply, its 7 buffers transferred, through Comlink. */
  async resultLike() {
    const { value, transfer } = resultLike(false);
    return Comlink.transfer(value, transfer);
  },
  /** An empty call carrying a transferred bitmap (closed at once). */
  async take(bitmap: ImageBitmap) {
    bitmap.close();
  },
  async takeMarks(): Promise<Partial<WorkerMarks>[]> {
    const out = marks;
    marks = [];
    return out;
  },
  async takeRawPostMs(): Promise<number[]> {
    const out = rawPostMs;
    rawPostMs = [];
    return out;
  },
  /** Comlink on a port of the page's (a MessageChannel instead of the worker's global port). */
  async exposeOn(port: MessagePort) {
    marked(port);
    Comlink.expose(probeApi, port);
  },
  /** A raw echo on a port of the page's: `{ probe, bitmap? }` in, the probe's reply out. */
  async rawEcho(port: MessagePort) {
    port.onmessage = (e: MessageEvent<{ probe: RawProbe; bitmap?: ImageBitmap }>) => {
      const { probe, bitmap } = e.data;
      // (the bitmap closed after the reply, as process() does)
      if (bitmap) setTimeout(() => bitmap.close(), 0);
      if (probe === 'empty' || probe === 'bitmap') return port.postMessage(null);
      const { value, transfer } = resultLike(probe === 'result-1-buffer');
      const t0 = performance.now();
      port.postMessage(value, probe === 'result-copied' ? [] : transfer);
      rawPostMs.push(performance.now() - t0);
    };
  },
};
export type ProbeApi = typeof probeApi;

errorCodesAcrossComlink();
Comlink.expose(probeApi);
