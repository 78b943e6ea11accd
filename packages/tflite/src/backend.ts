/**
 * Starts tfjs-core on the wasm backend: the threaded SIMD binary when threads are wanted and the
 * page allows them, else SIMD, else plain wasm. In a browser the binary's download and its
 * instantiation go through us (see takeOverWasmLoading), so a caller can check the bytes (its
 * `fetchWasm`), hear each stage begin, and get an error instead of a start-up that never settles.
 * Then our own kernels (plan/own_kernels.ts) are attached to the backend's memory.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { WasmStartError } from './errors.js';
import { turnOffOwnKernels, type KernelFamily } from './plan/kernel_module.js';
import { attachOwnKernels } from './plan/own_kernels.js';
import { WasmBackendAccess } from './plan/wasm_backend.js';
import type { WasmBinary } from './types.js';

/** A start-up stage as it begins: the download, the compile, the instantiation and tfjs' start. */
export interface WasmStageReport {
  stage: 'wasm-fetch' | 'wasm-compile' | 'wasm-start';
  /** The compile's input size. */
  bytes?: number;
  url?: string;
}

export interface WasmStartOptions {
  /** Where tfjs finds its binaries: a folder URL, or the URL of each binary by its file name. */
  wasmPaths: string | Record<string, string>;
  /** 'off' (one thread, the SIMD binary) or the thread count chosen; 1 also runs the SIMD binary. */
  threads: 'off' | number;
  /**
   * The threaded binary's pool at start-up, when not `threads` (e.g. 1, to measure before growing
   * it: thread_pool.ts resizes it in place). XNNPACK's cap still follows `threads`.
   */
  poolThreads?: number;
  /** Force a binary; by default the best the browser supports. */
  binary?: WasmBinary;
  /** Our own SIMD kernels (default true); false runs tfjs' kernels for that work too. */
  ownKernels?: boolean;
  /**
   * Downloads a binary (in a browser; Node reads it from the installed package): where a caller
   * checks size, stalls and checksums. Its rejection rejects the start-up with a
   * WasmStartError('fetch-failed') whose `cause` it is.
   */
  fetchWasm: (url: string) => Promise<Uint8Array<ArrayBuffer>>;
  onStage?: (report: WasmStageReport) => void;
}

/** What started. */
export interface WasmStarted {
  binary: WasmBinary;
  threads: number;
  /** Whether this browser could run wasm threads here (SharedArrayBuffer in workers). */
  canThreads: boolean;
  /** Threads were wanted, but only one: the SIMD binary runs instead of the threaded one. */
  oneThread: boolean;
  /** Whether our own kernels run; when not, `kernelsNote` says why. */
  ownKernels: boolean;
  /** Which build of them: relaxed SIMD where the engine validates it, else plain SIMD; null when they do not run. */
  kernelFamily: KernelFamily | null;
  kernelsNote: string | undefined;
}

let started: Promise<WasmStarted> | undefined;
/** What the browser can run, probed once (chooseBinary narrows tfjs' flags to the binary it starts). */
let probed: { canSimd: boolean; canThreads: boolean } | undefined;
/** tfjs-backend-wasm's registration priority (its base.ts). */
const WASM_PRIORITY = 2;

/** Starts once per realm: later calls get the first start (restartWasmBackend starts another binary). */
export function startWasmBackend(options: WasmStartOptions): Promise<WasmStarted> {
  started ??= start(options);
  return started;
}

/**
 * Starts the backend again, on `options.binary` (threads="auto" moving between the threaded binary
 * and the SIMD one). The running backend is removed first: tfjs disposes it (its wasm memory is
 * dropped, its thread pool's workers terminated), so every tensor must be disposed before, and
 * models built again after. A start that settles after `abandonRestart()` is disposed at once.
 */
export async function restartWasmBackend(options: WasmStartOptions & { binary: WasmBinary }): Promise<WasmStarted> {
  if (!started) throw new Error('restartWasmBackend() before startWasmBackend()');
  // (tfjs-backend-wasm's own factory: later registrations are our wrappers of it)
  wasmFactory ??= tf.findBackendFactory('wasm') ?? undefined;
  const factory = wasmFactory;
  if (!factory) throw new Error('the wasm backend is not registered');
  if (tf.findBackendFactory('wasm')) tf.removeBackend('wasm');
  const generation = ++restarts;
  tf.registerBackend('wasm', async () => {
    const backend = await factory();
    // (tfjs drops a backend whose start settles after it was removed, without disposing it)
    if (generation !== restarts) backend.dispose();
    return backend;
  }, WASM_PRIORITY);
  started = start(options);
  return started;
}

let restarts = 0;
let wasmFactory: (() => tf.KernelBackend | Promise<tf.KernelBackend>) | undefined;

/** Rejects when the start under way is given up (abandonRestart). */
function abandoned(): Promise<never> {
  const given = new Promise<never>((_, reject) => {
    giveUp = reject;
  });
  given.catch(() => undefined);
  return given;
}
let giveUp: ((e: Error) => void) | undefined;

/**
 * Gives up a restart that has not settled (a thread pool that never starts): its start rejects at
 * once, the backend is removed, and the backend it started is disposed if it ever settles.
 */
export function abandonRestart(): void {
  restarts++;
  giveUp?.(new WasmStartError('failed', 'The wasm backend start was given up.'));
  if (tf.findBackendFactory('wasm')) tf.removeBackend('wasm');
}

async function start(options: WasmStartOptions): Promise<WasmStarted> {
  const { binary, canThreads, oneThread } = await chooseBinary(options);
  const threads = binary === 'threaded-simd' && options.threads !== 'off' ? options.threads : 1;
  if (binary === 'threaded-simd') {
    // XNNPACK caps its pool at hardwareConcurrency / 2 (read once, at wasm start-up), which would
    // override an explicit request (e.g. threads: 2 on a 2-core machine, which helps when it is
    // otherwise idle). Report the cores as 2x so our choice stands.
    Object.defineProperty(navigator, 'hardwareConcurrency', { value: threads * 2, configurable: true });
    setThreadsCount(options.poolThreads ?? threads);
  } else {
    // (tfjs' default, as on a first start: a restart must not inherit the threaded start's count)
    setThreadsCount(-1);
  }
  await startTfjs(options);
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  if (options.ownKernels === false) turnOffOwnKernels();
  const kernels = attachOwnKernels(new WasmBackendAccess().memory());
  return {
    binary,
    threads: binary === 'threaded-simd' ? getThreadsCount() : 1,
    canThreads,
    oneThread,
    ownKernels: kernels.kernels !== null,
    kernelFamily: kernels.family,
    kernelsNote: kernels.note,
  };
}

/**
 * The binary to start, narrowing tfjs' feature flags (never widening them) so tfjs picks it.
 * One thread chosen (e.g. on 2 cores): the SIMD binary. Measured (npm run bench), the threaded
 * binary on one thread is no faster (17.5 vs 17.7 ms a frame) but starts Emscripten's pool of 8
 * wasm worker threads inside ours; and Chromium was seen to leave a terminated worker's thread
 * parked when it had such nested workers.
 */
async function chooseBinary(options: WasmStartOptions): Promise<{ binary: WasmBinary; canThreads: boolean; oneThread: boolean }> {
  const env = tf.env();
  // tfjs registers the wasm backend when the module is imported; its feature probes are flags.
  probed ??= { canSimd: !!(await env.getAsync('WASM_HAS_SIMD_SUPPORT')), canThreads: !!(await env.getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) };
  const { canSimd, canThreads } = probed;
  let binary: WasmBinary = options.binary ?? (canSimd ? (canThreads && options.threads !== 'off' ? 'threaded-simd' : 'simd') : 'plain');
  const oneThread = !options.binary && binary === 'threaded-simd' && options.threads === 1;
  if (oneThread) binary = 'simd';
  if (binary === 'threaded-simd' && !(canSimd && canThreads)) {
    throw new WasmStartError('unsupported', 'The threaded-SIMD wasm binary needs SIMD, a cross-origin isolated page (COOP same-origin + COEP require-corp) and SharedArrayBuffer in workers.');
  }
  if (binary === 'simd' && !canSimd) throw new WasmStartError('unsupported', 'This browser has no WebAssembly SIMD.');
  env.set('WASM_HAS_SIMD_SUPPORT', binary !== 'plain');
  env.set('WASM_HAS_MULTITHREAD_SUPPORT', binary === 'threaded-simd');
  return { binary, canThreads, oneThread };
}

/** tfjs' setBackend('wasm'), with the binary's loading taken over in a browser. */
async function startTfjs(options: WasmStartOptions): Promise<void> {
  // In a browser the binary comes through options.fetchWasm; Node reads it from its installed package.
  const inBrowser = typeof self !== 'undefined' && typeof self.location !== 'undefined';
  const loading = inBrowser ? takeOverWasmLoading(options) : { failed: new Promise<never>(() => {}), restore: () => {} };
  // A folder prefix or a per-file map: either keeps the threaded-SIMD binary available (a single
  // wasm path would not).
  const paths = options.wasmPaths;
  setWasmPaths(typeof paths === 'string' ? (paths.endsWith('/') ? paths : paths + '/') : { ...paths }, inBrowser);
  let ok: boolean;
  try {
    ok = await Promise.race([tf.setBackend('wasm'), loading.failed, abandoned()]);
  } finally {
    giveUp = undefined;
    loading.restore();
  }
  if (!ok) throw new WasmStartError('failed', `The wasm backend failed to start: check that ${typeof paths === 'string' ? paths : 'the wasm paths'} serves the tfjs-backend-wasm*.wasm files.`);
  await tf.ready();
}

/**
 * tfjs fetches the binary through its platform's fetch when asked to (setWasmPaths(..., true)), then
 * instantiates it with WebAssembly.instantiate, and handles a failure on neither path (its start-up
 * would never settle). While ours runs, both go through us: the download through `fetchWasm`, the
 * instantiation split into its compile and its start, each reported as a stage. A failure rejects
 * `failed`, which the start-up races against tfjs'; `restore` puts both functions back.
 */
function takeOverWasmLoading(options: WasmStartOptions): { failed: Promise<never>; restore: () => void } {
  const { onStage, fetchWasm } = options;
  let refuse: (e: WasmStartError) => void = () => {};
  const failed = new Promise<never>((_, reject) => { refuse = reject; });
  const platform = tf.env().platform;
  const platformFetch = platform.fetch;
  let wasmUrl = '';
  platform.fetch = async (path: string, init?: RequestInit) => {
    if (!/\.wasm($|[?#])/.test(path)) return platformFetch.call(platform, path, init);
    wasmUrl = new URL(path, self.location.href).href;
    onStage?.({ stage: 'wasm-fetch', url: wasmUrl });
    try {
      const bytes = await fetchWasm(wasmUrl);
      return new Response(bytes, { status: 200, headers: { 'Content-Type': 'application/wasm' } });
    } catch (e) {
      refuse(new WasmStartError('fetch-failed', `Could not fetch ${wasmUrl}: ${e}`, { cause: e }));
      // Nothing is ever instantiated from this (the caller drops the realm when the start fails).
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
      refuse(new WasmStartError('compile-failed', `The WebAssembly binary ${wasmUrl} did not start in this browser: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
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
