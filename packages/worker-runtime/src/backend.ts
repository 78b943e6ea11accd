/**
 * The face worker's start of the wasm backend (@face-mesh/tflite's startWasmBackend): threaded SIMD
 * when the page is cross-origin isolated, else SIMD, else plain wasm, with the binaries fetched from
 * our own assets (never a CDN) through fetchAsset (stall timeout, SHA-256), and the mode it got
 * reported to the page with a note saying why, when threads or our kernels are off.
 */
import * as tf from '@tensorflow/tfjs-core';
import { abandonRestart, restartWasmBackend, startWasmBackend, type WasmStarted } from '@face-mesh/tflite';
import type { KernelFamily, WasmBinary } from '@face-mesh/tflite/types';
import { RuntimeError, wasmStartFailure } from './errors.js';
import { chooseThreadCount, type WasmFileName } from './defaults.js';
import { assetPolicy, fetchAsset } from './assets/fetch_asset.js';
import { measuresThreads } from './threads/thread_tuning.js';
import type { ThreadChoice } from './threads/thread_choice.js';
import type { StageListener } from './startup.js';

export type { WasmBinary } from '@face-mesh/tflite/types';

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
   * Our own SIMD kernels for the models' 1x1 convolutions and residual blocks (default true). False
   * runs tfjs' kernels for that work too (the same landmarks; an escape hatch, and the benchmarks'
   * comparison).
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
   * Whether the models run with our own SIMD kernels (1x1 convolutions, the residual ADD + PAD +
   * PRELU/RELU epilogue) beside tfjs' kernels; when false, `kernelsNote` says why, and tfjs' kernels
   * do that work.
   */
  ownKernels: boolean;
  /**
   * Which build of our kernels runs: 'relaxed-simd' (fused multiply-add) where the engine validates
   * relaxed SIMD, else 'simd'; null when they do not run.
   */
  kernelFamily: KernelFamily | null;
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

const ASSET_HINT = 'Check that asset-base points at the folder holding wasm/ and models/ (npm run build puts them next to the bundle).';

/**
 * Start the backend (once per worker: the wasm module cannot be re-created with other flags).
 * A binary that cannot be fetched or started rejects with a coded RuntimeError when its cause is
 * known here, else with the tfjs error (api.ts then asks diagnoseWasmFailure).
 */
export function initWasmBackend(options: BackendOptions, onProgress?: (fraction: number) => void, onStage?: StageListener): Promise<RuntimeMode> {
  initialized ??= init(options, onProgress, onStage);
  return initialized;
}

let initialized: Promise<RuntimeMode> | undefined;
/** The options of the first start, for a restart on another binary, and the binary running. */
let startOptions: BackendOptions | undefined;
let running: WasmBinary | undefined;
/** Each binary's checked bytes, once fetched: a restart on it needs no network. */
const wasmBytes = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();

/** The binaries' download: once per URL (stall timeout, SHA-256, Cache Storage: fetchAsset). */
function fetchWasm(url: string, onProgress?: (fraction: number) => void): Promise<Uint8Array<ArrayBuffer>> {
  let bytes = wasmBytes.get(url);
  if (!bytes) {
    bytes = fetchAsset(url, {
      what: 'the WebAssembly binary', code: 'wasm-load-failed', integrityCode: 'wasm-integrity', maxBytes: 64 << 20,
      onProgress: onProgress && ((loaded, total) => total && onProgress(Math.min(1, loaded / total))),
      hint: ASSET_HINT,
    });
    wasmBytes.set(url, bytes);
    bytes.catch(() => wasmBytes.delete(url));
  }
  return bytes;
}

/** The binary running now (after restarts on another), once started. */
export function runningBinary(): WasmBinary | undefined {
  return running;
}

/** A restart that has not settled in this long is given up (a thread pool that never starts). */
const RESTART_TIMEOUT_MS = 10_000;

/**
 * Restart the backend on `binary` with `threads` (threads="auto": one thread on the SIMD binary,
 * more on the threaded one). Every tensor must be disposed first. The binary is fetched before the
 * running backend is dropped (a download that fails leaves it running); a start that fails or takes
 * over RESTART_TIMEOUT_MS starts the previous binary again, then rejects saying why.
 */
export async function switchWasmBinary(binary: WasmBinary, threads: number): Promise<void> {
  const options = startOptions;
  const from = running;
  if (!options || !from) throw new Error('The wasm runtime is not started.');
  const file = binary === 'threaded-simd' ? 'tfjs-backend-wasm-threaded-simd.wasm' : binary === 'simd' ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
  const base = options.wasmBase.endsWith('/') ? options.wasmBase : `${options.wasmBase}/`;
  await fetchWasm(new URL(options.wasmFiles?.[file] ?? file, new URL(base, self.location.href)).href);
  const restart = (to: WasmBinary, n: number) => restartWasmBackend({
    wasmPaths: options.wasmFiles ?? options.wasmBase, threads: n, binary: to, ownKernels: options.ownKernels, fetchWasm: (url) => fetchWasm(url),
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`it did not start within ${RESTART_TIMEOUT_MS / 1000} s`)), RESTART_TIMEOUT_MS);
  });
  try {
    await Promise.race([restart(binary, threads), timeout]);
    running = binary;
  } catch (e) {
    abandonRestart();
    await restart(from, 1);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

async function init(options: BackendOptions, onProgress?: (fraction: number) => void, onStage?: StageListener): Promise<RuntimeMode> {
  startOptions = options;
  const start = performance.now();
  assetPolicy.sha256 = new Map(Object.entries(options.sha256 ?? {}));
  if (options.fetchStallMs) assetPolicy.stallMs = options.fetchStallMs;
  // The page's core count (Node 20 has no navigator: one thread unless asked for more).
  const cores = options.cores ?? globalThis.navigator?.hardwareConcurrency ?? 1;
  let started: WasmStarted;
  try {
    started = await startWasmBackend({
      wasmPaths: options.wasmFiles ?? options.wasmBase,
      threads: options.threads === 'off' ? 'off' : chooseThreadCount(cores, options.threads),
      // 'auto' starts on one thread and measures (threads/thread_tuning.ts resizes the pool in place).
      poolThreads: measuresThreads(options, cores) ? 1 : undefined,
      binary: options.binary,
      ownKernels: options.ownKernels,
      fetchWasm: (url) => fetchWasm(url, onProgress),
      onStage,
    });
  } catch (e) {
    throw wasmStartFailure(e) ?? e;
  }
  running = started.binary;
  return runtimeMode(started, options, performance.now() - start);
}

/** The mode the page hears: what started, and why threads or our kernels are off when they are. */
function runtimeMode(started: WasmStarted, options: BackendOptions, initMs: number): RuntimeMode {
  const isolated = globalThis.crossOriginIsolated === true;
  const { binary } = started;
  const mode: RuntimeMode = {
    backend: tf.getBackend(),
    binary,
    simd: binary !== 'plain',
    threads: started.threads,
    crossOriginIsolated: isolated,
    ownKernels: started.ownKernels,
    kernelFamily: started.kernelFamily,
    initMs,
  };
  if (started.kernelsNote) mode.kernelsNote = `The models run on tfjs' kernels only: ${started.kernelsNote}.`;
  if (!isolated) mode.note = 'The page is not cross-origin isolated (COOP/COEP), so wasm runs on one thread.';
  else if (!started.canThreads && options.threads !== 'off' && !options.binary) mode.note = 'This browser cannot run wasm threads here (no SharedArrayBuffer in workers), so wasm runs the SIMD binary on one thread.';
  else if (started.oneThread) mode.note = 'One wasm thread (half the cores, or as set), so the SIMD binary: the threaded one is no faster on one thread. Set threads to a number above 1 for more.';
  else if (binary !== 'threaded-simd') mode.note = 'Threads were turned off.';
  return mode;
}

/** Why the wasm backend did not start: a binary that cannot be fetched, or a browser that cannot run it. */
export async function diagnoseWasmFailure(options: BackendOptions, cause: unknown): Promise<RuntimeError> {
  const reason = cause instanceof Error ? cause.message : String(cause);
  if (typeof WebAssembly !== 'object') {
    return new RuntimeError('wasm-unsupported', 'This browser has no WebAssembly (or it is turned off), which face-mesh needs.');
  }
  // startWasmBackend (@face-mesh/tflite) narrows these flags to the binary it asked tfjs for.
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
  return new RuntimeError('wasm-load-failed', `Could not load the WebAssembly binary ${url} (${status}). ${ASSET_HINT}`);
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
