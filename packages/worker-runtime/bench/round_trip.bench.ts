/**
 * Benchmark (not a test): where a tracking frame's page round trip goes besides readFrame and the
 * pipeline (`npm run bench`'s "frame in" row). The runtime worker (SIMD, one thread; the API of
 * worker.ts, with marks: round_trip.worker.ts) and the page place events on one clock,
 * performance.timeOrigin + performance.now(), and the same 640x480 tracking frames go through
 * `process` as transferred ImageBitmaps, as in bench/element.bench.ts, frame by frame alternating:
 *   - Comlink on the worker's global port (what the element and `npm run bench` do);
 *   - Comlink on a MessageChannel of the page's;
 *   - the same as the first, the frame closed before the reply (the order before closeAfterReply);
 *   - a raw MessagePort, without Comlink.
 * Beside them, in alternating rounds: a raw MessagePort echo (empty; a transferred bitmap; a
 * result-shaped reply with 7 transferred buffers, 1 buffer, or copied), Comlink calls (empty, a
 * bitmap in, a result-shaped reply out), and the live path (startStream + pushFrame, the result
 * through the listener proxy).
 * Run with `npm run bench:roundtrip`; compare medians (a shared machine shows as a long tail).
 */
import * as Comlink from 'comlink';
import { executeServerCommand } from '@web/test-runner-commands';
import { faceCrop, trackFrame } from '../test/parity/frames.js';
import { MODEL_URLS, WASM_BASE } from '../test/spawn.js';
import { stats, type Stats } from '../../../bench/stats.js';
import type { ProbeApi, RawProbe, WorkerMarks } from './round_trip.worker.js';
import type { StreamFrameResult } from '../src/stream/frame_loop.js';
import type { FrameResult } from '../src/pipeline/types.js';

const FRAMES = 300;
const WARMUP = 30;
const ROUNDS = 3;
const at = () => performance.timeOrigin + performance.now();

interface PageMarks { call: number; postStart: number; postEnd: number; arrived: number; done: number }

/** The page's marks of the call under way (null: not marking). */
let marks: Partial<PageMarks> | null = null;

/**
 * Marks on `target` (a Worker or MessagePort.prototype): postMessage's start and end, and the arrival
 * of a message before the listeners added from now on (Comlink's) see it. Returns the undo.
 */
function markMessages(target: { postMessage: unknown; addEventListener: unknown }): () => void {
  const post = target.postMessage as (this: unknown, m: unknown, t?: Transferable[]) => void;
  const listen = target.addEventListener as (this: unknown, type: string, l: unknown, o?: unknown) => void;
  target.postMessage = function (this: unknown, m: unknown, t?: Transferable[]) {
    if (marks) marks.postStart = at();
    post.call(this, m, t ?? []);
    if (marks) marks.postEnd = at();
  };
  target.addEventListener = function (this: unknown, type: string, listener: unknown, options?: unknown) {
    if (type !== 'message' || typeof listener !== 'function') return listen.call(this, type, listener, options);
    const inner = listener as (this: unknown, e: Event) => unknown;
    return listen.call(this, type, function (this: unknown, e: Event) {
      if (marks) marks.arrived = at();
      return inner.call(this, e);
    }, options);
  };
  return () => {
    target.postMessage = post;
    target.addEventListener = listen;
  };
}

type Lane = 'Comlink, worker port' | 'Comlink, MessageChannel' | 'Comlink, worker port, frame closed before the reply (before)' | 'raw MessagePort, no Comlink';
const LANES: Lane[] = ['Comlink, worker port', 'Comlink, MessageChannel', 'Comlink, worker port, frame closed before the reply (before)', 'raw MessagePort, no Comlink'];
/** The lanes split with the worker's marks. */
const SPLIT: Lane[] = ['Comlink, worker port', 'Comlink, MessageChannel'];

/** `items` in a pseudo-random order fixed by `seed`. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = (seed + 1) * 2654435761 % 4294967296;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1664525 + 1013904223) % 4294967296;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('page round trip benchmark', () => {
  it('prints where a tracking frame\'s round trip goes', async () => {
    const machine = await executeServerCommand<{ cpuModel: string; cpus: number; loadavg: number[]; browser: string }, unknown>('bench-machine');
    const crop = await faceCrop();
    const frames = Array.from({ length: 30 }, (_, t) => trackFrame(crop, t));
    const seq = (i: number, n: number) => { const k = i % (2 * n - 2); return k < n ? k : 2 * n - 2 - k; };
    const bitmapOf = (i: number) => createImageBitmap(frames[seq(i, frames.length)]!.imageData);

    const worker = new Worker(new URL('./round_trip.worker.js', import.meta.url), { type: 'module' });
    const undo = [markMessages(worker), markMessages(MessagePort.prototype)];
    const api = Comlink.wrap<ProbeApi>(worker);
    const apiChannel = new MessageChannel();
    const portApi = Comlink.wrap<ProbeApi>(apiChannel.port1);
    const echoChannel = new MessageChannel();
    const laneChannel = new MessageChannel();
    try {
      const mode = await api.init({ wasmBase: WASM_BASE, binary: 'simd' });
      await api.createPipeline(MODEL_URLS, { maxFaces: 1 });
      await api.rawEcho(Comlink.transfer(echoChannel.port2, [echoChannel.port2]));
      await api.rawProcess(Comlink.transfer(laneChannel.port2, [laneChannel.port2]));
      await api.exposeOn(Comlink.transfer(apiChannel.port2, [apiChannel.port2]));
      const rawProcess = (frame: ImageBitmap) => new Promise<FrameResult>((resolve) => {
        laneChannel.port1.onmessage = (e) => resolve(e.data as FrameResult);
        laneChannel.port1.postMessage(frame, [frame]);
      });
      const echo = (probe: RawProbe, bitmap?: ImageBitmap) => new Promise<unknown>((resolve) => {
        echoChannel.port1.onmessage = (e) => resolve(e.data);
        echoChannel.port1.postMessage({ probe, bitmap }, bitmap ? [bitmap] : []);
      });
      const process = (lane: Lane, bitmap: ImageBitmap): Promise<FrameResult> => {
        switch (lane) {
          case 'Comlink, worker port': return api.process(Comlink.transfer(bitmap, [bitmap]));
          case 'Comlink, MessageChannel': return portApi.process(Comlink.transfer(bitmap, [bitmap]));
          case 'Comlink, worker port, frame closed before the reply (before)': return api.processCloseFirst(Comlink.transfer(bitmap, [bitmap]));
          case 'raw MessagePort, no Comlink': return rawProcess(bitmap);
        }
      };

      const samples = new Map<string, number[]>();
      const add = (key: string, v: number) => { if (!samples.has(key)) samples.set(key, []); samples.get(key)!.push(v); };
      const timed = async (key: string, run: () => Promise<unknown>) => {
        const t0 = performance.now();
        await run();
        add(key, performance.now() - t0);
      };

      let frameNo = 0;
      for (let round = 0; round < ROUNDS; round++) {
        // 1. Probes, interleaved.
        for (let i = 0; i < FRAMES / ROUNDS; i++) {
          await timed('raw MessagePort echo, empty', () => echo('empty'));
          const b1 = await bitmapOf(i);
          await timed('raw MessagePort echo, transferred bitmap in', () => echo('bitmap', b1));
          await timed('raw MessagePort echo, result-like out (7 buffers transferred)', () => echo('result-7-buffers'));
          await timed('raw MessagePort echo, result-like out (1 buffer transferred)', () => echo('result-1-buffer'));
          await timed('raw MessagePort echo, result-like out (copied)', () => echo('result-copied'));
          await timed('Comlink call, empty (ping)', () => api.ping());
          const b2 = await bitmapOf(i);
          await timed('Comlink call, transferred bitmap in', () => api.take(Comlink.transfer(b2, [b2])));
          await timed('Comlink call, result-like out (7 buffers transferred)', () => api.resultLike());
          await timed('Comlink call on a MessageChannel, empty (ping)', () => portApi.ping());
        }
        for (const [k, v] of (await api.takeRawPostMs()).entries()) add(`raw MessagePort echo: the worker's postMessage of the result-like reply (${['7 buffers', '1 buffer', 'copied'][k % 3]})`, v);

        // 2. Tracking frames, the lanes alternating frame by frame, marked on both sides.
        await api.resetPipeline();
        await api.takeMarks();
        const marked: { lane: Lane; page: Partial<PageMarks>; readMs: number; totalMs: number; tracked: boolean }[] = [];
        for (let i = 0; i < WARMUP + FRAMES / ROUNDS; i++) {
          // (in a shuffled order each time: what a lane leaves behind, e.g. a frame still to close,
          // must not always fall on the same next lane)
          for (const lane of shuffled(LANES, i)) {
            const bitmap = await bitmapOf(frameNo++);
            const page: Partial<PageMarks> = { call: at() };
            marks = page;
            const r = await process(lane, bitmap);
            page.done = at();
            marks = null;
            const tracked = i >= WARMUP && !r.detectorRan && r.faces.length === 1;
            const readMs = r.timings.readMs ?? 0;
            if (tracked) {
              const ms = page.done - page.call!;
              add(`${lane}: round trip`, ms);
              add(`${lane}: frame in - readFrame (round trip - readMs - totalMs)`, ms - r.timings.totalMs - readMs);
            }
            if (lane !== 'raw MessagePort, no Comlink') marked.push({ lane, page, readMs, totalMs: r.timings.totalMs, tracked });
          }
        }
        // (one worker mark a process call, in order: the raw lane does not call the probe's process)
        const workers = (await api.takeMarks()).filter((m) => m.apiIn !== undefined) as WorkerMarks[];
        marked.forEach(({ lane, page: p, readMs, totalMs, tracked }, i) => {
          const w = workers[i]!;
          if (!tracked || !SPLIT.includes(lane)) return;
          const split: Record<string, number> = {
            'page: call -> postMessage (Comlink)': p.postStart! - p.call!,
            'page: postMessage (bitmap transferred)': p.postEnd! - p.postStart!,
            'to the worker (page postMessage returned -> message event)': w.arrived - p.postEnd!,
            'worker: message event -> process() entered (deserialize, Comlink)': w.apiIn - w.arrived,
            'worker: readFrame': readMs,
            'worker: pipeline (totalMs)': totalMs,
            'worker: process() outside readFrame + pipeline': w.apiOut - w.apiIn - readMs - totalMs,
            'worker: . process() entered -> session.process()': w.sessionIn - w.apiIn,
            'worker: . session.process() outside readFrame + pipeline (queue, awaits)': w.sessionOut - w.sessionIn - readMs - totalMs,
            'worker: . session settled -> process() settled': w.apiOut - w.sessionOut,
            'worker: process() settled -> postMessage (Comlink)': w.postStart - w.apiOut,
            'worker: postMessage (result, buffers transferred)': w.postEnd - w.postStart,
            'to the page (worker postMessage called -> message event)': p.arrived! - w.postStart,
            'page: message event -> await resumed (deserialize, Comlink)': p.done! - p.arrived!,
            'worker: frame.close() (ImageBitmap; after the reply)': w.closeEnd - w.closeStart,
          };
          for (const [k, v] of Object.entries(split)) add(`${lane}: . ${k}`, v);
        });

        // 3. The live path: pushFrame in, the listener proxy's onResult out (the element's path for <video src>).
        let resolveResult: (r: StreamFrameResult) => void = () => {};
        const listener = { onResult: (r: StreamFrameResult) => resolveResult(r), onError: () => {} };
        void api.startStream(Comlink.proxy(listener));
        await api.resetPipeline();
        for (let i = 0; i < WARMUP + FRAMES / ROUNDS; i++) {
          const bitmap = await bitmapOf(frameNo++);
          const t0 = performance.now();
          const result = new Promise<StreamFrameResult>((resolve) => (resolveResult = resolve));
          await api.pushFrame(Comlink.transfer(bitmap, [bitmap]), t0);
          const r = await result;
          const ms = performance.now() - t0;
          if (i >= WARMUP && !r.detectorRan && r.faces.length === 1) {
            add('live: pushFrame -> onResult', ms);
            add('live: pushFrame -> onResult, - readMs - totalMs', ms - r.timings.totalMs - (r.timings.readMs ?? 0));
          }
        }
        await api.stopStream();
      }
      const f = (x: Stats) => `${x.median.toFixed(3)} / ${x.p90.toFixed(3)} / ${x.min.toFixed(3)}`;
      const lines = [
        `\npage round trip of a tracking frame: ${mode.binary}, ${mode.threads} thread(s); ${machine.cpuModel} (${machine.cpus} cores), ${machine.browser}, load ${machine.loadavg.join(' ')}`,
        `ms as median / p90 / min (${ROUNDS} alternating rounds; ${FRAMES} tracking frames a lane, ${WARMUP} warm-up frames a round)`,
        '| measure | n | ms |',
        '|---|---|---|',
        ...[...samples].map(([k, v]) => { const s = stats(v); return `| ${k} | ${s.n} | ${f(s)} |`; }),
      ];
      console.log(lines.join('\n'));
    } finally {
      for (const u of undo) u();
      portApi[Comlink.releaseProxy]();
      echoChannel.port1.close();
      laneChannel.port1.close();
      worker.terminate();
    }
  });
});
