/**
 * Every builtin op kernel, compiled by the executor from a one- or two-op graph and run on the wasm
 * backend in the page, against the plain-TypeScript references in test/reference_kernels.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { Executor } from '../executor.js';
import { PlanExecutor } from '../plan/plan_executor.js';
import type { ModelGraph } from '../parser/model.js';
import type { Conv2DOptions, DepthwiseConv2DOptions, Padding } from '../parser/schema.js';
import { expectClose, makeGraph, rng, size, uniform, useWasmInPage, type OpSpec, type TensorSpec } from '../../test/helpers.js';
import { refConcat, refConv2D, refDepthwise, refMaxPool, refPad, refPrelu, refStridedSlice } from '../../test/reference_kernels.js';

/** float32 accumulation-order differences on O(10)-term sums of O(1) values. */
const TOL = 1e-5;

/**
 * Runs the graph on the reference executor, and on the plan executor with and without our own
 * SIMD kernels: the plan must give exactly the reference's values (same kernels, exact element-wise
 * arithmetic, or our plain SIMD build, which sums as XNNPACK does), and no executor may leave a
 * tensor behind after a run. Our relaxed-SIMD build (fused multiply-add, where the engine has it)
 * is held to TOL here; its per-output bound is in plan/plan_executor.test.ts.
 */
function runOnce(tensors: TensorSpec[], ops: OpSpec[], input: Float32Array, outputs: number[], fuse = true): { out: Float32Array[]; steps: number } {
  const executors = [
    ['reference', (g: ModelGraph) => new Executor(g, { fuse })],
    ['plan', (g: ModelGraph) => new PlanExecutor(g, { fuse, relaxedSimd: false })],
    ['plan on tfjs kernels', (g: ModelGraph) => new PlanExecutor(g, { fuse, ownKernels: false })],
    ['plan, relaxed SIMD where validated', (g: ModelGraph) => new PlanExecutor(g, { fuse })],
  ] as const;
  const results = executors.map(([name, make]) => {
    const ex = make(makeGraph(tensors, ops, [0], outputs));
    try {
      const before = tf.memory().numTensors;
      const out = ex.run(input);
      expect(tf.memory().numTensors, `${name}: tensors after a run`).to.equal(before);
      return { out, steps: ex.stepCount };
    } finally {
      ex.dispose();
    }
  });
  const [reference, ...plans] = results;
  // Unfused, the reference adds the bias in its own kernel (a benchmark baseline) where the plan
  // keeps it in the conv, as TFLite's op does: float32 rounding apart there, identical otherwise.
  const tol = fuse ? 0 : TOL;
  plans.forEach((p, k) => p.out.forEach((o, i) => expectClose(o, reference!.out[i]!, k === 2 ? TOL : tol, `${executors[k + 1]![0]} output ${i} vs the reference executor`)));
  return reference!;
}

const convOptions = (padding: Padding, stride: number): Conv2DOptions => ({
  type: 'Conv2DOptions', padding, strideW: stride, strideH: stride, activation: 'NONE', dilationW: 1, dilationH: 1,
});
const dwOptions = (padding: Padding, stride: number): DepthwiseConv2DOptions => ({
  type: 'DepthwiseConv2DOptions', padding, strideW: stride, strideH: stride, depthMultiplier: 1, activation: 'NONE', dilationW: 1, dilationH: 1,
});

describe('op kernels vs plain TypeScript references', () => {
  before(useWasmInPage);

  for (const padding of ['SAME', 'VALID'] as const) {
    for (const stride of [1, 2]) {
      for (const [H, W] of [[7, 7], [8, 6]] as const) {
        it(`CONV_2D ${padding} stride ${stride} on ${H}x${W} (filter layout OHWI -> HWIO, bias)`, () => {
          const rand = rng(H * 100 + stride * 10 + (padding === 'SAME' ? 1 : 0));
          const C = 5, O = 4, k = 3;
          const x = uniform(rand, H * W * C), w = uniform(rand, O * k * k * C), b = uniform(rand, O);
          const ref = refConv2D(x, [H, W, C], w, [O, k, k], b, stride, padding);
          const { out } = runOnce(
            [{ shape: [1, H, W, C] }, { shape: [O, k, k, C], data: w }, { shape: [O], data: b }, { shape: ref.shape }],
            [{ op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: convOptions(padding, stride) }], x, [3]);
          expectClose(out[0]!, ref.data, TOL, 'conv');
        });

        it(`DEPTHWISE_CONV_2D ${padding} stride ${stride} on ${H}x${W}`, () => {
          const rand = rng(H * 1000 + stride * 10 + (padding === 'SAME' ? 1 : 0));
          const C = 6, k = 3;
          const x = uniform(rand, H * W * C), w = uniform(rand, k * k * C), b = uniform(rand, C);
          const ref = refDepthwise(x, [H, W, C], w, [k, k], b, stride, padding);
          const { out } = runOnce(
            [{ shape: [1, H, W, C] }, { shape: [1, k, k, C], data: w }, { shape: [C], data: b }, { shape: ref.shape }],
            [{ op: 'DEPTHWISE_CONV_2D', inputs: [0, 1, 2], outputs: [3], options: dwOptions(padding, stride) }], x, [3]);
          expectClose(out[0]!, ref.data, TOL, 'depthwise');
        });
      }
    }
  }

  it('CONV_2D with a 2x2 stride-2 VALID head and a 1x1 conv (the model head shapes)', () => {
    const rand = rng(5);
    for (const [H, k, s, C, O] of [[2, 2, 2, 32, 10], [3, 3, 3, 32, 17], [6, 1, 1, 8, 12]] as const) {
      const x = uniform(rand, H * H * C), w = uniform(rand, O * k * k * C), b = uniform(rand, O);
      const ref = refConv2D(x, [H, H, C], w, [O, k, k], b, s, 'VALID');
      const { out } = runOnce(
        [{ shape: [1, H, H, C] }, { shape: [O, k, k, C], data: w }, { shape: [O], data: b }, { shape: ref.shape }],
        [{ op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: convOptions('VALID', s) }], x, [3]);
      expectClose(out[0]!, ref.data, 1e-4, `head ${H}/${k}/${s}`);
    }
  });

  for (const op of ['CONV_2D', 'DEPTHWISE_CONV_2D'] as const) {
    for (const act of ['PRELU', 'RELU'] as const) {
      it(`${op} + ${act} fuses into one step and matches the unfused plan and the reference`, () => {
        const rand = rng(op.length * 7 + act.length);
        const H = 6, C = 4, k = 3;
        const O = op === 'CONV_2D' ? 5 : C;
        const x = uniform(rand, H * H * C, -2, 2);
        const w = uniform(rand, op === 'CONV_2D' ? O * k * k * C : k * k * C);
        const b = uniform(rand, O, -0.5, 0.5);
        const alpha = uniform(rand, O, 0.05, 0.5);
        const conv = op === 'CONV_2D'
          ? refConv2D(x, [H, H, C], w, [O, k, k], b, 1, 'SAME')
          : refDepthwise(x, [H, H, C], w, [k, k], b, 1, 'SAME');
        const expected = act === 'PRELU' ? refPrelu(conv.data, alpha) : conv.data.map((v) => Math.max(v, 0));
        const tensors: TensorSpec[] = [
          { shape: [1, H, H, C] }, { shape: op === 'CONV_2D' ? [O, k, k, C] : [1, k, k, C], data: w }, { shape: [O], data: b },
          { shape: conv.shape }, { shape: [1, 1, O], data: alpha }, { shape: conv.shape },
        ];
        const ops: OpSpec[] = [
          { op, inputs: [0, 1, 2], outputs: [3], options: op === 'CONV_2D' ? convOptions('SAME', 1) : dwOptions('SAME', 1) },
          act === 'PRELU' ? { op: 'PRELU', inputs: [3, 4], outputs: [5] } : { op: 'RELU', inputs: [3], outputs: [5] },
        ];
        const fused = runOnce(tensors, ops, x, [5], true);
        const unfused = runOnce(tensors, ops, x, [5], false);
        expect(fused.steps, 'fused steps').to.equal(1);
        expect(unfused.steps, 'unfused steps').to.equal(2);
        expectClose(fused.out[0]!, expected, TOL, 'fused');
        expectClose(unfused.out[0]!, expected, TOL, 'unfused');
        // Not fused when the conv output is also a graph output: both tensors must come out right.
        const both = runOnce(tensors, ops, x, [3, 5], true);
        expect(both.steps).to.equal(2);
        expectClose(both.out[0]!, conv.data, TOL, 'conv output');
        expectClose(both.out[1]!, expected, TOL, 'activation output');
      });
    }
  }

  it('CONV_2D + PRELU fuses when the slopes come from a float16 DEQUANTIZE listed after the conv (as in the mesh model)', () => {
    const rand = rng(21);
    const H = 4, C = 3, O = 2;
    const x = uniform(rand, H * H * C, -2, 2), w = uniform(rand, O * C), b = uniform(rand, O), alpha = uniform(rand, O, 0.1, 0.3);
    const conv = refConv2D(x, [H, H, C], w, [O, 1, 1], b, 1, 'VALID');
    const { out, steps } = runOnce(
      [{ shape: [1, H, H, C] }, { shape: [O, 1, 1, C], data: w }, { shape: [O], data: b }, { shape: conv.shape },
        { shape: [1, 1, O], data: alpha, type: 'FLOAT16' }, { shape: [1, 1, O] }, { shape: conv.shape }],
      [{ op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: convOptions('VALID', 1) },
        { op: 'DEQUANTIZE', inputs: [4], outputs: [5] },
        { op: 'PRELU', inputs: [3, 5], outputs: [6] }], x, [6]);
    expect(steps).to.equal(1);
    expectClose(out[0]!, refPrelu(conv.data, alpha), TOL, 'fused');
  });

  it('PRELU alone (negative and positive inputs)', () => {
    const rand = rng(11);
    const x = uniform(rand, 3 * 3 * 8, -3, 3), alpha = uniform(rand, 8, 0, 1);
    const { out } = runOnce([{ shape: [1, 3, 3, 8] }, { shape: [1, 1, 8], data: alpha }, { shape: [1, 3, 3, 8] }],
      [{ op: 'PRELU', inputs: [0, 1], outputs: [2] }], x, [2]);
    expectClose(out[0]!, refPrelu(x, alpha), 0, 'prelu');
  });

  it('PAD (channel padding as in the residual shortcuts, and spatial padding)', () => {
    const rand = rng(12);
    const shape = [1, 4, 5, 3];
    const x = uniform(rand, size(shape));
    for (const pads of [[[0, 0], [0, 0], [0, 0], [0, 5]], [[0, 0], [1, 2], [2, 0], [1, 1]]] as [number, number][][]) {
      const ref = refPad(x, shape, pads);
      const { out } = runOnce([{ shape }, { shape: [4, 2], data: Int32Array.from(pads.flat()) }, { shape: ref.shape }],
        [{ op: 'PAD', inputs: [0, 1], outputs: [2] }], x, [2]);
      expectClose(out[0]!, ref.data, 0, `pad ${JSON.stringify(pads)}`);
    }
  });

  for (const [H, padding] of [[8, 'VALID'], [7, 'VALID'], [7, 'SAME'], [8, 'SAME']] as const) {
    it(`MAX_POOL_2D 2x2 stride 2 ${padding} on ${H}x${H}`, () => {
      const rand = rng(H + padding.length);
      const C = 3, x = uniform(rand, H * H * C);
      const ref = refMaxPool(x, [H, H, C], 2, 2, padding);
      const { out } = runOnce([{ shape: [1, H, H, C] }, { shape: ref.shape }],
        [{ op: 'MAX_POOL_2D', inputs: [0], outputs: [1],
          options: { type: 'Pool2DOptions', padding, strideW: 2, strideH: 2, filterW: 2, filterH: 2, activation: 'NONE' } }], x, [1]);
      expectClose(out[0]!, ref.data, 0, 'maxpool');
    });
  }

  it('STRIDED_SLICE: a sub-range with strides, and the full-range identity (compiled away)', () => {
    const rand = rng(13);
    const shape = [1, 5, 6, 4];
    const x = uniform(rand, size(shape));
    const opts = { type: 'StridedSliceOptions' as const, beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 };
    const slice = (begin: number[], end: number[], strides: number[], outShape: number[]) => runOnce(
      [{ shape }, { shape: [4], data: Int32Array.from(begin) }, { shape: [4], data: Int32Array.from(end) },
        { shape: [4], data: Int32Array.from(strides) }, { shape: outShape }],
      [{ op: 'STRIDED_SLICE', inputs: [0, 1, 2, 3], outputs: [4], options: opts }], x, [4]);
    const ref = refStridedSlice(x, shape, [0, 1, 0, 1], [1, 5, 6, 3], [1, 2, 3, 1]);
    const sub = slice([0, 1, 0, 1], [1, 5, 6, 3], [1, 2, 3, 1], ref.shape);
    expect(sub.steps).to.equal(1);
    expectClose(sub.out[0]!, ref.data, 0, 'slice');
    const id = slice([0, 0, 0, 0], shape, [1, 1, 1, 1], shape);
    expect(id.steps, 'identity slice is an alias').to.equal(0);
    expectClose(id.out[0]!, x, 0, 'identity');
  });

  it('CONCATENATION on axis 1 and on the last axis (negative axis)', () => {
    const rand = rng(14);
    const a = { shape: [1, 3, 2], data: uniform(rand, 6) }, b = { shape: [1, 4, 2], data: uniform(rand, 8) };
    const r1 = refConcat([a, b], 1);
    // a is the graph input, b a constant: both kinds of operand.
    const { out } = runOnce([{ shape: a.shape }, { shape: b.shape, data: b.data }, { shape: r1.shape }],
      [{ op: 'CONCATENATION', inputs: [0, 1], outputs: [2], options: { type: 'ConcatenationOptions', axis: 1, activation: 'NONE' } }], a.data, [2]);
    expectClose(out[0]!, r1.data, 0, 'axis 1');
    const c = { shape: [1, 3, 5], data: uniform(rand, 15) };
    const r2 = refConcat([a, c], 2);
    const last = runOnce([{ shape: a.shape }, { shape: c.shape, data: c.data }, { shape: r2.shape }],
      [{ op: 'CONCATENATION', inputs: [0, 1], outputs: [2], options: { type: 'ConcatenationOptions', axis: -1, activation: 'NONE' } }], a.data, [2]);
    expectClose(last.out[0]!, r2.data, 0, 'axis -1');
  });

  it('RESHAPE to the output tensor shape (with and without a shape input)', () => {
    const x = uniform(rng(15), 16 * 16 * 2);
    const one = runOnce([{ shape: [1, 16, 16, 2] }, { shape: [1, 512, 1] }],
      [{ op: 'RESHAPE', inputs: [0], outputs: [1] }], x, [1]);
    expectClose(one.out[0]!, x, 0, 'reshape');
    const two = runOnce([{ shape: [1, 16, 16, 2] }, { shape: [3], data: Int32Array.from([1, 256, 2]) }, { shape: [1, 256, 2] }],
      [{ op: 'RESHAPE', inputs: [0, 1], outputs: [2], options: { type: 'ReshapeOptions', newShape: [1, 256, 2] } }], x, [2]);
    expectClose(two.out[0]!, x, 0, 'reshape with shape input');
  });

  it('ADD of two run-time tensors, MUL by a scalar constant, ADD with fused RELU, DEQUANTIZE as an alias', () => {
    const rand = rng(16);
    const x = uniform(rand, 2 * 2 * 3, -2, 2);
    const quarter = Float32Array.of(0.25);
    // t1 = x * 0.25 (constant via DEQUANTIZE of a "float16" constant); t2 = relu(x + t1); t3 = t1 + t2
    const { out, steps } = runOnce(
      [{ shape: [1, 2, 2, 3] }, { shape: [], data: quarter, type: 'FLOAT16' }, { shape: [] }, { shape: [1, 2, 2, 3] },
        { shape: [1, 2, 2, 3] }, { shape: [1, 2, 2, 3] }],
      [{ op: 'DEQUANTIZE', inputs: [1], outputs: [2] },
        { op: 'MUL', inputs: [0, 2], outputs: [3], options: { type: 'MulOptions', activation: 'NONE' } },
        { op: 'ADD', inputs: [0, 3], outputs: [4], options: { type: 'AddOptions', activation: 'RELU' } },
        { op: 'ADD', inputs: [3, 4], outputs: [5], options: { type: 'AddOptions', activation: 'NONE' } }],
      x, [5, 3]);
    expect(steps).to.equal(3);
    const t1 = x.map((v) => v * 0.25);
    const t2 = x.map((v, i) => Math.max(v + t1[i]!, 0));
    expectClose(out[0]!, t1.map((v, i) => v + t2[i]!), TOL, 't3');
    expectClose(out[1]!, t1, 0, 't1');
  });
});

describe('executor: load-time errors', () => {
  before(useWasmInPage);

  it('names an op the registry does not know, and its index, before uploading anything', () => {
    const before = tf.memory().numTensors;
    const g = makeGraph(
      [{ shape: [1, 4] }, { shape: [4, 4], data: new Float32Array(16) }, { shape: [1, 4] }, { shape: [1, 4] }],
      [{ op: 'RELU', inputs: [0], outputs: [2] }, { op: 'SOFTMAX', inputs: [2], outputs: [3] }], [0], [3]);
    expect(() => new Executor(g)).to.throw(/unsupported op SOFTMAX at operator #1/);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('rejects version 1 of a MediaPipe custom op (different semantics)', () => {
    // (the matrix a constant: the load-time plan check refuses reads of tensors nothing produces first)
    const g = makeGraph([{ shape: [1, 4, 2] }, { shape: [1, 4, 4], data: new Float32Array(16) }, { shape: [1, 4, 2] }],
      [{ op: 'TransformLandmarks', custom: true, version: 1, inputs: [0, 1], outputs: [2] }], [0], [2]);
    expect(() => new Executor(g)).to.throw(/operator #0 \(TransformLandmarks v1\).*version 2/);
  });

  it('dispose() frees every constant it uploaded', () => {
    const before = tf.memory().numTensors;
    const w = uniform(rng(1), 2 * 9 * 3);
    const ex = new Executor(makeGraph([{ shape: [1, 4, 4, 3] }, { shape: [2, 3, 3, 3], data: w }, { shape: [2], data: new Float32Array(2) }, { shape: [1, 4, 4, 2] }],
      [{ op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: convOptions('SAME', 1) }], [0], [3]));
    expect(tf.memory().numTensors).to.be.greaterThan(before);
    ex.dispose();
    expect(tf.memory().numTensors).to.equal(before);
    expect(() => ex.run(new Float32Array(48))).to.throw(/disposed/);
  });
});
