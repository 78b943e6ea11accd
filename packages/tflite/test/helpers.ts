/** Test-only helpers shared by the runtime's test files: wasm in the page, PRNG, comparisons, tiny graphs. */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { expect } from 'chai';
import type { ModelGraph, OperatorInfo, TensorInfo } from '../src/parser/model.js';
import type { BuiltinOptions } from '../src/parser/schema.js';
/** Where the dev server serves tfjs' wasm binaries from. */
export const WASM_BASE = '/node_modules/@tensorflow/tfjs-backend-wasm/dist/';

let ready: Promise<void> | undefined;

/** The wasm backend (SIMD, one thread) in the test page itself, for op-level tests. */
export function useWasmInPage(): Promise<void> {
  ready ??= (async () => {
    setWasmPaths(WASM_BASE);
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
    await tf.ready();
  })();
  return ready;
}

/** The project's one seeded PRNG for tests (mulberry32). */
export { rng } from '../../geometry/test/random.js';

export function uniform(rand: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

export const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Largest |a - b|, after checking lengths and that nothing is NaN. */
export function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>, what = ''): number {
  expect(actual.length, `${what} length`).to.equal(expected.length);
  let m = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (Number.isNaN(d)) expect.fail(`${what} element ${i}: got ${actual[i]}, expected ${expected[i]}`);
    m = Math.max(m, d);
  }
  return m;
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ''): number {
  const d = maxAbsDiff(actual, expected, what);
  expect(d, `${what}: max |diff| ${d} > ${tol}`).to.be.at.most(tol);
  return d;
}

export interface TensorSpec {
  shape: number[];
  /** Constant contents; omitted for run-time tensors. */
  data?: Float32Array | Int32Array;
  type?: TensorInfo['type'];
  name?: string;
}

export interface OpSpec {
  op: string;
  inputs: number[];
  outputs: number[];
  options?: BuiltinOptions | null;
  custom?: boolean;
  version?: number;
  customOptions?: OperatorInfo['customOptions'];
}

/** A hand-made ModelGraph (no flatbuffer): tensors by index, ops in order. */
export function makeGraph(tensors: TensorSpec[], ops: OpSpec[], inputs: number[], outputs: number[]): ModelGraph {
  const operators = ops.map((o, index): OperatorInfo => ({
    index, opName: o.op, custom: o.custom ?? false, version: o.version ?? 1, inputs: o.inputs, outputs: o.outputs,
    options: o.options ?? null, customOptions: o.customOptions ?? {},
  }));
  return {
    schemaVersion: 3, description: 'test graph',
    opCodes: [...new Set(ops.map((o) => o.op))].map((name) => ({ name, custom: false, version: 1 })),
    tensors: tensors.map((t, index) => ({
      index, name: t.name ?? `t${index}`, shape: t.shape,
      type: t.type ?? (t.data instanceof Int32Array ? 'INT32' : 'FLOAT32'), data: t.data ?? null,
    })),
    operators, inputs, outputs,
  };
}
