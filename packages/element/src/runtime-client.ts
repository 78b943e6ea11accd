/**
 * The page side of the worker: starts the module worker that sits next to this bundle and finds
 * the wasm binaries and model files (by default the files next to this bundle, as an app's bundler
 * sees them; or all under one `asset-base` folder). It also
 * watches the worker: a worker that fails to load, throws an uncaught error, or stops answering the
 * heartbeat (killed for memory, hung) counts as crashed, and every pending call is rejected.
 */
import * as Comlink from 'comlink';
import type { BackendOptions, PipelineModelUrls, RuntimeApi, RuntimeMode, WasmFileName } from '@face-mesh/worker-runtime';
import { ASSET_SHA256, type AssetFileName } from './asset-checksums.js';
import { FaceMeshError } from './events.js';
import { isTrustedTypesError, trustedWorkerUrl } from './trusted-types.js';

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
  modelUrls: PipelineModelUrls;
  /** face_landmark.tflite, the plain 468-point model (refine="false"). */
  plainMeshUrl: string;
  geometryUrl: string;
}

/**
 * The files next to this module, one static `new URL('./…', import.meta.url)` each: Vite, webpack 5,
 * Parcel and Rollup/esbuild asset plugins see this pattern and emit each file into the app's build
 * (under whatever hashed name), and without a bundler they resolve next to `face-mesh.js`.
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
    geometryUrl: new URL('./models/geometry_pipeline_metadata_landmarks.binarypb', import.meta.url).href,
  };
}

/** Everything under one folder (the `asset-base` override): `${base}wasm/` and `${base}models/`. */
function assetsUnder(base: URL): AssetUrls {
  const models = new URL('models/', base);
  return {
    wasmBase: new URL('wasm/', base).href,
    modelUrls: {
      detector: new URL('face_detection_short_range.tflite', models).href,
      mesh: new URL('face_landmark_with_attention.tflite', models).href,
      geometry: new URL('geometry_pipeline_metadata_landmarks.binarypb', models).href,
    },
    plainMeshUrl: new URL('face_landmark.tflite', models).href,
    geometryUrl: new URL('geometry_pipeline_metadata_landmarks.binarypb', models).href,
  };
}

/** The SHA-256 of each file this build ships, by the URL the worker will load it from. */
function assetHashes(assets: AssetUrls): Record<string, string> {
  const byUrl: Record<string, string> = {};
  const add = (url: string, file: AssetFileName) => { byUrl[new URL(url, location.href).href] = ASSET_SHA256[file]; };
  for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const) {
    add(assets.wasmFiles?.[file] ?? new URL(file, assets.wasmBase).href, file);
  }
  add(assets.modelUrls.detector, 'face_detection_short_range.tflite');
  add(assets.modelUrls.mesh, 'face_landmark_with_attention.tflite');
  add(assets.plainMeshUrl, 'face_landmark.tflite');
  add(assets.geometryUrl, 'geometry_pipeline_metadata_landmarks.binarypb');
  return byUrl;
}

/**
 * How workers are started and watched. `workerUrl`: the module worker script ('', the default: the
 * `face-mesh.worker.js` next to this bundle, through `new Worker(new URL(...))`, which bundlers
 * recognize and bundle as a worker). The heartbeat pings the worker every `pingIntervalMs`; a worker that has not answered
 * for `pingTimeoutMs` is treated as crashed. The worker answers between frames, so the timeout must
 * be well above the longest single job (model compile, a 40 MP frame: about a second on a slow phone).
 */
export const runtimeSettings = {
  workerUrl: '',
  pingIntervalMs: 3_000,
  pingTimeoutMs: 10_000,
  /** A download (wasm, model, `src` image) that delivers no bytes for this long fails, naming its URL. */
  fetchStallMs: 30_000,
};

/** Starting options: `integrity: false` loads the asset files without checking their SHA-256. */
export interface RuntimeStartOptions {
  integrity?: boolean;
}

export interface RuntimeClient {
  api: Comlink.Remote<RuntimeApi>;
  /** The `asset-base` folder in use, or '' when the files come from next to this bundle (the default). */
  assetBase: string;
  modelUrls: PipelineModelUrls;
  /** face_landmark.tflite, the plain 468-point model (refine="false"). */
  plainMeshUrl: string;
  /** The canonical face geometry (mesh triangles for the overlay). */
  geometryUrl: string;
  /**
   * Start tfjs on wasm in the worker, with the binaries from `${assetBase}wasm/` (or the bundled ones);
   * `onProgress` gets the fraction of the binary's bytes received.
   */
  init(options?: Omit<BackendOptions, 'wasmBase' | 'wasmFiles' | 'sha256' | 'fetchStallMs'>, onProgress?: (fraction: number) => void): Promise<RuntimeMode>;
  /**
   * `call` settles like `promise`, or rejects when the worker crashes (code 'worker-crashed') or is
   * closed (code 'aborted') first: a call to a dead worker would otherwise never settle.
   */
  guard<T>(promise: Promise<T>): Promise<T>;
  /** Called once if the worker dies (out of memory, killed), hangs, throws, or its script fails to load. */
  onCrash: ((message: string) => void) | null;
  /** True after a crash or close(). */
  readonly dead: boolean;
  /** Terminate the worker (and with it every tensor and wasm thread it holds). */
  close(): void;
}

/** Set once a worker start met Trusted Types enforcement: later starts go straight to the policy. */
let trustedTypesEnforced = false;

/**
 * The module worker. The default keeps the literal `new Worker(new URL('./face-mesh.worker.js',
 * import.meta.url))` that bundlers look for; on a page enforcing Trusted Types that throws (the
 * browser reports one violation, once per page), and the same URL goes through the `face-mesh`
 * policy instead (trusted-types.ts), from then on directly.
 */
function startWorker(): Worker {
  const options: WorkerOptions = { type: 'module', name: 'face-mesh' };
  const trusted = (url: string) => new Worker(trustedWorkerUrl(new URL(url, location.href).href) as unknown as URL, options);
  const custom = runtimeSettings.workerUrl;
  if (trustedTypesEnforced) return trusted(custom || new URL('./face-mesh.worker.js', import.meta.url).href);
  try {
    // The options stay an inline literal: Vite refuses worker options it cannot read statically.
    return custom ? new Worker(custom, options) : new Worker(new URL('./face-mesh.worker.js', import.meta.url), { type: 'module', name: 'face-mesh' });
  } catch (e) {
    if (!isTrustedTypesError(e)) throw e;
    trustedTypesEnforced = true;
    return trusted(custom || new URL('./face-mesh.worker.js', import.meta.url).href);
  }
}

/**
 * Start a worker. `assetBase`: a folder holding `wasm/` and `models/`; '' or none (the default): the
 * files next to this bundle (wherever the app's bundler put them).
 */
/** Workers started and not yet terminated by this module (tests compare it with the browser's list). */
export const liveWorkers = new Set<Worker>();

export function startRuntime(assetBase = '', start: RuntimeStartOptions = {}): RuntimeClient {
  let base: URL | null = null;
  if (assetBase) {
    base = new URL(assetBase, location.href);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
  }
  const assets = base ? assetsUnder(base) : bundledAssets();
  const worker = startWorker();
  liveWorkers.add(worker);
  const api = Comlink.wrap<RuntimeApi>(worker);

  let rejectDead: (e: FaceMeshError) => void = () => {};
  const deadPromise = new Promise<never>((_, reject) => {
    rejectDead = reject;
  });
  deadPromise.catch(() => {}); // observed through guard(); never an unhandled rejection
  let dead = false;
  let pingTimer = 0;
  /** When the oldest unanswered ping was sent (0: none pending). Timers may be throttled in hidden tabs, so only unanswered pings count. */
  let pendingSince = 0;

  const end = (error: FaceMeshError) => {
    if (dead) return false;
    dead = true;
    clearInterval(pingTimer);
    worker.removeEventListener('error', onError);
    // A hung or half-dead worker must not keep its memory and threads: terminate it now.
    worker.terminate();
    liveWorkers.delete(worker);
    rejectDead(error);
    return true;
  };
  const crash = (message: string) => {
    if (end(new FaceMeshError('worker-crashed', message))) client.onCrash?.(message);
  };
  const onError = (e: ErrorEvent) => {
    e.preventDefault();
    crash(`The face-mesh worker stopped: ${e.message || 'its script could not be loaded, or it ran out of memory'}.`);
  };
  worker.addEventListener('error', onError);

  // Heartbeat: a worker killed by the browser (e.g. out of memory) fires nothing; one that hangs
  // answers nothing. Both stop answering pings.
  pingTimer = setInterval(() => {
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

  const client: RuntimeClient = {
    api,
    assetBase: base?.href ?? '',
    modelUrls: assets.modelUrls,
    plainMeshUrl: assets.plainMeshUrl,
    geometryUrl: assets.geometryUrl,
    init: (options = {}, onProgress) => {
      const files = assets.wasmFiles ? { wasmFiles: assets.wasmFiles } : {};
      const sha256 = start.integrity === false ? {} : assetHashes(assets);
      const progress = onProgress ? Comlink.proxy(onProgress) : undefined;
      return client.guard(api.init({ ...options, wasmBase: assets.wasmBase, ...files, sha256, fetchStallMs: runtimeSettings.fetchStallMs }, progress));
    },
    guard: <T>(promise: Promise<T>) => Promise.race([promise, deadPromise]),
    onCrash: null,
    get dead() {
      return dead;
    },
    close() {
      end(new FaceMeshError('aborted', 'The face-mesh worker was stopped (the element was removed or restarted) before this finished.'));
      api[Comlink.releaseProxy]();
    },
  };
  return client;
}

/**
 * The restart policy: the first crash restarts the worker, a second crash stops (until the page
 * calls start() again, which gives it a fresh chance).
 */
export class CrashSupervisor {
  private crashes = 0;
  private restarting = false;

  /** Record a crash: 'restart' for the first since the page last started the element, then 'stop'. */
  crashed(): 'restart' | 'stop' {
    this.crashes++;
    return this.crashes === 1 ? 'restart' : 'stop';
  }

  /** Run the restart; start() calls made synchronously inside do not reset the count. */
  restart(fn: () => void): void {
    this.restarting = true;
    try {
      fn();
    } finally {
      this.restarting = false;
    }
  }

  /** The page started the element (not a restart): forget earlier crashes. */
  started(): void {
    if (!this.restarting) this.crashes = 0;
  }

  get count(): number {
    return this.crashes;
  }
}
