/**
 * Sets up tfjs-core on the wasm backend inside our worker: threaded SIMD when the page is
 * cross-origin isolated, else SIMD, else plain wasm, with the binaries fetched from our own
 * assets (never a CDN).
 */
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { attachOwnKernels, turnOffOwnKernels } from './plan/own_kernels.js';
import { WasmBackendAccess } from './plan/wasm_backend.js';
import { RuntimeError } from './errors.js';
import { chooseThreadCount, WASM_FILE_NAMES, type WasmFileName } from './defaults.js';
import { assetPolicy, fetchAsset } from './fetch_asset.js';
import { measuresThreads } from './thread_tuning.js';
import type { ThreadChoice } from './thread_choice.js';
import type { StageListener } from './startup.js';

export type WasmBinary = 'threaded-simd' | 'simd' | 'plain';


export interface BackendOptions {
  /** Folder (URL) holding tfjs-backend-wasm{,-simd,-threaded-simd}.wasm, with a trailing slash. */
  wasmBase: string;
  /**
   * The URL of each binary, by file name (what a bundler emitted for each: hashed names, any
   * folder). When given, it wins over `wasmBase`; it must name all three binaries.
   */
  wasmFiles?: Record<WasmFileName, string>;
  /**
   * `'auto'`: threads when the page is cross-origin isolated; `'off'`: one thread; a number:
   * that many threads (when isolated). Default `'auto'`.
   */
  threads?: 'auto' | 'off' | number;
  /**
   * The cores `auto` decides from: the page's `navigator.hardwareConcurrency` (the element passes
   * it; a worker's own may differ, e.g. under DevTools' override). Default: the worker's.
   */
  cores?: number;
  /**
   * Our own SIMD kernels for the models' residual blocks (default true). False runs tfjs' kernels
   * for that work too (same results; an escape hatch, and the benchmarks' comparison).
   */
  ownKernels?: boolean;
  /** Force a binary (tests and benchmarks); by default the best the browser supports. */
  binary?: WasmBinary;
  /**
   * Expected SHA-256 (hex) of asset files by absolute URL: wasm binaries, models, the face geometry.
   * A listed file whose bytes differ is refused ('wasm-integrity', 'model-integrity'). The element
   * lists the files it ships unless `asset-integrity="off"`.
   */
  sha256?: Record<string, string>;
  /** Abort a download (any asset) that delivers no bytes for this long. Default 30 s. */
  fetchStallMs?: number;
}

export interface RuntimeMode {
  backend: string;
  binary: WasmBinary;
  simd: boolean;
  threads: number;
  crossOriginIsolated: boolean;
  /**
   * Whether the models run with our own SIMD kernels (the residual ADD + PAD + PRELU/RELU epilogue)
   * beside tfjs' kernels; when false, `kernelsNote` says why, and tfjs' kernels do that work.
   */
  ownKernels: boolean;
  kernelsNote?: string;
  /** Why threads are off, when they are. */
  note?: string;
  initMs: number;
  /**
   * How many threads and why (the worker's API fills it in): with `threads="auto"` measured once the
   * models are loaded (`measureThreads`), then kept up to date while frames run.
   */
  threadChoice?: ThreadChoice;
}

let initialized: Promise<RuntimeMode> | undefined;

/**
 * tfjs fetches the binary through its platform's fetch when asked to (setWasmPaths(..., true)), then
 * instantiates it with WebAssembly.instantiate, and handles a failure on neither path (its init would
 * never settle). While our start-up runs, both go through us: the download through fetchAsset (stall
 * timeout, SHA-256), the instantiation split into its compile and its start, each reported as a
 * start-up stage (startup.ts) so the page can give it a deadline. A failure rejects `failed`, which
 * init() races against tfjs' start-up; `restore` puts both functions back.
 */
function takeOverWasmLoading(onProgress?: (fraction: number) => void, onStage?: StageListener): { failed: Promise<never>; restore: () => void } {
  let refuse: (e: RuntimeError) => void = () => {};
  const failed = new Promise<never>((_, reject) => { refuse = reject; });
  const platform = tf.env().platform;
  const platformFetch = platform.fetch;
  let wasmUrl = '';
  platform.fetch = async (path: string, init?: RequestInit) => {
    if (!/\.wasm($|[?#])/.test(path)) return platformFetch.call(platform, path, init);
    wasmUrl = new URL(path, self.location.href).href;
    onStage?.({ stage: 'wasm-fetch', url: wasmUrl });
    try {
      const bytes = await fetchAsset(wasmUrl, {
        what: 'the WebAssembly binary', code: 'wasm-load-failed', integrityCode: 'wasm-integrity', maxBytes: 64 << 20,
        onProgress: onProgress && ((loaded, total) => total && onProgress(Math.min(1, loaded / total))),
        hint: 'Check that asset-base points at the folder holding wasm/ and models/ (npm run build puts them next to the bundle).',
      });
      return new Response(bytes, { status: 200, headers: { 'Content-Type': 'application/wasm' } });
    } catch (e) {
      refuse(e instanceof RuntimeError ? e : new RuntimeError('wasm-load-failed', String(e)));
      // Nothing is ever instantiated from this (the worker is dropped when init fails).
      return new Promise<Response>(() => {});
    }
  };
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = (async (source: BufferSource | WebAssembly.Module, imports?: WebAssembly.Imports) => {
    if (source instanceof WebAssembly.Module) return instantiate(source, imports);
    try {
      onStage?.({ stage: 'wasm-compile', bytes: source.byteLength, url: wasmUrl });
      const module = await WebAssembly.compile(source);
      onStage?.({ stage: 'wasm-start' });
      return { module, instance: await instantiate(module, imports) };
    } catch (e) {
      refuse(new RuntimeError('wasm-unsupported', `The WebAssembly binary ${wasmUrl} did not start in this browser: ${e instanceof Error ? e.message : String(e)}`));
      throw e;
    }
  }) as typeof WebAssembly.instantiate;
  return {
    failed,
    restore: () => {
      platform.fetch = platformFetch;
      WebAssembly.instantiate = instantiate;
    },
  };
}

/** Initialize once per worker (the wasm module cannot be re-created with other flags). */
export function initWasmBackend(options: BackendOptions, onProgress?: (fraction: number) => void, onStage?: StageListener): Promise<RuntimeMode> {
  initialized ??= init(options, onProgress, onStage);
  return initialized;
}

async function init(options: BackendOptions, onProgress?: (fraction: number) => void, onStage?: StageListener): Promise<RuntimeMode> {
  const start = performance.now();
  const isolated = globalThis.crossOriginIsolated === true;
  const env = tf.env();
  // tfjs registers the wasm backend when the module is imported; its feature probes are flags we may
  // narrow (never widen) to force a binary.
  const canSimd = await env.getAsync('WASM_HAS_SIMD_SUPPORT');
  const canThreads = await env.getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  let want = options.binary ?? (canSimd ? (canThreads && options.threads !== 'off' ? 'threaded-simd' : 'simd') : 'plain');
  // One thread chosen (e.g. 'auto' on 2 cores): the SIMD binary. Measured (npm run bench), the
  // threaded binary on one thread is no faster (17.5 vs 17.7 ms a frame) but starts Emscripten's
  // pool of 8 wasm worker threads inside ours; and Chromium was seen to leave a terminated worker's
  // thread parked when it had such nested workers.
  // (Node 20 has no navigator: one thread unless asked for more.)
  const cores = options.cores ?? globalThis.navigator?.hardwareConcurrency ?? 1;
  const chosenThreads = chooseThreadCount(cores, options.threads);
  const oneThread = !options.binary && want === 'threaded-simd' && chosenThreads === 1;
  if (oneThread) want = 'simd';
  if (want === 'threaded-simd' && !(canSimd && canThreads)) {
    throw new Error('The threaded-SIMD wasm binary needs SIMD, a cross-origin isolated page (COOP same-origin + COEP require-corp) and SharedArrayBuffer in workers.');
  }
  if (want === 'simd' && !canSimd) throw new Error('This browser has no WebAssembly SIMD.');
  env.set('WASM_HAS_SIMD_SUPPORT', want !== 'plain');
  env.set('WASM_HAS_MULTITHREAD_SUPPORT', want === 'threaded-simd');

  let threads = 1;
  if (want === 'threaded-simd') {
    threads = chosenThreads;
    // XNNPACK caps its pool at hardwareConcurrency / 2 (read once, at wasm start-up), which would
    // override an explicit request (e.g. threads: 2 on a 2-core machine, which helps when it is
    // otherwise idle). Report the cores as 2x so our choice stands.
    Object.defineProperty(navigator, 'hardwareConcurrency', { value: threads * 2, configurable: true });
    // 'auto' starts on one thread and measures (thread_tuning.ts resizes the pool in place).
    setThreadsCount(measuresThreads(options, cores) ? 1 : threads);
  }
  // A folder prefix or a per-file map: either keeps the threaded-SIMD binary available (a single
  // wasm path would not).
  assetPolicy.sha256 = new Map(Object.entries(options.sha256 ?? {}));
  if (options.fetchStallMs) assetPolicy.stallMs = options.fetchStallMs;
  // In a browser, the binary comes through our checked fetch; Node (@face-mesh/node) reads it from
  // its own installed package.
  const inBrowser = typeof self !== 'undefined' && typeof self.location !== 'undefined';
  const loading = inBrowser ? takeOverWasmLoading(onProgress, onStage) : { failed: new Promise<never>(() => {}), restore: () => {} };
  if (options.wasmFiles) setWasmPaths({ ...options.wasmFiles }, inBrowser);
  else setWasmPaths(options.wasmBase.endsWith('/') ? options.wasmBase : options.wasmBase + '/', inBrowser);
  let ok: boolean;
  try {
    ok = await Promise.race([tf.setBackend('wasm'), loading.failed]);
  } finally {
    loading.restore();
  }
  if (!ok) throw new Error(`The wasm backend failed to start: check that ${options.wasmBase} serves the tfjs-backend-wasm*.wasm files.`);
  await tf.ready();
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  if (options.ownKernels === false) turnOffOwnKernels();
  const kernels = attachOwnKernels(new WasmBackendAccess().memory());
  const mode: RuntimeMode = {
    backend: tf.getBackend(),
    binary: want,
    simd: want !== 'plain',
    threads: want === 'threaded-simd' ? getThreadsCount() : 1,
    crossOriginIsolated: isolated,
    ownKernels: kernels.kernels !== null,
    initMs: performance.now() - start,
  };
  if (kernels.note) mode.kernelsNote = `The models run on tfjs' kernels only: ${kernels.note}.`;
  if (!isolated) mode.note = 'The page is not cross-origin isolated (COOP/COEP), so wasm runs on one thread.';
  else if (!canThreads && options.threads !== 'off' && !options.binary) mode.note = 'This browser cannot run wasm threads here (no SharedArrayBuffer in workers), so wasm runs the SIMD binary on one thread.';
  else if (oneThread) mode.note = 'One wasm thread (half the cores, or as set), so the SIMD binary: the threaded one is no faster on one thread. Set threads to a number above 1 for more.';
  else if (want !== 'threaded-simd') mode.note = 'Threads were turned off.';
  return mode;
}

/** Why the wasm backend did not start: a binary that cannot be fetched, or a browser that cannot run it. */
export async function diagnoseWasmFailure(options: BackendOptions, cause: unknown): Promise<RuntimeError> {
  const reason = cause instanceof Error ? cause.message : String(cause);
  if (typeof WebAssembly !== 'object') {
    return new RuntimeError('wasm-unsupported', 'This browser has no WebAssembly (or it is turned off), which face-mesh needs.');
  }
  // backend.ts narrows these flags to the binary it asked tfjs for before starting it.
  const env = tf.env();
  const simd = env.getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = env.getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  const file = simd ? (threads ? 'tfjs-backend-wasm-threaded-simd.wasm' : 'tfjs-backend-wasm-simd.wasm') : 'tfjs-backend-wasm.wasm';
  const base = options.wasmBase.endsWith('/') ? options.wasmBase : `${options.wasmBase}/`;
  const url = new URL(options.wasmFiles?.[file] ?? file, new URL(base, self.location.href)).href;
  let status: string;
  try {
    const res = await fetch(url, { method: 'HEAD', cache: 'no-store' });
    if (res.ok) {
      return new RuntimeError('wasm-unsupported', `The WebAssembly binary ${url} is there but did not start in this browser: ${reason}`);
    }
    status = `HTTP ${res.status}`;
  } catch (e) {
    status = e instanceof Error ? e.message : String(e);
  }
  return new RuntimeError('wasm-load-failed', `Could not load the WebAssembly binary ${url} (${status}). Check that asset-base points at the folder holding wasm/ and models/ (npm run build puts them next to the bundle).`);
}

/**
 * Whether a blob: worker may importScripts() a blob: script here (what tfjs' wasm threads do):
 * 'allowed', 'refused' (a Content-Security-Policy), or 'no-answer'. Firefox sometimes never starts a
 * nested worker (no message, no error: 1 to 4 in 100 here, docs/browser-support.md), so a probe
 * that has not answered within `answerMs` is dropped for a fresh one, `attempts` times in all.
 */
export async function probeBlobScripts(answerMs = 2_000, attempts = 3): Promise<'allowed' | 'refused' | 'no-answer'> {
  for (let i = 0; i < attempts; i++) {
    const answer = await probeBlobScriptsOnce(answerMs);
    if (answer !== null) return answer ? 'allowed' : 'refused';
  }
  return 'no-answer';
}

/** One probe: true or false as it answers, null when it has not within `answerMs`. */
async function probeBlobScriptsOnce(answerMs: number): Promise<boolean | null> {
  const inner = URL.createObjectURL(new Blob(['0'], { type: 'text/javascript' }));
  const outer = URL.createObjectURL(new Blob([`try{importScripts(${JSON.stringify(inner)});postMessage(true)}catch(e){postMessage(false)}`], { type: 'text/javascript' }));
  let probe: Worker | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await new Promise<boolean | null>((resolve) => {
      try {
        probe = new Worker(outer);
      } catch {
        resolve(false);
        return;
      }
      timer = setTimeout(() => resolve(null), answerMs);
      probe.onmessage = (e: MessageEvent) => resolve(e.data === true);
      probe.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        resolve(false);
      };
    });
  } finally {
    clearTimeout(timer);
    probe?.terminate();
    URL.revokeObjectURL(inner);
    URL.revokeObjectURL(outer);
  }
}
