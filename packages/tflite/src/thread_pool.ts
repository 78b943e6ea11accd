/**
 * The wasm backend's XNNPACK thread pool, resized in place (threaded binary only). tfjs-backend-wasm
 * creates its pool once, at start-up, with `init_with_threads_count`; calling that export again
 * makes a new pool of the size asked for, which every kernel uses from its next call on. The old
 * pool is not destroyed (tfjs exports no way to): its threads stay parked, asleep, in the
 * Emscripten pthread pool; a larger new pool takes threads from that pool (or starts new ones).
 */
import * as tf from '@tensorflow/tfjs-core';

interface ThreadedModule {
  tfjs: { initWithThreadsCount?(n: number): void; getThreadsCount?(): number };
}

/** The pool's thread count now, or 1 when the backend is not the threaded wasm one. */
export function poolThreads(): number {
  const wasm = (tf.backend() as unknown as { wasm?: ThreadedModule }).wasm;
  return wasm?.tfjs.getThreadsCount?.() ?? 1;
}

/** Give the backend a new pool of `threads` threads; returns the count it reports. */
export function resizePool(threads: number): number {
  const wasm = (tf.backend() as unknown as { wasm?: ThreadedModule }).wasm;
  if (!wasm?.tfjs.initWithThreadsCount) throw new Error('the wasm backend exports no init_with_threads_count');
  wasm.tfjs.initWithThreadsCount(threads);
  return poolThreads();
}
