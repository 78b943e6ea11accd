/** Test-only: the wasm backend in the test page, tensor-leak checks, random data, comparisons. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { expect } from 'chai';

let ready: Promise<void> | undefined;

export function useWasmBackend(): Promise<void> {
  ready ??= (async () => {
    setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('the wasm backend did not start');
    await tf.ready();
  })();
  return ready;
}

/** Runs `fn` (which creates its own input tensors), expecting exactly one tensor (its result) to survive. */
export function noLeak(fn: () => tf.Tensor): { data: Float32Array; shape: number[]; dtype: string } {
  const before = tf.memory().numTensors;
  const result = tf.tidy(() => {
    const out = fn();
    return out;
  });
  expect(tf.memory().numTensors, 'tensors alive after the op').to.equal(before + 1);
  const data = result.dataSync() as Float32Array;
  const shape = result.shape.slice();
  const dtype = result.dtype;
  result.dispose();
  expect(tf.memory().numTensors, 'tensors alive after disposing the result').to.equal(before);
  return { data, shape, dtype };
}

/** Mulberry32: small deterministic PRNG. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uniform(rand: () => number, n: number, lo: number, hi: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

export interface Diff {
  maxAbs: number;
  maxRel: number;
}

/** Element-wise |a-b| <= atol + rtol·|b| (like numpy.allclose), returning the largest differences. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5, what = ''): Diff {
  expect(actual.length, `${what} length`).to.equal(expected.length);
  let maxAbs = 0;
  let maxRel = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    const d = Math.abs(a - e);
    if (!(d <= tol + tol * Math.abs(e))) {
      expect.fail(`${what} element ${i}: got ${a}, expected ${e} (|diff| ${d})`);
    }
    maxAbs = Math.max(maxAbs, d);
    if (e !== 0) maxRel = Math.max(maxRel, d / Math.abs(e));
  }
  return { maxAbs, maxRel };
}
