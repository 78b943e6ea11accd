/**
 * Benchmark (not a test): what a tracking frame costs before the mesh model, in the runtime worker
 * on the SIMD binary, one thread: readFrame (the frame's pixels into the crop sampler's buffer) and
 * the 192x192 crop, per frame source. The frames are `npm run bench`'s (640x480, one moving face,
 * test/parity/frames.ts trackFrame, played back and forth), sent as
 *   - ImageBitmap (the element's path for <video src> and where MediaStreamTrackProcessor is missing);
 *   - VideoFrame I420 (what a camera track gives through MediaStreamTrackProcessor);
 *   - VideoFrame RGBX;
 *   - ImageData (bytes already in hand: readFrame only checks them, the crop stages them).
 * The bitmap and RGBX sources are also read the way they were before their own bytes were copied
 * (copyTo converting to RGBA), in a second worker (frame_read.worker.ts?rgba), alternating with
 * the first, so the two paths are compared within one run.
 * Run with `npm run bench:frame`. On a shared machine other load shows as a long tail: compare
 * medians, min as the no-contention bound.
 */
import * as Comlink from 'comlink';
import { executeServerCommand } from '@web/test-runner-commands';
import { faceCrop, trackFrame, type TestImage } from '../test/parity/frames.js';
import { MODEL_URLS, WASM_BASE } from '../test/spawn.js';
import type { WorkerApi } from '../src/index.js';
import { stats, type Stats } from '../../../bench/stats.js';

const FRAMES = 400;
const WARMUP = 30;
const ROUNDS = 3;

type Source = 'ImageBitmap' | 'VideoFrame I420' | 'VideoFrame RGBX' | 'ImageData';

/** BT.601 limited-range I420 of RGBA bytes (what a webcam's frames hold), for a VideoFrame. */
function toI420(image: ImageData): Uint8Array {
  const { width: w, height: h, data } = image;
  const out = new Uint8Array(w * h + 2 * (w / 2) * (h / 2));
  const u0 = w * h;
  const v0 = u0 + (w / 2) * (h / 2);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      out[y * w + x] = Math.round(16 + (65.481 * data[i]! + 128.553 * data[i + 1]! + 24.966 * data[i + 2]!) / 255);
    }
  }
  for (let y = 0; y < h / 2; y++) {
    for (let x = 0; x < w / 2; x++) {
      let r = 0, g = 0, b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const i = ((2 * y + dy!) * w + 2 * x + dx!) * 4;
        r += data[i]!; g += data[i + 1]!; b += data[i + 2]!;
      }
      r /= 4; g /= 4; b /= 4;
      out[u0 + y * (w / 2) + x] = Math.round(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
      out[v0 + y * (w / 2) + x] = Math.round(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
    }
  }
  return out;
}

async function frameOf(source: Source, frame: TestImage, i420: Uint8Array, t: number): Promise<{ frame: unknown; transfer: Transferable[] }> {
  const { width, height } = frame.imageData;
  switch (source) {
    case 'ImageBitmap': {
      const bitmap = await createImageBitmap(frame.imageData);
      return { frame: bitmap, transfer: [bitmap] };
    }
    case 'VideoFrame I420': {
      const vf = new VideoFrame(i420, { format: 'I420', codedWidth: width, codedHeight: height, timestamp: t * 33_333 });
      return { frame: vf, transfer: [vf as unknown as Transferable] };
    }
    case 'VideoFrame RGBX': {
      const vf = new VideoFrame(frame.imageData.data, { format: 'RGBX', codedWidth: width, codedHeight: height, timestamp: t * 33_333 });
      return { frame: vf, transfer: [vf as unknown as Transferable] };
    }
    case 'ImageData':
      return { frame: frame.imageData, transfer: [] };
  }
}

/** A frame source read by one of the two workers: 'own' copies a frame's own bytes where it can, 'rgba' converts every frame. */
interface Case { source: Source; path: 'own' | 'rgba' }
const CASES: Case[] = [
  { source: 'ImageBitmap', path: 'own' },
  { source: 'ImageBitmap', path: 'rgba' },
  { source: 'VideoFrame I420', path: 'own' },
  { source: 'VideoFrame RGBX', path: 'own' },
  { source: 'VideoFrame RGBX', path: 'rgba' },
  { source: 'ImageData', path: 'own' },
];
const label = (c: Case) => (c.path === 'rgba' ? `${c.source}, copyTo RGBA (before)` : c.source);

function spawnBenchWorker(path: Case['path']): { api: Comlink.Remote<WorkerApi>; worker: Worker } {
  const worker = new Worker(new URL(`./frame_read.worker.js${path === 'rgba' ? '?rgba' : ''}`, import.meta.url), { type: 'module' });
  return { api: Comlink.wrap<WorkerApi>(worker), worker };
}

interface Row { source: string; readMs: Stats; cropMs: Stats; sumMs: Stats; readPixels: Stats; detectorRuns: number; facesLost: number }

describe('frame read + crop benchmark', () => {
  it('prints readFrame and crop ms per tracking frame, per frame source', async () => {
    const machine = await executeServerCommand<{ cpuModel: string; cpus: number; loadavg: number[]; browser: string }, unknown>('bench-machine');
    const crop = await faceCrop();
    const frames = Array.from({ length: 30 }, (_, t) => trackFrame(crop, t));
    const i420 = frames.map((f) => toI420(f.imageData));
    const seq = (i: number, n: number) => { const k = i % (2 * n - 2); return k < n ? k : 2 * n - 2 - k; };
    const workers = { own: spawnBenchWorker('own'), rgba: spawnBenchWorker('rgba') };
    const samples = new Map<Case, { read: number[]; crop: number[]; sum: number[]; pixels: number[]; detectorRuns: number; facesLost: number }>(
      CASES.map((c) => [c, { read: [], crop: [], sum: [], pixels: [], detectorRuns: 0, facesLost: 0 }]),
    );
    try {
      let mode = { binary: '', threads: 0 };
      for (const { api } of Object.values(workers)) {
        mode = await api.init({ wasmBase: WASM_BASE, binary: 'simd' });
        await api.createPipeline(MODEL_URLS, { maxFaces: 1 });
      }
      // Rounds alternate the sources, so a burst of other load on the machine hits them alike.
      for (let round = 0; round < ROUNDS; round++) {
        for (const c of CASES) {
          const { source } = c;
          const { api } = workers[c.path];
          const s = samples.get(c)!;
          await api.resetPipeline();
          const count = Math.round(FRAMES / ROUNDS);
          for (let i = 0; i < WARMUP + count; i++) {
            const k = seq(i, frames.length);
            const { frame, transfer } = await frameOf(source, frames[k]!, i420[k]!, i);
            const r = await api.process(Comlink.transfer(frame as ImageBitmap, transfer));
            if (i < WARMUP) continue;
            const t = r.timings;
            if (r.detectorRan) s.detectorRuns++;
            if (r.faces.length !== 1) s.facesLost++;
            // Tracking frames only: the detector's frames read the whole frame.
            if (r.detectorRan) continue;
            s.read.push(t.readMs ?? NaN);
            s.crop.push(t.cropMs);
            s.sum.push((t.readMs ?? NaN) + t.cropMs);
            s.pixels.push(t.readPixels ?? NaN);
          }
        }
      }
      const rows: Row[] = CASES.map((c) => {
        const s = samples.get(c)!;
        return { source: label(c), readMs: stats(s.read), cropMs: stats(s.crop), sumMs: stats(s.sum), readPixels: stats(s.pixels), detectorRuns: s.detectorRuns, facesLost: s.facesLost };
      });
      const f = (x: Stats) => `${x.median.toFixed(3)} / ${x.p90.toFixed(3)} / ${x.min.toFixed(3)}`;
      const lines = [
        `\nreadFrame + crop per tracking frame: ${mode.binary}, ${mode.threads} thread(s); ${machine.cpuModel} (${machine.cpus} cores), ${machine.browser}, load ${machine.loadavg.join(' ')}`,
        `ms as median / p90 / min over ${FRAMES} frames a source (${ROUNDS} alternating rounds, ${WARMUP} warm-up frames each)`,
        '| source | frames | readFrame ms | crop ms | readFrame + crop ms | pixels read (median) | detector runs | faces lost |',
        '|---|---|---|---|---|---|---|---|',
        ...rows.map((r) => `| ${r.source} | ${r.readMs.n} | ${f(r.readMs)} | ${f(r.cropMs)} | ${f(r.sumMs)} | ${r.readPixels.median} | ${r.detectorRuns} | ${r.facesLost} |`),
      ];
      console.log(lines.join('\n'));
    } finally {
      for (const { worker } of Object.values(workers)) worker.terminate();
    }
  });
});
