/**
 * The page side of the worker, and the only module that talks to it: starts the module worker that
 * sits next to this bundle, finds the wasm binaries and model files (by default the files next to
 * this bundle, as an app's bundler sees them; or all under one `asset-base` folder), and wraps every
 * call (transfers, progress callbacks, the crash guard). It also watches the worker: a worker that
 * fails to load, throws an uncaught error, or stops answering the heartbeat (killed for memory,
 * hung) counts as crashed, and every pending call is rejected.
 */
import * as Comlink from 'comlink';
import type {
  FrameInput,
  FrameResult,
  InitOptions,
  PipelineModelUrls,
  PipelineOptions,
  RuntimeMode,
  StreamListener,
  ThreadChoice,
  WorkerApi,
} from '@face-mesh/worker-runtime';
import { STARTUP_DEADLINES, type StageListener } from '@face-mesh/worker-runtime/startup';
import { MODEL_FILES, WASM_FILE_NAMES, type OverlayMode, type WasmFileName } from '@face-mesh/worker-runtime/defaults';
import { ASSET_SHA256, type AssetFileName } from './asset_checksums.js';
import { FaceMeshError } from './events.js';
import { isTrustedTypesError, trustedWorkerUrl } from './trusted_types.js';
import { crossOriginWorkerAdvice, workerScript, type WorkerScript } from './worker_script.js';

/**
 * Where the unbundled dist keeps `wasm/` and `models/`: the folder this module was loaded from. (An
 * app's bundler emits each file where it likes: the default asset URLs are `bundledAssets()`'s.)
 * Not `new URL('./', import.meta.url)`: bundlers would try to resolve the folder as a module.
 */
export const DEFAULT_ASSET_BASE = import.meta.url.slice(0, import.meta.url.lastIndexOf('/') + 1);

/** The URLs the worker is given: the wasm binaries (a folder, or one URL each), the models. */
interface AssetUrls {
  wasmBase: string;
  wasmFiles?: Record<WasmFileName, string>;
  /** The detector, the attention mesh, and the canonical face (the overlay's triangles, the pose). */
  modelUrls: Required<PipelineModelUrls>;
  /** face_landmark.tflite, the plain 468-point model (refine="false"). */
  plainMeshUrl: string;
}

/**
 * The files next to this module, one static `new URL('./…', import.meta.url)` each: Vite, webpack 5,
 * Parcel and Rollup/esbuild asset plugins see this pattern and emit each file into the app's build
 * (under whatever hashed name), and without a bundler they resolve next to `face-mesh.js`. The names
 * must be literals here (bundlers read them statically); they are defaults.ts's WASM_FILE_NAMES and
 * MODEL_FILES, and the build test loads each one with its checked SHA-256.
 */
function bundledAssets(): AssetUrls {
  const wasmFiles: Record<WasmFileName, string> = {
    'tfjs-backend-wasm.wasm': new URL('./wasm/tfjs-backend-wasm.wasm', import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL('./wasm/tfjs-backend-wasm-simd.wasm', import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL('./wasm/tfjs-backend-wasm-threaded-simd.wasm', import.meta.url).href,
  };
  return {
    wasmBase: new URL('./', wasmFiles['tfjs-backend-wasm-simd.wasm']).href,
    wasmFiles,
    modelUrls: {
      detector: new URL('./models/face_detection_short_range.tflite', import.meta.url).href,
      mesh: new URL('./models/face_landmark_with_attention.tflite', import.meta.url).href,
      geometry: new URL('./models/geometry_pipeline_metadata_landmarks.binarypb', import.meta.url).href,
    },
    plainMeshUrl: new URL('./models/face_landmark.tflite', import.meta.url).href,
  };
}

/** Everything under one folder (the `asset-base` override): `${base}wasm/` and `${base}models/`. */
function assetsUnder(base: URL): AssetUrls {
  const model = (name: string) => new URL(`models/${name}`, base).href;
  return {
    wasmBase: new URL('wasm/', base).href,
    modelUrls: { detector: model(MODEL_FILES.detector), mesh: model(MODEL_FILES.mesh), geometry: model(MODEL_FILES.geometry) },
    plainMeshUrl: model(MODEL_FILES.plainMesh),
  };
}

/** The SHA-256 of each file this build ships, by the URL the worker will load it from. */
function assetHashes(assets: AssetUrls): Record<string, string> {
  const byUrl: Record<string, string> = {};
  const add = (url: string, file: AssetFileName) => { byUrl[new URL(url, location.href).href] = ASSET_SHA256[file]; };
  for (const file of WASM_FILE_NAMES) add(assets.wasmFiles?.[file] ?? new URL(file, assets.wasmBase).href, file);
  add(assets.modelUrls.detector, MODEL_FILES.detector);
  add(assets.modelUrls.mesh, MODEL_FILES.mesh);
  add(assets.plainMeshUrl, MODEL_FILES.plainMesh);
  add(assets.modelUrls.geometry, MODEL_FILES.geometry);
  return byUrl;
}

/**
 * How workers are started and watched. `workerUrl`: the module worker script for tests ('', the
 * default: the `face-mesh.worker.js` next to this bundle; pages set `FaceMeshElement.workerUrl`). The heartbeat pings the worker every `pingIntervalMs`; a worker that has not answered
 * for `pingTimeoutMs` is treated as crashed. The worker answers between frames, so the timeout must
 * be well above the longest single job (model compile, a 40 MP frame: about a second on a slow phone).
 */
export const runtimeSettings = {
  workerUrl: '',
  pingIntervalMs: 3_000,
  pingTimeoutMs: 10_000,
  /** A download (wasm, model, `src` image) that delivers no bytes for this long fails, naming its URL. */
  fetchStallMs: 30_000,
  /**
   * Start-up deadlines (startup.ts): the least time each stage gets, and what a compile gets per
   * megabyte more; a download may go `fetchStallMs` without a byte. A stage past its deadline is given
   * up: the worker is replaced once (a threaded wasm start-up by one on one thread, `ready`'s note says
   * so), then the element reports `startup-stalled`. Every stage takes well under a second here
   * (docs/browser-support.md): 10 s is room for a slow phone, not a wait anyone sees when it works.
   */
  startupFloorMs: STARTUP_DEADLINES.floorMs,
  startupCompileMsPerMB: STARTUP_DEADLINES.compileMsPerMB,
  /**
   * A playing `src` video whose time has not moved for this long (the network stopped delivering it,
   * or the browser's media player froze: WebKitGTK was seen to) is reported once, as source-failed.
   */
  videoStallMs: 10_000,
};

/**
 * Starting options: `integrity: false` loads the asset files without checking their SHA-256;
 * `cache: false` neither keeps the checked files in Cache Storage nor takes them from there
 * (worker-runtime/src/assets/asset_cache.ts; without integrity nothing is checked, so nothing is kept).
 */
export interface RuntimeStartOptions {
  integrity?: boolean;
  cache?: boolean;
  /** The worker script (`FaceMeshElement.workerUrl`); '' or none: `runtimeSettings.workerUrl`, else the bundled one. */
  workerUrl?: string;
}

/** A frame for the worker, and what to transfer with it (ImageBitmap, VideoFrame; [] copies). */
export interface FrameForWorker {
  frame: FrameInput;
  transfer: Transferable[];
}

export interface RuntimeClient {
  /**
   * The worker's whole Comlink API, unguarded (a call to a dead worker never settles): for
   * diagnostics (tensor and memory counts) and tests. The element uses only the methods below.
   */
  readonly api: Comlink.Remote<WorkerApi>;
  /** The `asset-base` folder in use, or '' when the files come from next to this bundle (the default). */
  assetBase: string;
  /** The pipeline's model files: with `refine` the attention mesh (478 points), else the plain 468-point mesh. */
  pipelineUrls(refine: boolean): PipelineModelUrls;
  /**
   * Start tfjs on wasm in the worker, with the binaries from `${assetBase}wasm/` (or the bundled ones);
   * `onProgress` gets the fraction of the binary's bytes received.
   */
  init(options?: Omit<InitOptions, 'wasmBase' | 'wasmFiles' | 'sha256' | 'fetchStallMs' | 'assetCache'>, onProgress?: (fraction: number) => void, onStage?: StageListener): Promise<RuntimeMode>;
  /**
   * Load the models and start the pipeline (a second call replaces it); `onProgress`: the fraction
   * of the model bytes received; `onStage`: each start-up stage as it begins.
   */
  createPipeline(urls: PipelineModelUrls, options: Partial<PipelineOptions>, onProgress?: (fraction: number) => void, onStage?: StageListener): Promise<PipelineOptions>;
  /** Answers once the worker's script has loaded and it listens. */
  ping(): Promise<true>;
  setPipelineOptions(options: Partial<PipelineOptions>): Promise<PipelineOptions>;
  /** Forget tracked faces. */
  resetPipeline(): Promise<void>;
  /** One frame as a still image (detector, no tracking; tracked faces untouched). */
  processStill(input: FrameForWorker): Promise<FrameResult>;
  /** Fetch and decode an image in the worker, then process it as a still image. */
  processUrl(url: string): Promise<FrameResult>;
  /**
   * Start the live path: results and errors go to `listener`. With `frames` (a camera track's
   * MediaStreamTrackProcessor stream, transferred) it settles when the stream ends; without, frames
   * come through pushFrame().
   */
  startStream(listener: StreamListener, frames?: ReadableStream<VideoFrame>): Promise<void>;
  /** One live frame, transferred; the newest wins. */
  pushFrame(frame: ImageBitmap, timestamp: number): Promise<void>;
  stopStream(): Promise<void>;
  /** Hand the overlay canvas to the worker (once per canvas), with the mesh triangles' file. */
  setOverlay(canvas: OffscreenCanvas, mode: OverlayMode): Promise<void>;
  setOverlayMode(mode: OverlayMode): Promise<void>;
  /** The `overlay="texture"` image (null: none); rejects naming the URL when it cannot be used. */
  setOverlayTexture(url: string | null): Promise<void>;
  /**
   * How many threads, on which binary, and why; with `threads="auto"` the first call measures them
   * (after createPipeline), and one thread restarts the backend on the SIMD binary (`onStage`:
   * 'thread-switch').
   */
  measureThreads(onStage?: StageListener): Promise<ThreadChoice>;
  /** Process at most `fps` camera frames a second in the worker (0: every frame). */
  setMaxFps(fps: number): Promise<void>;
  /** Called once if the worker dies (out of memory, killed), hangs, throws, or its script fails to load. */
  onCrash: ((message: string) => void) | null;
  /** True after a crash or close(). */
  readonly dead: boolean;
  /** Terminate the worker (and with it every tensor and wasm thread it holds). */
  close(): void;
}

/** A callback for the worker (Comlink proxies it), or undefined. */
const proxied = <F extends (...args: never[]) => void>(callback?: F) => (callback ? Comlink.proxy(callback) : undefined);

/** Set once a worker start met Trusted Types enforcement: later starts go straight to the policy. */
let trustedTypesEnforced = false;

/**
 * The worker script next to this bundle. The one static `new URL('./face-mesh.worker.js',
 * import.meta.url)` in the package: Vite and webpack 5 emit the file into the app's build as an asset
 * (the script is one self-contained module) and give its URL. Not `new Worker(new URL(...))`,
 * which bundlers also recognize: they would bundle the worker a second time beside this asset, and
 * the page needs the URL itself (another origin, Trusted Types).
 */
const bundledWorkerUrl = () => new URL('./face-mesh.worker.js', import.meta.url).href;

/**
 * The module worker, from `script` (worker_script.ts). On a page enforcing Trusted Types a plain URL
 * throws (the browser reports one violation, once per page), and the same URL goes through the
 * `face-mesh` policy instead (trusted_types.ts), from then on directly. A URL the page's
 * Content-Security-Policy refuses (Chromium throws; other engines fire `error`) is `worker-crashed`.
 */
function startWorker(script: WorkerScript): Worker {
  const options: WorkerOptions = { type: 'module', name: 'face-mesh' };
  const trusted = () => new Worker(trustedWorkerUrl(script.url) as unknown as URL, options);
  try {
    if (trustedTypesEnforced) return trusted();
    try {
      return new Worker(script.url, options);
    } catch (e) {
      if (!isTrustedTypesError(e)) throw e;
      trustedTypesEnforced = true;
      return trusted();
    }
  } catch (e) {
    script.release();
    if (!(e instanceof DOMException && e.name === 'SecurityError')) throw e;
    throw new FaceMeshError('worker-crashed', `The face-mesh worker could not be started: ${e.message.replace(/\.$/, '')}.${crossOriginWorkerAdvice(script)}`);
  }
}

/** Workers started and not yet terminated by this module (tests compare it with the browser's list). */
export const liveWorkers = new Set<Worker>();

/**
 * The files for `assetBase`: a folder holding `wasm/` and `models/` (made absolute, with its
 * trailing slash), or with '' the files next to this bundle. `base`: that folder's URL, '' for none.
 */
function assetsFor(assetBase: string): { base: string; assets: AssetUrls } {
  if (!assetBase) return { base: '', assets: bundledAssets() };
  const base = new URL(assetBase, location.href);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return { base: base.href, assets: assetsUnder(base) };
}

/** The watch over a started worker (superviseWorker). */
interface WorkerSupervision {
  /**
   * Settles like `promise`, or rejects when the worker crashes (code 'worker-crashed') or is closed
   * (code 'aborted') first: a call to a dead worker would otherwise never settle. Every call is guarded.
   */
  guard<T>(promise: Promise<T>): Promise<T>;
  /** Terminates the worker and rejects every guarded call with `error`; false if it had already ended. */
  end(error: FaceMeshError): boolean;
  /** True once ended (crashed or closed). */
  readonly dead: boolean;
}

/**
 * Watch `worker` for the deaths that would otherwise leave calls pending for good: its `error`
 * event (script failed to load, uncaught error) and a heartbeat left unanswered. Either ends it as
 * crashed and calls `onCrash` once (after the pending calls have been rejected).
 */
function superviseWorker(worker: Worker, script: WorkerScript, api: Comlink.Remote<WorkerApi>, onCrash: (message: string) => void): WorkerSupervision {
  let rejectDead: (e: FaceMeshError) => void = () => {};
  const deadPromise = new Promise<never>((_, reject) => {
    rejectDead = reject;
  });
  deadPromise.catch(() => {}); // observed through guard(); never an unhandled rejection
  let dead = false;
  let pingTimer = 0;

  const end = (error: FaceMeshError) => {
    if (dead) return false;
    dead = true;
    clearInterval(pingTimer);
    worker.removeEventListener('error', onError);
    // A hung or half-dead worker must not keep its memory and threads: terminate it now.
    worker.terminate();
    script.release();
    liveWorkers.delete(worker);
    rejectDead(error);
    return true;
  };
  const crash = (message: string) => {
    if (end(new FaceMeshError('worker-crashed', message))) onCrash(message);
  };
  const onError = (e: ErrorEvent) => {
    e.preventDefault();
    crash(`The face-mesh worker stopped: ${e.message || 'its script could not be loaded, or it ran out of memory'}.${crossOriginWorkerAdvice(script)}`);
  };
  worker.addEventListener('error', onError);
  pingTimer = startHeartbeat(api, crash);

  return {
    guard: <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, deadPromise]),
    end,
    get dead() {
      return dead;
    },
  };
}

/**
 * Ping the worker every `pingIntervalMs`; one that has not answered for `pingTimeoutMs` is
 * `crash`ed. A worker killed by the browser (e.g. out of memory) fires nothing, and one that hangs
 * answers nothing: both stop answering pings. Returns the interval's id.
 */
function startHeartbeat(api: Comlink.Remote<WorkerApi>, crash: (message: string) => void): number {
  /** When the oldest unanswered ping was sent (0: none pending). Timers may be throttled in hidden tabs, so only unanswered pings count. */
  let pendingSince = 0;
  return setInterval(() => {
    const now = performance.now();
    if (pendingSince && now - pendingSince > runtimeSettings.pingTimeoutMs) {
      crash(`The face-mesh worker stopped answering for ${((now - pendingSince) / 1000).toFixed(1)} s (it was killed, ran out of memory, or hangs).`);
      return;
    }
    if (!pendingSince) pendingSince = now;
    const sent = now;
    api.ping().then(() => {
      if (pendingSince <= sent) pendingSince = 0;
    }, () => {});
  }, runtimeSettings.pingIntervalMs) as unknown as number;
}

/**
 * The client over a supervised worker: each call guarded, with its transfers and progress proxies,
 * the asset URLs (and their hashes, unless `start.integrity` is false) filled in.
 */
function runtimeClient(api: Comlink.Remote<WorkerApi>, supervision: WorkerSupervision, base: string, assets: AssetUrls, start: RuntimeStartOptions): RuntimeClient {
  const { guard } = supervision;
  let released = false;
  return {
    api,
    assetBase: base,
    pipelineUrls: (refine) => ({ ...assets.modelUrls, mesh: refine ? assets.modelUrls.mesh : assets.plainMeshUrl }),
    init: (options = {}, onProgress, onStage) => {
      const files = assets.wasmFiles ? { wasmFiles: assets.wasmFiles } : {};
      const sha256 = start.integrity === false ? {} : assetHashes(assets);
      const assetCache = start.integrity !== false && start.cache !== false;
      return guard(api.init({ ...options, wasmBase: assets.wasmBase, ...files, sha256, assetCache, fetchStallMs: runtimeSettings.fetchStallMs }, proxied(onProgress), proxied(onStage)));
    },
    createPipeline: (urls, options, onProgress, onStage) => guard(api.createPipeline(urls, options, proxied(onProgress), proxied(onStage))),
    ping: () => guard(api.ping()),
    setPipelineOptions: (options) => guard(api.setPipelineOptions(options)),
    resetPipeline: () => guard(api.resetPipeline()),
    processStill: ({ frame, transfer }) => guard(api.process(Comlink.transfer(frame, transfer), { stillImage: true })),
    processUrl: (url) => guard(api.processUrl(url)),
    startStream: (listener, frames) => guard(frames
      ? api.startStream(Comlink.proxy(listener), Comlink.transfer(frames, [frames as unknown as Transferable]))
      : api.startStream(Comlink.proxy(listener))),
    pushFrame: (frame, timestamp) => guard(api.pushFrame(Comlink.transfer(frame, [frame]), timestamp)),
    stopStream: () => guard(api.stopStream()),
    setOverlay: (canvas, mode) => guard(api.setOverlay(Comlink.transfer(canvas, [canvas]), mode, assets.modelUrls.geometry)),
    setOverlayMode: (mode) => guard(api.setOverlayMode(mode)),
    setOverlayTexture: (url) => guard(api.setOverlayTexture(url)),
    measureThreads: (onStage) => guard(api.measureThreads(proxied(onStage))),
    setMaxFps: (fps) => guard(api.setMaxFps(fps)),
    onCrash: null,
    get dead() {
      return supervision.dead;
    },
    close() {
      supervision.end(new FaceMeshError('aborted', 'The face-mesh worker was stopped (the element was removed or restarted) before this finished.'));
      // (once: Comlink throws on a second release)
      if (!released) api[Comlink.releaseProxy]();
      released = true;
    },
  };
}

/**
 * Start a worker. `assetBase`: a folder holding `wasm/` and `models/`; '' or none (the default): the
 * files next to this bundle (wherever the app's bundler put them).
 */
export function startRuntime(assetBase = '', start: RuntimeStartOptions = {}): RuntimeClient {
  const { base, assets } = assetsFor(assetBase);
  const script = workerScript(start.workerUrl || runtimeSettings.workerUrl || bundledWorkerUrl());
  const worker = startWorker(script);
  liveWorkers.add(worker);
  const api = Comlink.wrap<WorkerApi>(worker);
  // (a crash comes from an event or a timer, never before `client` is assigned)
  const supervision = superviseWorker(worker, script, api, (message) => client.onCrash?.(message));
  const client = runtimeClient(api, supervision, base, assets, start);
  return client;
}
