/**
 * Sets up tfjs-core on the wasm backend inside our worker: threaded SIMD when the page is
 * cross-origin isolated, else SIMD, else plain wasm, with the binaries fetched from our own
 * assets (never a CDN).
 */
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type WasmBinary = 'threaded-simd' | 'simd' | 'plain';

/** The tfjs-backend-wasm binaries, by the file names tfjs asks for. */
export const WASM_FILE_NAMES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;
export type WasmFileName = (typeof WASM_FILE_NAMES)[number];

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
  /** Force a binary (tests and benchmarks); by default the best the browser supports. */
  binary?: WasmBinary;
}

export interface RuntimeMode {
  backend: string;
  binary: WasmBinary;
  simd: boolean;
  threads: number;
  crossOriginIsolated: boolean;
  /** Why threads are off, when they are. */
  note?: string;
  initMs: number;
}

/**
 * XNNPACK threads we ask for by default: half the cores, at least 1, at most 4 (more buys little for
 * a 192x192 model). Not every core: the pool's threads wait for each other at every op, so when
 * another process (or the page, the camera, the compositor) takes one of the cores the whole frame
 * waits for it. Measured on 2 cores (npm run bench): 2 threads ~12% faster when the machine is
 * idle, but ~9x slower (~140 ms a frame instead of ~15) with one busy process; 1 thread hardly
 * moves, like the single-thread binary.
 */
export function chooseThreadCount(hardwareConcurrency: number, requested: BackendOptions['threads']): number {
  if (requested === 'off') return 1;
  if (typeof requested === 'number') return Math.max(1, Math.floor(requested));
  return Math.min(4, Math.max(1, Math.floor((hardwareConcurrency || 1) / 2)));
}

let initialized: Promise<RuntimeMode> | undefined;

/** Initialize once per worker (the wasm module cannot be re-created with other flags). */
export function initWasmBackend(options: BackendOptions): Promise<RuntimeMode> {
  initialized ??= init(options);
  return initialized;
}

async function init(options: BackendOptions): Promise<RuntimeMode> {
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
  const chosenThreads = chooseThreadCount(navigator.hardwareConcurrency, options.threads);
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
    setThreadsCount(threads);
  }
  // A folder prefix or a per-file map: either keeps the threaded-SIMD binary available (a single
  // wasm path would not).
  if (options.wasmFiles) setWasmPaths({ ...options.wasmFiles });
  else setWasmPaths(options.wasmBase.endsWith('/') ? options.wasmBase : options.wasmBase + '/');
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error(`The wasm backend failed to start: check that ${options.wasmBase} serves the tfjs-backend-wasm*.wasm files.`);
  await tf.ready();
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  const mode: RuntimeMode = {
    backend: tf.getBackend(),
    binary: want,
    simd: want !== 'plain',
    threads: want === 'threaded-simd' ? getThreadsCount() : 1,
    crossOriginIsolated: isolated,
    initMs: performance.now() - start,
  };
  if (!isolated) mode.note = 'The page is not cross-origin isolated (COOP/COEP), so wasm runs on one thread.';
  else if (!canThreads && options.threads !== 'off' && !options.binary) mode.note = 'This browser cannot run wasm threads here (no SharedArrayBuffer in workers), so wasm runs the SIMD binary on one thread.';
  else if (oneThread) mode.note = 'One wasm thread (half the cores, or as set), so the SIMD binary: the threaded one is no faster on one thread. Set threads to a number above 1 for more.';
  else if (want !== 'threaded-simd') mode.note = 'Threads were turned off.';
  return mode;
}
