/**
 * `npm run bench`: the face-mesh benchmark (a script, not a test: nothing here asserts a time).
 * One browser session, the same 640x480 frames of a moving face (test/parity/frames.ts trackFrame,
 * played back and forth) through:
 *   1. each model alone, per wasm binary (api.bench);
 *   2. our pipeline in a worker, tracking mode and static mode, per binary, split into
 *      frame in (ImageBitmap transfer + message + readFrame), crop, mesh model, post-processing;
 *   3. Google's @mediapipe/face_mesh (useCpuInference, maxNumFaces 1, tracking, no reset), and
 *      Google's LiteRT.js (wasm, one thread) on the same model files and input as our SIMD binary;
 *   4. the threaded binary with 1 and 2 threads, quiet and with a busy-loop process on one core;
 *   4b. detector cadence: worker time with max-faces 2 vs 1 and one face in view (30 fps frame
 *      times, per detection-interval), and how soon a second face that appears is found;
 *   5. tensors, JS heaps and the wasm heap before and after 2,000 frames;
 *   6. the built <face-mesh> element on Chromium's fake camera: main-thread cost per frame and
 *      capture-to-event latency;
 *   6b. the worker's load (landmarks detail.busy) on a 30 fps video, every frame and max-fps 10 / 15;
 *   7. the pipeline on the page's main thread under CDP CPU throttling (1x, 4x, 6x; SIMD, 1 thread),
 *      and the load a 30 fps camera would give at that speed.
 * Prints a markdown table and writes bench-results/latest.{json,md}. BENCH_QUICK=1 for a smoke run.
 */
import * as Comlink from 'comlink';
import { executeServerCommand } from '@web/test-runner-commands';
import type { FrameResult, RuntimeMode, WasmBinary, WorkerApi } from '../packages/worker-runtime/src/index.js';
import { workerApi as runtimeApi } from '../packages/worker-runtime/src/api/worker_api.js';
import { faceCrop, sideBySideFrame, trackFrame, type TestImage } from '../packages/worker-runtime/test/parity/frames.js';
import { GoogleFaceMesh } from '../packages/worker-runtime/test/parity/google_face_mesh.js';
import { MODEL_URLS, spawnRuntime, WASM_BASE } from '../packages/worker-runtime/test/spawn.js';
import { liteRtVersion, runAnchor, spawnLiteRt } from '../packages/worker-runtime/bench/litert/anchor.js';
import { benchInput, mp, round, stats, type Stats } from './stats.js';
import { ELEMENT_DEFAULTS } from '@face-mesh/worker-runtime/defaults';

type Api = Comlink.Remote<WorkerApi>;

const cmd = <T>(name: string, payload?: unknown): Promise<T> => executeServerCommand<T, unknown>(name, payload) as Promise<T>;
const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Machine {
  cpus: number; cpuModel: string; totalMemGB: number; platform: string; node: string; browser: string; loadavg: number[];
}

/** Frame i of the back-and-forth playback of the 30-frame sequence (no jumps, so tracking holds). */
const seq = (i: number, n: number) => { const k = i % (2 * n - 2); return k < n ? k : 2 * n - 2 - k; };

interface FrameSplit {
  roundTripMs: number; frameInMs: number; readMs: number; detectorMs: number; cropMs: number; meshMs: number; postMs: number; workerMs: number;
}
type SplitStats = Record<keyof FrameSplit, Stats> & { detectorRuns: number; facesLost: number; bitmapMs: Stats };

/** Frames through api.process as transferred ImageBitmaps (the element's detect() path; its `<video src>` fallback sends the same bitmaps through pushFrame), timed from the page. */
async function runFrames(api: Api, frames: TestImage[], count: number, stillImage: boolean): Promise<SplitStats> {
  const rows: FrameSplit[] = [];
  const bitmapMs: number[] = [];
  let detectorRuns = 0;
  let facesLost = 0;
  for (let i = 0; i < count; i++) {
    const frame = frames[seq(i, frames.length)]!;
    const b0 = now();
    const bitmap = await createImageBitmap(frame.imageData);
    bitmapMs.push(now() - b0);
    const t0 = now();
    const r: FrameResult = await api.process(Comlink.transfer(bitmap, [bitmap]), { stillImage });
    const roundTripMs = now() - t0;
    const t = r.timings;
    if (r.detectorRan) detectorRuns++;
    if (r.faces.length !== 1) facesLost++;
    const readMs = t.readMs ?? 0;
    rows.push({
      roundTripMs, frameInMs: roundTripMs - t.totalMs, readMs, detectorMs: t.detectorMs, cropMs: t.cropMs,
      meshMs: t.meshMs, postMs: t.postMs, workerMs: t.totalMs + readMs,
    });
  }
  const keys = Object.keys(rows[0]!) as (keyof FrameSplit)[];
  const out = Object.fromEntries(keys.map((k) => [k, stats(rows.map((r) => r[k]))])) as Record<keyof FrameSplit, Stats>;
  return { ...out, detectorRuns, facesLost, bitmapMs: stats(bitmapMs) };
}

async function startRuntime(options: { binary: WasmBinary; threads?: number }): Promise<{ api: Api; worker: Worker; mode: RuntimeMode }> {
  const { api, worker } = spawnRuntime();
  const mode = await api.init({ wasmBase: WASM_BASE, ...options });
  await api.createPipeline(MODEL_URLS, { maxFaces: 1 });
  return { api, worker, mode };
}

async function modelTimes(api: Api, runs: number, warmup: number) {
  const out: Record<string, { steps: number; ms: Stats; topOps: { op: string; count: number; ms: number }[] }> = {};
  for (const [name, url, size] of [['mesh', MODEL_URLS.mesh, 192], ['detector', MODEL_URLS.detector, 128]] as const) {
    const m = await api.loadModel(url);
    const r = await api.bench(m.id, benchInput(size), runs, warmup);
    out[name] = { steps: m.steps, ms: stats(r.ms), topOps: r.ops.slice(0, 6).map((o) => ({ op: o.label, count: o.count, ms: round(o.msPerRun) })) };
    await api.disposeModel(m.id);
  }
  return out;
}

/** Main-thread time of the page (CDP Performance.getMetrics), in ms. */
async function mainThreadMs(): Promise<{ task: number; script: number; layout: number; style: number }> {
  const m = await cmd<Record<string, number>>('bench-metrics');
  return { task: (m.TaskDuration ?? NaN) * 1000, script: (m.ScriptDuration ?? NaN) * 1000, layout: (m.LayoutDuration ?? NaN) * 1000, style: (m.RecalcStyleDuration ?? NaN) * 1000 };
}

/** Synchronous time spent in 'message' listeners of MessagePorts (Comlink's proxied stream listener). */
const portMessageMs: number[] = [];
function instrumentMessagePorts(): void {
  const original = MessagePort.prototype.addEventListener;
  MessagePort.prototype.addEventListener = function (this: MessagePort, type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions) {
    if (type === 'message' && typeof listener === 'function') {
      const inner = listener;
      const timed = function (this: MessagePort, ev: Event) {
        const t0 = performance.now();
        try {
          return inner.call(this, ev);
        } finally {
          portMessageMs.push(performance.now() - t0);
        }
      };
      return original.call(this, type, timed, options);
    }
    return original.call(this, type, listener as EventListenerOrEventListenerObject, options);
  } as typeof MessagePort.prototype.addEventListener;
}

interface LandmarksLike { timestamp: number; faces: unknown[]; detectorRan: boolean; timings: { totalMs: number; readMs?: number } }

async function elementBench(seconds: number) {
  // Baseline: the same camera in a plain <video>, no element: what showing the camera costs anyway.
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
  const plain = document.createElement('video');
  plain.muted = true;
  plain.playsInline = true;
  plain.srcObject = stream;
  document.body.append(plain);
  await plain.play();
  await sleep(1000);
  const b0 = await mainThreadMs();
  const bt0 = now();
  await sleep(seconds * 1000);
  const b1 = await mainThreadMs();
  const baselineMsPerS = (b1.task - b0.task) / ((now() - bt0) / 1000);
  plain.remove();
  for (const t of stream.getTracks()) t.stop();

  instrumentMessagePorts();
  const dist = '/packages/element/dist/';
  await import(/* @vite-ignore */ `${dist}define.js`);
  const el = document.createElement('face-mesh') as HTMLElement & { start(): Promise<void> };
  el.setAttribute('asset-base', dist);
  el.setAttribute('max-faces', '1');
  const ready = new Promise<RuntimeMode & { loadMs: number }>((resolve) => el.addEventListener('ready', (e) => resolve((e as CustomEvent).detail), { once: true }));
  document.body.append(el);
  await el.start();
  const mode = await ready;
  const events: { at: number; ts: number; faces: number; detectorRan: boolean; workerMs: number }[] = [];
  let recording = false;
  el.addEventListener('landmarks', (e) => {
    const d = (e as CustomEvent<LandmarksLike>).detail;
    if (recording) events.push({ at: performance.now(), ts: d.timestamp, faces: d.faces.length, detectorRan: d.detectorRan, workerMs: d.timings.totalMs + (d.timings.readMs ?? 0) });
  });
  let longTasks = 0;
  const observer = new PerformanceObserver((list) => { if (recording) longTasks += list.getEntries().length; });
  observer.observe({ type: 'longtask', buffered: false });
  await sleep(2000); // warm-up: first detections, JIT
  portMessageMs.length = 0;
  recording = true;
  const m0 = await mainThreadMs();
  const t0 = now();
  await sleep(seconds * 1000);
  const m1 = await mainThreadMs();
  recording = false;
  const elapsedS = (now() - t0) / 1000;
  await cmd('bench-metrics', { detach: true });
  observer.disconnect();
  el.remove();

  // Clock of detail.timestamp (VideoFrame.timestamp / 1000 on the MediaStreamTrackProcessor path):
  // Chromium stamps camera frames with their capture reference time, base::TimeTicks, which on Linux
  // is CLOCK_MONOTONIC (time since boot), not performance.now(). Node's process.hrtime is the same
  // clock, so (monotonic - performance.now()) read around one server round trip gives the offset.
  const { offset, uncertainty } = await monotonicOffset();
  const tsLooksLikePerfClock = events.every((e) => e.at - e.ts > 0 && e.at - e.ts < 2000);
  const tsLooksLikeMonotonic = events.every((e) => { const l = e.at - (e.ts - offset); return l > 0 && l < 2000; });
  let method: string;
  let latency: number[];
  if (tsLooksLikePerfClock) {
    method = 'detail.timestamp is on the performance.now() clock: latency = event time - detail.timestamp';
    latency = events.map((e) => e.at - e.ts);
  } else if (tsLooksLikeMonotonic) {
    method = `detail.timestamp (VideoFrame.timestamp/1000) is the capture time on Chromium's TimeTicks clock (CLOCK_MONOTONIC on Linux, ms since boot), not performance.now(); converted with performance.now() = monotonic - ${offset.toFixed(1)} ms, measured against node's process.hrtime around a server command (uncertainty +-${uncertainty.toFixed(2)} ms)`;
    latency = events.map((e) => e.at - (e.ts - offset));
  } else {
    method = 'detail.timestamp matched neither performance.now() nor CLOCK_MONOTONIC: latency not measured';
    latency = [];
  }
  const taskMs = m1.task - m0.task;
  const frames = events.length;
  return {
    mode,
    seconds: round(elapsedS),
    frames,
    fps: round(frames / elapsedS),
    framesWithFace: events.filter((e) => e.faces > 0).length,
    mainThread: {
      method: 'CDP Performance.getMetrics TaskDuration (all tasks on the page renderer main thread) over the run, minus the same page showing the same camera in a plain <video> for as long, divided by landmarks events; plus the synchronous time in the MessagePort message listener that receives each result (structured-clone read + Comlink + the element\'s event dispatch)',
      taskMsPerFrame: round(taskMs / frames),
      netTaskMsPerFrame: round((taskMs - baselineMsPerS * elapsedS) / frames),
      scriptMsPerFrame: round((m1.script - m0.script) / frames),
      layoutStyleMsPerFrame: round((m1.layout - m0.layout + m1.style - m0.style) / frames),
      baselineTaskMsPerSecond: round(baselineMsPerS),
      messageListenerMs: stats(portMessageMs),
      longTasks,
    },
    latency: { method, captureToEventMs: stats(latency), workerMs: stats(events.map((e) => e.workerMs)), monotonicOffsetMs: round(offset), offsetUncertaintyMs: round(uncertainty) },
  };
}

/** The 30 fps clip of the still face (tools/test-clip.mjs ensureTestWebm30, made by the test config). */
const CLIP_30FPS = '/node_modules/.cache/face-mesh/still-face-30fps.webm';

/**
 * The built element on a 30 fps `src` video: events a second and the worker's busy fraction
 * (landmarks detail.busy, median over the run) for each max-fps, one element each, after a warm-up.
 */
async function busyBench(seconds: number) {
  const dist = '/packages/element/dist/';
  await import(/* @vite-ignore */ `${dist}define.js`);
  const rows: { maxFps: number; fps: number; busy: Stats; workerMs: Stats; threads: number }[] = [];
  for (const maxFps of [0, 15, 10]) {
    const el = document.createElement('face-mesh') as HTMLElement & { maxFps: number };
    el.setAttribute('asset-base', dist);
    el.setAttribute('overlay', 'none');
    el.maxFps = maxFps;
    const busy: number[] = [];
    const workerMs: number[] = [];
    let events = 0;
    let threads = 1;
    let recording = false;
    el.addEventListener('landmarks', (e) => {
      const d = (e as CustomEvent<LandmarksLike & { busy: number; threads: number }>).detail;
      if (!recording) return;
      events++;
      threads = d.threads;
      workerMs.push(d.timings.totalMs + (d.timings.readMs ?? 0));
      if (Number.isFinite(d.busy)) busy.push(d.busy);
    });
    el.setAttribute('src', CLIP_30FPS);
    document.body.append(el);
    await new Promise((resolve) => el.addEventListener('landmarks', resolve, { once: true }));
    await sleep(2000);
    recording = true;
    const t0 = now();
    await sleep(seconds * 1000);
    recording = false;
    const elapsed = (now() - t0) / 1000;
    el.remove();
    rows.push({ maxFps, fps: round(events / elapsed), busy: stats(busy), workerMs: stats(workerMs), threads });
  }
  return { clip: CLIP_30FPS, method: 'the built element, src = a 30 fps WebM of a still face (frames via requestVideoFrameCallback), overlay none; events / s of wall time, and the median of landmarks detail.busy (the worker\'s busy fraction over ~1 s windows)', rows };
}

/**
 * threads="auto" as a 4-core page would run it (navigator.hardwareConcurrency claimed 4 on this
 * page, so auto compares 1 and 2 threads), on the fake camera, quiet and with one busy process:
 * its start-up choice, the changes while running, and the worker ms of tracking frames.
 */
async function autoThreadsBench(seconds: number) {
  const dist = '/packages/element/dist/';
  await import(/* @vite-ignore */ `${dist}define.js`);
  Object.defineProperty(navigator, 'hardwareConcurrency', { value: 4, configurable: true });
  const rows = [];
  try {
    for (const hogs of [0, 1]) {
      await cmd('bench-load', { processes: hogs });
      await sleep(300);
      const el = document.createElement('face-mesh') as HTMLElement & { start(): Promise<void> };
      el.setAttribute('asset-base', dist);
      el.setAttribute('overlay', 'none');
      const ready = new Promise<RuntimeMode>((resolve) => el.addEventListener('ready', (e) => resolve((e as CustomEvent<RuntimeMode>).detail), { once: true }));
      const changes: number[] = [];
      el.addEventListener('threadschange', (e) => changes.push((e as CustomEvent<{ threads: number }>).detail.threads));
      const workerMs: number[] = [];
      const used = new Set<number>();
      let recording = false;
      el.addEventListener('landmarks', (e) => {
        const d = (e as CustomEvent<LandmarksLike & { threads: number }>).detail;
        if (!recording || d.detectorRan || d.faces.length !== 1) return;
        workerMs.push(d.timings.totalMs + (d.timings.readMs ?? 0));
        used.add(d.threads);
      });
      document.body.append(el);
      await el.start();
      const mode = await ready;
      await sleep(3000);
      recording = true;
      await sleep(seconds * 1000);
      recording = false;
      el.remove();
      rows.push({ busyProcesses: hogs, startup: mode.threadChoice, changes, threadsUsed: [...used], workerMs: stats(workerMs) });
    }
  } finally {
    delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
    await cmd('bench-load', { processes: 0 });
  }
  return rows;
}

/** CLOCK_MONOTONIC (ms) minus performance.now(), from the tightest of a few server round trips. */
async function monotonicOffset(): Promise<{ offset: number; uncertainty: number }> {
  let best = { offset: NaN, uncertainty: Infinity };
  for (let i = 0; i < 8; i++) {
    const p0 = now();
    const mono = await cmd<number>('bench-monotonic');
    const p1 = now();
    if ((p1 - p0) / 2 < best.uncertainty) best = { offset: mono - (p0 + p1) / 2, uncertainty: (p1 - p0) / 2 };
  }
  return best;
}

describe('face-mesh benchmark', function () {
  this.timeout(1_500_000);

  it('prints the results table and writes bench-results/latest.json', async () => {
    const { quick } = await cmd<{ quick: boolean }>('bench-config');
    const N = quick ? { track: 40, still: 10, warm: 5, models: 10, memory: 100, load: 20, element: 3, throttle: 5 }
      : { track: 300, still: 60, warm: 20, models: 100, memory: 2000, load: 150, element: 10, throttle: 30 };
    const machine = await cmd<Machine>('bench-machine');
    const uaData = (navigator as { userAgentData?: { getHighEntropyValues(h: string[]): Promise<{ fullVersionList?: { brand: string; version: string }[] }> } }).userAgentData;
    const brands = (await uaData?.getHighEntropyValues(['fullVersionList']))?.fullVersionList ?? [];
    const results: Record<string, unknown> = {
      date: new Date().toISOString(), quick, counts: N,
      machine: { ...machine, hardwareConcurrency: navigator.hardwareConcurrency, userAgent: navigator.userAgent, brands, loadavgStart: machine.loadavg },
    };

    type Cpu = { machineBusy: number; ours: number; wall: number };
    const cpu0 = await cmd<Cpu>('bench-cpu');
    const crop = await faceCrop();
    const frames = Array.from({ length: 30 }, (_, t) => trackFrame(crop, t));
    const log = (s: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}`);

    // 1-2. Models and pipeline, per binary (one worker each).
    const binaries: Record<string, unknown> = {};
    let memory: Record<string, unknown> = {};
    // The threaded column uses every core (up to 4), the best case on an idle machine; the default
    // (chooseThreadCount: half the cores) is what the element runs, see section 4 for why.
    const allCores = Math.min(4, navigator.hardwareConcurrency);
    for (const binary of ['threaded-simd', 'simd', 'plain'] as const) {
      const { api, worker, mode } = await startRuntime(binary === 'threaded-simd' ? { binary, threads: allCores } : { binary });
      try {
        log(`${binary}: ${mode.threads} thread(s)`);
        const models = await modelTimes(api, N.models, 15);
        await runFrames(api, frames, N.warm, false);
        const tracking = await runFrames(api, frames, N.track, false);
        await api.resetPipeline();
        const still = await runFrames(api, frames, N.still, true);
        binaries[binary] = { mode, models, tracking, static: still, loadavg: await cmd('bench-loadavg') };
        if (binary === 'threaded-simd') {
          // 5. Memory over N.memory more tracking frames (the only worker alive).
          log('memory run');
          const heapOf = async () => {
            const h = await cmd<{ page: { usedSize: number }; workers: { url: string; usedSize?: number }[] }>('bench-heap', { workerUrl: 'worker-runtime/src/worker' });
            return { pageHeap: h.page.usedSize, workerHeap: h.workers[0]?.usedSize ?? null, workers: h.workers.length };
          };
          const before = { ...(await api.memoryInfo()), ...(await heapOf()) };
          const run = await runFrames(api, frames, N.memory, false);
          const after = { ...(await api.memoryInfo()), ...(await heapOf()) };
          memory = { frames: N.memory, before, after, workerMs: run.workerMs, facesLost: run.facesLost };
        }
      } finally {
        worker.terminate();
      }
    }
    results.binaries = binaries;
    results.memory = memory;

    // 3. Google's solution on the same frames, same page.
    log('google');
    const google = await GoogleFaceMesh.create({ maxNumFaces: 1 });
    const googleMs: number[] = [];
    let googleLost = 0;
    try {
      for (let i = 0; i < N.warm + N.track; i++) {
        const f = frames[seq(i, frames.length)]!;
        const t0 = now();
        const faces = await google.run(f.canvas, 640, 480, false);
        if (i >= N.warm) {
          googleMs.push(now() - t0);
          if (faces.length !== 1) googleLost++;
        }
      }
    } finally {
      await google.close();
    }
    const oursTrack = (binaries['threaded-simd'] as { tracking: SplitStats }).tracking;
    const simdTrack = (binaries['simd'] as { tracking: SplitStats }).tracking;
    results.google = {
      package: '@mediapipe/face_mesh@0.4.1657299874', options: { useCpuInference: true, maxNumFaces: 1, refineLandmarks: true, reset: false },
      note: 'send() on the page main thread: its image upload/crop runs on WebGL (SwiftShader on this GPU-less machine), inference in XNNPACK wasm',
      frameMs: stats(googleMs), facesLost: googleLost,
      ratioOursOverTheirs: round(oursTrack.roundTripMs.median / stats(googleMs).median),
      ratioOursWorkerOverTheirs: round(oursTrack.workerMs.median / stats(googleMs).median),
      // The SIMD binary on one thread: what 'auto' runs on 2 cores.
      ratioSimdOverTheirs: round(simdTrack.roundTripMs.median / stats(googleMs).median),
      ratioSimdWorkerOverTheirs: round(simdTrack.workerMs.median / stats(googleMs).median),
    };

    // 3b. LiteRT.js on the same model files and input as our SIMD binary (both one thread).
    log('litert.js');
    results.litert = await liteRtAnchor(N.models);

    // 4. Threads under load: threaded-simd with 1 and 2 threads, and simd, with 0 and 1 busy processes.
    const underLoad: Record<string, unknown>[] = [];
    for (const hogs of [0, 1]) {
      await cmd('bench-load', { processes: hogs });
      await sleep(300);
      for (const cfg of [{ binary: 'threaded-simd', threads: 1 }, { binary: 'threaded-simd', threads: 2 }, { binary: 'simd' }] as const) {
        log(`load ${hogs}: ${cfg.binary} ${'threads' in cfg ? cfg.threads : 1}`);
        const { api, worker, mode } = await startRuntime(cfg);
        try {
          await runFrames(api, frames, N.warm, false);
          const r = await runFrames(api, frames, N.load, false);
          underLoad.push({ busyProcesses: hogs, binary: cfg.binary, threads: mode.threads, workerMs: r.workerMs, meshMs: r.meshMs, roundTripMs: r.roundTripMs, loadavg: await cmd('bench-loadavg') });
        } finally {
          worker.terminate();
        }
      }
    }
    await cmd('bench-load', { processes: 0 });
    results.threadsUnderLoad = underLoad;

    // 4b. Detector cadence (max-faces 2 with one face in view) and time to find a second face.
    log('detector cadence');
    results.detectorCadence = await detectorCadence(frames, crop, N.track, N.warm);

    // 6. The built element on the fake camera.
    log('element');
    results.element = await elementBench(N.element);
    log('threads=auto, the page claiming 4 cores');
    results.autoThreads = await autoThreadsBench(N.element);
    log('busy fraction at 30 fps');
    results.busy = await busyBench(N.element);

    // 7. The page's main thread under CPU throttling (SIMD, one thread: workers cannot be throttled).
    log('throttled main thread');
    const pageMode = await runtimeApi.init({ wasmBase: WASM_BASE, binary: 'simd' });
    await runtimeApi.createPipeline(MODEL_URLS, { maxFaces: 1 });
    const mesh = await runtimeApi.loadModel(MODEL_URLS.mesh);
    const detector = await runtimeApi.loadModel(MODEL_URLS.detector);
    const throttled: Record<string, unknown>[] = [];
    try {
      for (const rate of [1, 4, 6]) {
        await cmd('bench-throttle', { rate });
        const meshR = await runtimeApi.bench(mesh.id, benchInput(192), N.throttle, 5);
        const detR = await runtimeApi.bench(detector.id, benchInput(128), Math.ceil(N.throttle / 2), 3);
        const frameMs: number[] = [];
        for (let i = 0; i < N.throttle + 5; i++) {
          const r = await runtimeApi.process(frames[seq(i, frames.length)]!.imageData);
          if (i >= 5) frameMs.push(r.timings.totalMs);
        }
        throttled.push({ rate, mesh: stats(meshR.ms), detector: stats(detR.ms), trackingFrame: stats(frameMs) });
      }
    } finally {
      await cmd('bench-throttle', { rate: 1 });
    }
    results.mainThreadThrottled = { mode: pageMode, runs: throttled };
    await cmd('bench-load', { processes: 0 });
    const cpu1 = await cmd<Cpu>('bench-cpu');
    // Other programs' share of the machine during the run (our busy-loop processes are ours: excluded).
    const wall = cpu1.wall - cpu0.wall;
    const others = Math.max(0, (cpu1.machineBusy - cpu0.machineBusy) - (cpu1.ours - cpu0.ours));
    results.machine = {
      ...(results.machine as object), loadavgEnd: await cmd('bench-loadavg'),
      cpu: { wallSeconds: round(wall), oursCpuSeconds: round(cpu1.ours - cpu0.ours), othersCpuSeconds: round(others), othersCoresAverage: round(others / wall) },
    };

    const markdown = report(results);
    const file = await cmd<string>('bench-write', { json: results, markdown });
    console.log(`\n${markdown}\n\n(written to ${file} and bench-results/latest.md)`);
  });
});

/** Camera frame rate of the cadence section's frame times. */
const CAMERA_FPS = 30;
/** detection-interval values compared (ms), the element's default among them. */
const INTERVALS = [0, 100, 150, ELEMENT_DEFAULTS.detectionInterval];

/**
 * The one-face tracking frames with frame times of a 30 fps camera, through max-faces 1 and
 * max-faces 2 at each detection interval, in alternating rounds (SIMD, one thread: the element on 2
 * cores). Then, per interval and per phase of the cadence, frames with one face and then two: the
 * frame time until the second face is found, plus that frame's worker time.
 */
async function detectorCadence(frames: TestImage[], crop: TestImage, count: number, warm: number) {
  const { api, worker, mode } = await startRuntime({ binary: 'simd' });
  const frameMs = 1000 / CAMERA_FPS;
  const timed = async (image: TestImage, timestampMs: number) => {
    const bitmap = await createImageBitmap(image.imageData);
    return api.process(Comlink.transfer(bitmap, [bitmap]), { timestampMs });
  };
  try {
    const configs = [{ maxFaces: 1, detectionIntervalMs: 0 }, ...INTERVALS.map((detectionIntervalMs) => ({ maxFaces: 2, detectionIntervalMs }))];
    const rows = configs.map((c) => ({ ...c, workerMs: [] as number[], detectorFrameMs: [] as number[], otherFrameMs: [] as number[], detectorRuns: 0, framesNotOneFace: 0 }));
    const ROUNDS = 3;
    for (let pass = 0; pass < ROUNDS; pass++) {
      for (const row of rows) {
        await api.setPipelineOptions({ maxFaces: row.maxFaces, detectionIntervalMs: row.detectionIntervalMs });
        await api.resetPipeline();
        for (let i = 0; i < warm + Math.ceil(count / ROUNDS); i++) {
          const r = await timed(frames[seq(i, frames.length)]!, i * frameMs);
          if (i < warm) continue;
          const ms = r.timings.totalMs + (r.timings.readMs ?? 0);
          row.workerMs.push(ms);
          (r.detectorRan ? row.detectorFrameMs : row.otherFrameMs).push(ms);
          if (r.detectorRan) row.detectorRuns++;
          if (r.faces.length !== 1) row.framesNotOneFace++;
        }
      }
    }
    // The mean, not the median: the detector runs on some frames only, and the mean is the work per
    // frame. On a busy machine the mean takes every outlier, so the work per frame is also given
    // from medians: detector frames' median x their share + the other frames' median x theirs.
    const base = stats(rows[0]!.workerMs).mean;
    const fromMedians = (r: (typeof rows)[number]) =>
      ((stats(r.detectorFrameMs).median || 0) * r.detectorFrameMs.length + (stats(r.otherFrameMs).median || 0) * r.otherFrameMs.length) / r.workerMs.length;
    const baseFromMedians = fromMedians(rows[0]!);
    const one = sideBySideFrame(crop, false);
    const two = sideBySideFrame(crop, true);
    const secondFace = [];
    for (const detectionIntervalMs of INTERVALS) {
      await api.setPipelineOptions({ maxFaces: 2, detectionIntervalMs });
      const frameTime: number[] = [];
      const work: number[] = [];
      let missed = 0;
      // The second face appears on frame `appear`, at every phase of the detector's cadence.
      for (let appear = 1; appear <= Math.ceil(detectionIntervalMs / frameMs) + 1; appear++) {
        await api.resetPipeline();
        let found = false;
        for (let i = 0; i < appear + 30 && !found; i++) {
          const r = await timed(i < appear ? one : two, i * frameMs);
          if (i >= appear && r.faces.length === 2) {
            found = true;
            frameTime.push((i - appear) * frameMs);
            work.push(r.timings.totalMs + (r.timings.readMs ?? 0));
          }
        }
        if (!found) missed++;
      }
      secondFace.push({ detectionIntervalMs, phases: frameTime.length + missed, missed, frameTimeMs: stats(frameTime), worstFrameTimeMs: round(Math.max(...frameTime)), findingFrameWorkerMs: stats(work) });
    }
    return {
      mode, fps: CAMERA_FPS,
      method: `the tracking frames (one moving face) with frame times ${frameMs.toFixed(1)} ms apart, processed back to back; worker ms = readFrame + pipeline; ${ROUNDS} alternating rounds per setting, ${warm} warm-up frames each. Second face: a still frame with one face, then the same with a second face beside it from frame k, for every k in one detector period: frame time from its first frame to the frame that finds it (median, worst), and that frame's worker time`,
      rows: rows.map((r) => ({
        maxFaces: r.maxFaces, detectionIntervalMs: r.detectionIntervalMs, detectorRuns: r.detectorRuns, framesNotOneFace: r.framesNotOneFace, frames: r.workerMs.length,
        workerMs: stats(r.workerMs), detectorFrameMs: stats(r.detectorFrameMs), otherFrameMs: stats(r.otherFrameMs),
        meanVsMaxFaces1: round(stats(r.workerMs).mean / base), fromMediansVsMaxFaces1: round(fromMedians(r) / baseFromMedians),
      })),
      secondFace,
    };
  } finally {
    worker.terminate();
  }
}

/** Models alone, ours (SIMD, one thread) and LiteRT.js (wasm, one thread), same input, alternating rounds. */
async function liteRtAnchor(runs: number) {
  const theirs = await spawnLiteRt();
  const { api, worker, mode } = await startRuntime({ binary: 'simd' });
  try {
    const models = await runAnchor(api, theirs.api, { runs, warmup: 15, input: benchInput });
    return {
      package: `@litertjs/core@${await liteRtVersion()}`, wasm: theirs.file, ours: mode,
      method: 'loadAndCompile(url, {accelerator: "wasm", cpuOptions: {numThreads: 1}}) in a classic worker of this page (its single-threaded build); ms = await model.run(tensor) + reading every output into JS, the same as our api.bench; runs split into alternating rounds (ours, LiteRT.js, ...); outputs compared with ours on the same input, by tensor name',
      models: models.map((m) => ({
        ...m, oursMs: stats(m.oursMs), liteRtMs: m.liteRtMs ? stats(m.liteRtMs) : null,
        ratioOursOverLiteRt: m.liteRtMs ? round(stats(m.oursMs).median / stats(m.liteRtMs).median) : null,
      })),
    };
  } finally {
    worker.terminate();
    theirs.worker.terminate();
  }
}

/** The markdown summary of a results object. */
function report(r: Record<string, unknown>): string {
  const machine = r.machine as Machine & { hardwareConcurrency: number; loadavgStart: number[]; loadavgEnd: number[]; brands: { brand: string; version: string }[]; cpu: { wallSeconds: number; othersCoresAverage: number } };
  const chromium = machine.brands.find((b) => /Chromium/.test(b.brand))?.version ?? machine.browser;
  const bins = r.binaries as Record<string, { mode: RuntimeMode; models: Record<string, { ms: Stats; topOps: { op: string; ms: number }[] }>; tracking: SplitStats; static: SplitStats }>;
  const g = r.google as {
    frameMs: Stats; ratioOursOverTheirs: number; ratioOursWorkerOverTheirs: number; ratioSimdOverTheirs: number; ratioSimdWorkerOverTheirs: number; facesLost: number;
  };
  const lt = r.litert as Awaited<ReturnType<typeof liteRtAnchor>>;
  const cad = r.detectorCadence as Awaited<ReturnType<typeof detectorCadence>>;
  const mem = r.memory as { frames: number; before: Record<string, number | null>; after: Record<string, number | null> };
  const el = r.element as Awaited<ReturnType<typeof elementBench>>;
  const busy = r.busy as Awaited<ReturnType<typeof busyBench>>;
  const autoRows = r.autoThreads as Awaited<ReturnType<typeof autoThreadsBench>>;
  const thr = r.mainThreadThrottled as { runs: { rate: number; mesh: Stats; detector: Stats; trackingFrame: Stats }[] };
  const load = r.threadsUnderLoad as { busyProcesses: number; binary: string; threads: number; workerMs: Stats; meshMs: Stats }[];
  const label = (b: string) => `${b} (${bins[b]!.mode.threads} thread${bins[b]!.mode.threads > 1 ? 's' : ''})`;
  const lines: string[] = [];
  lines.push(`face-mesh benchmark, ${String(r.date).slice(0, 16)}Z: ${machine.cpus} cores (${machine.cpuModel}), navigator.hardwareConcurrency ${machine.hardwareConcurrency}, Chromium ${chromium} headless, load average ${machine.loadavgStart.join(' ')} at start, ${machine.loadavgEnd.join(' ')} at end; other programs used ${machine.cpu.othersCoresAverage.toFixed(2)} of the ${machine.cpus} cores on average during the ${Math.round(machine.cpu.wallSeconds)} s run${r.quick ? ' (QUICK run: counts too small to trust)' : ''}.`);
  lines.push('All times in ms, median / p90. Frames: 640x480, one moving face, tracking mode unless said.');
  lines.push('');
  lines.push('| measure | ' + Object.keys(bins).map(label).join(' | ') + ' |');
  lines.push('|---|' + Object.keys(bins).map(() => '---|').join(''));
  const row = (name: string, f: (b: (typeof bins)[string]) => string) => lines.push(`| ${name} | ${Object.values(bins).map(f).join(' | ')} |`);
  row('tracking frame, page round trip', (b) => mp(b.tracking.roundTripMs));
  row('. frame in (bitmap transfer + messages + readFrame)', (b) => mp(b.tracking.frameInMs));
  row('. . of which readFrame in the worker', (b) => mp(b.tracking.readMs));
  row('. crop (192x192 affine sample)', (b) => mp(b.tracking.cropMs));
  row('. mesh model', (b) => mp(b.tracking.meshMs));
  row('. post-processing', (b) => mp(b.tracking.postMs));
  row('. detector runs / faces lost', (b) => `${b.tracking.detectorRuns} / ${b.tracking.facesLost} of ${b.tracking.roundTripMs.n}`);
  row('static image (detector + mesh), round trip', (b) => mp(b.static.roundTripMs));
  row('. detector (letterbox + model + decode)', (b) => mp(b.static.detectorMs));
  row('. mesh model', (b) => mp(b.static.meshMs));
  row('mesh model alone (api.bench)', (b) => mp(b.models.mesh!.ms));
  row('detector model alone (api.bench)', (b) => mp(b.models.detector!.ms));
  lines.push('');
  lines.push(`| Google @mediapipe/face_mesh, same frames, same page | |`);
  lines.push('|---|---|');
  lines.push(`| tracking frame (send(), useCpuInference) | ${mp(g.frameMs)} (faces lost ${g.facesLost}) |`);
  lines.push(`| ours / theirs, median, threaded-simd 2 threads (round trip; worker time only) | ${g.ratioOursOverTheirs.toFixed(2)}; ${g.ratioOursWorkerOverTheirs.toFixed(2)} |`);
  lines.push(`| ours / theirs, median, simd 1 thread, the default on 2 cores (round trip; worker time only) | ${g.ratioSimdOverTheirs.toFixed(2)}; ${g.ratioSimdWorkerOverTheirs.toFixed(2)} |`);
  lines.push('');
  lines.push(`| ${lt.package} (${lt.wasm}, 1 thread) vs ours (${lt.ours.binary}, ${lt.ours.threads} thread), models alone, same input | ours | LiteRT.js | ours / LiteRT.js (median) | max abs difference of outputs |`);
  lines.push('|---|---|---|---|---|');
  for (const m of lt.models) {
    lines.push(m.liteRtMs
      ? `| ${m.model} | ${mp(m.oursMs)} | ${mp(m.liteRtMs)} | ${m.ratioOursOverLiteRt!.toFixed(2)} | ${m.maxAbsDiff!.toExponential(1)} |`
      : `| ${m.model} | ${mp(m.oursMs)} | not runnable (${m.reason}) | - | - |`);
  }
  lines.push('');
  lines.push(`| detector cadence: one moving face, ${cad.fps} fps frame times, ${cad.mode.binary} ${cad.mode.threads} thread | worker ms per frame, mean | median / p90 | detector runs | vs max-faces 1: mean; from medians | second face: frame time to the frame that finds it, median / worst (+ that frame's worker ms, median) |`);
  lines.push('|---|---|---|---|---|---|');
  for (const c of cad.rows) {
    const found = cad.secondFace.find((f) => f.detectionIntervalMs === c.detectionIntervalMs);
    const label = c.maxFaces === 1 ? 'max-faces 1' : `max-faces 2, detection-interval ${c.detectionIntervalMs}${c.detectionIntervalMs === 0 ? ' (every frame, as MediaPipe)' : c.detectionIntervalMs === ELEMENT_DEFAULTS.detectionInterval ? ' (default)' : ''}`;
    const second = c.maxFaces === 1 || !found ? '-' : `${found.frameTimeMs.median.toFixed(0)} / ${found.worstFrameTimeMs.toFixed(0)} (+ ${found.findingFrameWorkerMs.median.toFixed(1)})${found.missed ? `, missed at ${found.missed} of ${found.phases} phases` : ''}`;
    lines.push(`| ${label} | ${c.workerMs.mean.toFixed(2)} | ${mp(c.workerMs)} | ${c.detectorRuns} of ${c.frames}${c.framesNotOneFace ? ` (${c.framesNotOneFace} frames not 1 face)` : ''} | ${c.meanVsMaxFaces1.toFixed(2)}x; ${c.fromMediansVsMaxFaces1.toFixed(2)}x | ${second} |`);
  }
  lines.push('');
  lines.push(`| <face-mesh> on the fake camera (${el.mode.binary}, ${el.mode.threads} thread(s)) | |`);
  lines.push('|---|---|');
  lines.push(`| frames / s processed | ${el.fps.toFixed(1)} (${el.frames} in ${el.seconds.toFixed(1)} s, ${el.framesWithFace} with a face) |`);
  lines.push(`| main thread per frame, all tasks, net of a plain <video> of the camera | ${el.mainThread.netTaskMsPerFrame.toFixed(3)} (gross ${el.mainThread.taskMsPerFrame.toFixed(3)}; script ${el.mainThread.scriptMsPerFrame.toFixed(3)}) |`);
  lines.push(`| result message handler (deserialize + Comlink + events), per frame | ${mp(el.mainThread.messageListenerMs)} |`);
  lines.push(`| long tasks (> 50 ms) during the run | ${el.mainThread.longTasks} |`);
  lines.push(`| capture to \`landmarks\` event | ${mp(el.latency.captureToEventMs)} |`);
  lines.push(`| . worker time in it (read + pipeline) | ${mp(el.latency.workerMs)} |`);
  lines.push('');
  const d = (k: string) => (mem.after[k] ?? NaN) - (mem.before[k] ?? NaN);
  lines.push(`| memory, before -> after ${mem.frames} more tracking frames | before | after | change |`);
  lines.push('|---|---|---|---|');
  lines.push(`| tf tensors | ${mem.before.numTensors} | ${mem.after.numTensors} | ${d('numTensors')} |`);
  lines.push(`| tf bytes | ${mem.before.numBytes} | ${mem.after.numBytes} | ${d('numBytes')} |`);
  const mb = (x: number | null | undefined) => (x == null ? 'n/a' : (x / 2 ** 20).toFixed(2) + ' MB');
  lines.push(`| wasm heap | ${mb(mem.before.wasmHeapBytes)} | ${mb(mem.after.wasmHeapBytes)} | ${mb(d('wasmHeapBytes'))} |`);
  lines.push(`| worker JS heap (after GC) | ${mb(mem.before.workerHeap)} | ${mb(mem.after.workerHeap)} | ${mb(d('workerHeap'))} |`);
  lines.push(`| page JS heap (after GC) | ${mb(mem.before.pageHeap)} | ${mb(mem.after.pageHeap)} | ${mb(d('pageHeap'))} |`);
  lines.push('');
  lines.push('| low-end phone proxy: page main thread, CDP CPU throttling, simd 1 thread | ' + thr.runs.map((t) => `${t.rate}x`).join(' | ') + ' |');
  lines.push('|---|' + thr.runs.map(() => '---|').join(''));
  lines.push('| mesh model | ' + thr.runs.map((t) => mp(t.mesh)).join(' | ') + ' |');
  lines.push('| detector model | ' + thr.runs.map((t) => mp(t.detector)).join(' | ') + ' |');
  lines.push('| tracking frame (crop + mesh + post) | ' + thr.runs.map((t) => mp(t.trackingFrame)).join(' | ') + ' |');
  lines.push('| busy fraction a 30 fps camera would give (30 x median frame / 1000, at most 1) | ' + thr.runs.map((t) => Math.min(1, (30 * t.trackingFrame.median) / 1000).toFixed(2)).join(' | ') + ' |');
  lines.push('');
  lines.push(`| <face-mesh> on a 30 fps video: the worker's load (${busy.rows[0]?.threads ?? 1} thread) | frames / s | busy fraction, median / p90 | worker ms per frame |`);
  lines.push('|---|---|---|---|');
  for (const b of busy.rows) lines.push(`| ${b.maxFps ? `max-fps ${b.maxFps}` : 'every frame (no max-fps)'} | ${b.fps.toFixed(1)} | ${b.busy.median.toFixed(3)} / ${b.busy.p90.toFixed(3)} | ${mp(b.workerMs)} |`);
  lines.push('');
  lines.push('| threads under load (worker ms per tracking frame) | quiet | 1 busy process |');
  lines.push('|---|---|---|');
  for (const cfg of [...new Set(load.map((l) => `${l.binary}|${l.threads}`))]) {
    const [binary, threads] = cfg.split('|');
    const at = (hogs: number) => load.find((l) => l.busyProcesses === hogs && `${l.binary}|${l.threads}` === cfg);
    lines.push(`| ${binary}, ${threads} thread(s): frame; mesh | ${mp(at(0)?.workerMs)}; ${mp(at(0)?.meshMs)} | ${mp(at(1)?.workerMs)}; ${mp(at(1)?.meshMs)} |`);
  }
  const autoAt = (hogs: number) => autoRows.find((a) => a.busyProcesses === hogs);
  const autoCell = (a: (typeof autoRows)[number] | undefined) => a
    ? `${mp(a.workerMs)} (start-up: ${a.startup?.threads} of ${a.startup?.candidates.join('/')}, measured ${Object.entries(a.startup?.measuredMs ?? {}).map(([n, ms]) => `${n}: ${ms.toFixed(1)}`).join(', ')} ms; then ${a.changes.length ? a.changes.join(' -> ') : 'no change'}; frames on ${a.threadsUsed.join(',')} thread(s))`
    : '-';
  lines.push(`| <face-mesh threads="auto">, the page claiming 4 cores: tracking frame | ${autoCell(autoAt(0))} | ${autoCell(autoAt(1))} |`);
  const ts = bins['threaded-simd'];
  if (ts) {
    lines.push('');
    lines.push(`Mesh model, ${label('threaded-simd')}, time by op type (profiled runs): ` + ts.models.mesh!.topOps.map((o) => `${o.op} ${o.ms.toFixed(2)}`).join(', ') + '.');
  }
  lines.push(`Latency clock: ${el.latency.method}.`);
  return lines.join('\n');
}
