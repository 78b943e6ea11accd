/**
 * Benchmark (not a test): where a tracking frame's page round trip goes besides readFrame and the
 * pipeline (`npm run bench`'s "frame in" row). The runtime worker (SIMD, one thread; the API of
 * worker.ts, with marks: round_trip.worker.ts) and the page place events on one clock,
 * performance.timeOrigin + performance.now(), and the same 640x480 tracking frames go through
 * api.process as transferred ImageBitmaps, as in bench/element.bench.ts. Beside it, in alternating
 * rounds: a raw MessagePort echo (empty; a transferred bitmap; a result-shaped reply with 7
 * transferred buffers, 1 buffer, or copied), an empty Comlink call and one taking a bitmap, and the
 * live path (startStream + pushFrame, result through the listener proxy).
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

describe('page round trip benchmark', () => {
  it('prints where a tracking frame\'s round trip goes', async () => {
    const machine = await executeServerCommand<{ cpuModel: string; cpus: number; loadavg: number[]; browser: string }, unknown>('bench-machine');
    const crop = await faceCrop();
    const frames = Array.from({ length: 30 }, (_, t) => trackFrame(crop, t));
    const seq = (i: number, n: number) => { const k = i % (2 * n - 2); return k < n ? k : 2 * n - 2 - k; };
    const bitmapOf = (i: number) => createImageBitmap(frames[seq(i, frames.length)]!.imageData);

    const worker = new Worker(new URL('./round_trip.worker.js', import.meta.url), { type: 'module' });
    let page: Partial<PageMarks> = {};
    // (before Comlink.wrap's listener: runs first)
    worker.addEventListener('message', () => { page.arrived = at(); });
    const post = worker.postMessage.bind(worker) as (m: unknown, t: Transferable[]) => void;
    (worker as unknown as { postMessage: typeof post }).postMessage = (m, t) => {
      page.postStart = at();
      post(m, t ?? []);
      page.postEnd = at();
    };
    const api = Comlink.wrap<ProbeApi>(worker);
    const { port1: raw, port2 } = new MessageChannel();
    try {
      const mode = await api.init({ wasmBase: WASM_BASE, binary: 'simd' });
      await api.createPipeline(MODEL_URLS, { maxFaces: 1 });
      await api.rawEcho(Comlink.transfer(port2, [port2]));
      const portApi = Comlink.wrap<ProbeApi>(await api[Comlink.createEndpoint]());
      const lane = new MessageChannel();
      await api.rawProcess(Comlink.transfer(lane.port2, [lane.port2]));
      const rawProcess = (frame: ImageBitmap, oneBuffer: boolean) => new Promise<FrameResult>((resolve) => {
        lane.port1.onmessage = (e) => resolve(e.data as FrameResult);
        lane.port1.postMessage({ frame, oneBuffer }, [frame]);
      });
      const echo = (probe: RawProbe, bitmap?: ImageBitmap) => new Promise<unknown>((resolve) => {
        raw.onmessage = (e) => resolve(e.data);
        raw.postMessage({ probe, bitmap }, bitmap ? [bitmap] : []);
      });

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
          await timed('raw postMessage, empty', () => echo('empty'));
          const b1 = await bitmapOf(i);
          await timed('raw postMessage, transferred bitmap', () => echo('bitmap', b1));
          await timed('raw, empty in, result-like out (7 buffers transferred)', () => echo('result-7-buffers'));
          await timed('raw, empty in, result-like out (1 buffer transferred)', () => echo('result-1-buffer'));
          await timed('raw, empty in, result-like out (copied)', () => echo('result-copied'));
          if (i === FRAMES / ROUNDS - 1) for (const [k, v] of (await api.takeRawPostMs()).entries()) add(`raw: worker postMessage of the result-like reply (${['7 buffers', '1 buffer', 'copied'][k % 3]})`, v);
          await timed('Comlink call, empty (ping)', () => api.ping());
          const b2 = await bitmapOf(i);
          await timed('Comlink call, transferred bitmap', () => api.take(Comlink.transfer(b2, [b2])));
          await timed('Comlink call, empty in, result-like out (7 buffers transferred)', () => api.resultLike());
        }
        for (const m of await api.takeMarks()) {
          if (m.call && m.postEnd !== undefined) add(`Comlink: worker postMessage of the reply to ${m.call}()`, m.postEnd - m.postStart!);
        }
        // 2. Tracking frames through api.process, with marks; beside it (frame by frame, alternating)
        // the old close-first order, and the same call on a raw port (results as they are, or in one buffer).
        await api.resetPipeline();
        await api.takeMarks();
        const pages: Partial<PageMarks>[] = [];
        const timings: { readMs: number; totalMs: number }[] = [];
        const lanes = ['process', 'processCloseFirst', 'Comlink on a MessageChannel', 'raw', 'raw, one buffer'] as const;
        for (let i = 0; i < WARMUP + FRAMES / ROUNDS; i++) {
          for (const lane of lanes) {
            const bitmap = await bitmapOf(frameNo++);
            const call = at();
            page = { call };
            const r = lane === 'process' ? await api.process(Comlink.transfer(bitmap, [bitmap]))
              : lane === 'processCloseFirst' ? await api.processCloseFirst(Comlink.transfer(bitmap, [bitmap]))
                : lane === 'Comlink on a MessageChannel' ? await portApi.process(Comlink.transfer(bitmap, [bitmap]))
                  : await rawProcess(bitmap, lane === 'raw, one buffer');
            page.done = at();
            const tracked = i >= WARMUP && !r.detectorRan && r.faces.length === 1;
            if (tracked) {
              const ms = page.done - call;
              add(`lane ${lane}: round trip`, ms);
              add(`lane ${lane}: frame in - readFrame`, ms - r.timings.totalMs - (r.timings.readMs ?? 0));
            }
            if (lane !== 'process' && lane !== 'processCloseFirst') continue;
            if (lane === 'process' && tracked) {
              pages.push(page);
              timings.push({ readMs: r.timings.readMs ?? 0, totalMs: r.timings.totalMs });
            } else pages.push({});
          }
        }
        const workers = (await api.takeMarks()).filter((m) => m.apiIn !== undefined);
        pages.forEach((p, i) => {
          if (p.call === undefined) return;
          const w = workers[i] as WorkerMarks;
          const t = timings.shift()!;
          const split: Record<string, number> = {
            'round trip': p.done! - p.call,
            '. page: call to postMessage (Comlink)': p.postStart! - p.call,
            '. page: postMessage (bitmap transfer)': p.postEnd! - p.postStart!,
            '. to the worker (page postMessage returned -> message event)': w.arrived - p.postEnd!,
            '. worker: message event -> process() entered (deserialize, Comlink)': w.apiIn - w.arrived,
            '. worker: readFrame': t.readMs,
            '. worker: pipeline (totalMs)': t.totalMs,
            '. worker: process() outside readFrame + pipeline (queue, awaits, transfer list)': w.apiOut - w.apiIn - t.readMs - t.totalMs,
            '. . process() entered -> session.process()': w.sessionIn - w.apiIn,
            '. . session.process() outside readFrame + pipeline': w.sessionOut - w.sessionIn - t.readMs - t.totalMs,
            '. . session settled -> process() settled': w.apiOut - w.sessionOut,
            '. . frame.close() (ImageBitmap; after the reply is posted)': w.closeEnd - w.closeStart,
            '. worker: process() settled -> postMessage (Comlink)': w.postStart - w.apiOut,
            '. worker: postMessage (result, buffers transferred)': w.postEnd - w.postStart,
            '. to the page (worker postMessage returned -> message event)': p.arrived! - w.postEnd,
            '. page: message event -> await resumed (deserialize, Comlink)': p.done! - p.arrived!,
            'frame in (round trip - totalMs, as npm run bench)': p.done! - p.call - t.totalMs,
            'frame in - readFrame': p.done! - p.call - t.totalMs - t.readMs,
          };
          for (const [k, v] of Object.entries(split)) add(`process: ${k}`, v);
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
            add('live: pushFrame -> onResult, - readFrame - totalMs', ms - r.timings.totalMs - (r.timings.readMs ?? 0));
          }
        }
        await api.stopStream();
      }
      const f = (x: Stats) => `${x.median.toFixed(3)} / ${x.p90.toFixed(3)} / ${x.min.toFixed(3)}`;
      const lines = [
        `\npage round trip of a tracking frame: ${mode.binary}, ${mode.threads} thread(s); ${machine.cpuModel} (${machine.cpus} cores), ${machine.browser}, load ${machine.loadavg.join(' ')}`,
        `ms as median / p90 / min (${ROUNDS} alternating rounds; ${FRAMES} tracking frames, ${WARMUP} warm-up frames a round)`,
        '| measure | n | ms |',
        '|---|---|---|',
        ...[...samples].map(([k, v]) => { const s = stats(v); return `| ${k} | ${s.n} | ${f(s)} |`; }),
      ];
      console.log(lines.join('\n'));
    } finally {
      raw.close();
      worker.terminate();
    }
  });
});
