/** The custom-op tests' support: tensor-leak checks and numpy.allclose-style comparisons (the wasm backend, random data: ../helpers.ts). */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
export { rng, uniform, useWasmInPage as useWasmBackend } from '../helpers.js';

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

export interface Diff {
  maxAbs: number;
  maxRel: number;
}

/** Element-wise |a-b| <= atol + rtol·|b| (like numpy.allclose), returning the largest differences. */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5, what = ''): Diff {
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
