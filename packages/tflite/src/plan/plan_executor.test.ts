/**
 * The plan executor's own transformations, against the reference executor on the same graphs:
 * channel PADs folded into the residual kernel (also with channel counts that are not a multiple of
 * 4), the fold refused when the padded tensor is needed elsewhere, 1x1 convolutions on our GEMM
 * kernel (plain SIMD: exactly the reference; relaxed SIMD: within a bound per output), memory freed
 * by dispose().
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { Executor } from '../executor.js';
import type { ModelGraph } from '../parser/model.js';
import type { Conv2DOptions, DepthwiseConv2DOptions, Padding } from '../parser/schema.js';
import { expectClose, makeGraph, rng, uniform, useWasmInPage, type OpSpec, type TensorSpec } from '../../test/helpers.js';
import { PlanExecutor } from './plan_executor.js';
import { attachKernelModule } from './kernel_module.js';
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels.generated.js';
import { attachOwnKernels, type OwnKernels } from './own_kernels.js';
import { WasmBackendAccess } from './wasm_backend.js';
import { poolThreads } from '../thread_pool.js';

const conv1x1: Conv2DOptions = { type: 'Conv2DOptions', padding: 'VALID', strideW: 1, strideH: 1, activation: 'NONE', dilationW: 1, dilationH: 1 };

/**
 * x [1,H,W,C] -> y = CONV_2D k x k (x) with O channels; s = PAD(x) to O channels; ADD(s, y); activation.
 * The mesh and detector blocks' shape (k = 1), with the activation as a separate op (PRELU or RELU);
 * with C = O the ADD reads x itself.
 * k = 3 (SAME) keeps the conv on XNNPACK, so the ADD runs on the residual kernel.
 */
function residualBlock(H: number, C: number, O: number, act: 'PRELU' | 'RELU', seed: number, extraOutputs: number[] = [], k: 1 | 3 = 1) {
  const rand = rng(seed);
  const filter = uniform(rand, O * k * k * C);
  const bias = uniform(rand, O, -0.5, 0.5);
  const alpha = uniform(rand, O, 0.05, 0.5);
  const tensors: TensorSpec[] = [
    { shape: [1, H, H, C] },
    { shape: [O, k, k, C], data: filter },
    { shape: [O], data: bias },
    { shape: [1, H, H, O] }, // 3: conv
    { shape: [4, 2], data: Int32Array.from([0, 0, 0, 0, 0, 0, 0, O - C]) },
    { shape: [1, H, H, O] }, // 5: padded shortcut
    { shape: [1, H, H, O] }, // 6: sum
    { shape: [1, 1, O], data: alpha },
    { shape: [1, H, H, O] }, // 8: activation
  ];
  // As many channels: the shortcut is x itself, no PAD.
  const ops: OpSpec[] = [
    { op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: { ...conv1x1, padding: k === 1 ? 'VALID' : 'SAME' } },
    ...(C < O ? [{ op: 'PAD', inputs: [0, 4], outputs: [5] }] : []),
    { op: 'ADD', inputs: [C < O ? 5 : 0, 3], outputs: [6], options: { type: 'AddOptions', activation: 'NONE' } },
    act === 'PRELU' ? { op: 'PRELU', inputs: [6, 7], outputs: [8] } : { op: 'RELU', inputs: [6], outputs: [8] },
  ];
  return { graph: makeGraph(tensors, ops, [0], [8, ...extraOutputs]), input: uniform(rand, H * H * C, -2, 2), filter, bias, alpha };
}

/**
 * x [1,H,W,C] -> a conv (3x3 depthwise, multiplier 1, or full KxK to O channels) -> PRELU or RELU as
 * a separate op (fused into the conv's step) or nothing. The models' depthwise and first/last convs.
 */
function convGraph(kind: 'depthwise' | 'full', H: number, W: number, C: number, O: number, k: number, stride: number, padding: Padding, act: 'PRELU' | 'RELU' | 'NONE', seed: number) {
  const rand = rng(seed);
  const outSize = (n: number) => (padding === 'SAME' ? Math.ceil(n / stride) : Math.floor((n - k) / stride) + 1);
  const out = [1, outSize(H), outSize(W), O];
  const tensors: TensorSpec[] = [
    { shape: [1, H, W, C] },
    kind === 'depthwise' ? { shape: [1, 3, 3, C], data: uniform(rand, 9 * C) } : { shape: [O, k, k, C], data: uniform(rand, O * k * k * C, -0.5, 0.5) },
    { shape: [O], data: uniform(rand, O, -0.5, 0.5) },
    { shape: out },
    { shape: [1, 1, O], data: uniform(rand, O, 0.05, 0.5) },
    { shape: out },
  ];
  const options = kind === 'depthwise'
    ? { type: 'DepthwiseConv2DOptions', padding, strideW: stride, strideH: stride, depthMultiplier: 1, activation: 'NONE', dilationW: 1, dilationH: 1 } satisfies DepthwiseConv2DOptions
    : { type: 'Conv2DOptions', padding, strideW: stride, strideH: stride, activation: 'NONE', dilationW: 1, dilationH: 1 } satisfies Conv2DOptions;
  const ops: OpSpec[] = [{ op: kind === 'depthwise' ? 'DEPTHWISE_CONV_2D' : 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options }];
  if (act === 'PRELU') ops.push({ op: 'PRELU', inputs: [3, 4], outputs: [5] });
  if (act === 'RELU') ops.push({ op: 'RELU', inputs: [3], outputs: [5] });
  return { graph: makeGraph(tensors, ops, [0], [act === 'NONE' ? 3 : 5]), input: uniform(rand, H * W * C, -2, 2) };
}

/** The plan on our plain SIMD kernels (XNNPACK's summation order) against the reference: equal. */
function compare(graph: ModelGraph, input: Float32Array, options: { ownKernels?: boolean } = {}) {
  const reference = new Executor(graph);
  const plan = new PlanExecutor(graph, { relaxedSimd: false, ...options });
  try {
    const want = reference.run(input);
    plan.startProfile();
    const got = plan.run(input);
    const labels = plan.stopProfile().map((e) => e.label);
    want.forEach((w, i) => expectClose(got[i]!, w, 0, `output ${i}`));
    return { planSteps: plan.stepCount, referenceSteps: reference.stepCount, labels };
  } finally {
    reference.dispose();
    plan.dispose();
  }
}

type ConvAct = 'NONE' | 'RELU6' | 'RELU' | 'PRELU';

/**
 * x [1,H,H,C] -> CONV_2D 1x1 with O channels, its own activation (NONE or RELU6), or a RELU / PRELU
 * op after it that the plan fuses into the conv's store.
 */
function conv1x1Graph(H: number, C: number, O: number, act: ConvAct, seed: number) {
  const rand = rng(seed);
  const filter = uniform(rand, O * C);
  const bias = uniform(rand, O, -0.5, 0.5);
  const alpha = uniform(rand, O, 0.05, 0.5);
  const tensors: TensorSpec[] = [
    { shape: [1, H, H, C] },
    { shape: [O, 1, 1, C], data: filter },
    { shape: [O], data: bias },
    { shape: [1, H, H, O] }, // 3: conv
    { shape: [1, 1, O], data: alpha },
    { shape: [1, H, H, O] }, // 5: activation
  ];
  const ops: OpSpec[] = [{ op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: { ...conv1x1, activation: act === 'RELU6' ? 'RELU6' : 'NONE' } }];
  if (act === 'PRELU') ops.push({ op: 'PRELU', inputs: [3, 4], outputs: [5] });
  if (act === 'RELU') ops.push({ op: 'RELU', inputs: [3], outputs: [5] });
  const out = act === 'PRELU' || act === 'RELU' ? 5 : 3;
  return { graph: makeGraph(tensors, ops, [0], [out]), input: uniform(rand, H * H * C, -2, 2), filter, bias, alpha };
}

/**
 * The largest difference fused multiply-add may make in each output of a 1x1 conv, from the data.
 * Unfused (XNNPACK, our plain build) and fused (relaxed_madd) are both recursive float32 sums of the
 * K + 1 terms bias, x[k] w[k]: each is within gamma(K + 1) (|bias| + sum |x[k] w[k]|) of the exact
 * value, gamma(n) = n u / (1 - n u), u = 2^-24 (Higham, Accuracy and Stability of Numerical
 * Algorithms, 3.1), so they differ by at most twice that. RELU and RELU6 do not increase a
 * difference; PReLU scales it by at most max(1, |alpha|). Safe for the models: it is the order of
 * float32 rounding itself, the size of the difference any other summation order (another runtime,
 * another CPU) makes, far below the parity tolerance (tests under worker-runtime/test/parity).
 */
function fusedBound(x: Float32Array, c: ReturnType<typeof conv1x1Graph>, C: number, O: number, act: ConvAct): Float64Array {
  const u = 2 ** -24;
  const gamma = ((C + 1) * u) / (1 - (C + 1) * u);
  const pixels = x.length / C;
  const bound = new Float64Array(pixels * O);
  for (let p = 0; p < pixels; p++) {
    for (let n = 0; n < O; n++) {
      let m = Math.abs(c.bias[n]!);
      for (let k = 0; k < C; k++) m += Math.abs(x[p * C + k]! * c.filter[n * C + k]!);
      bound[p * O + n] = 2 * gamma * m * (act === 'PRELU' ? Math.max(1, Math.abs(c.alpha[n]!)) : 1);
    }
  }
  return bound;
}

/** The default plan (relaxed SIMD where this engine validates it: Chromium does) against the reference, output by output. */
function expectWithin(graph: ModelGraph, input: Float32Array, bound: ArrayLike<number>): void {
  const reference = new Executor(graph);
  const plan = new PlanExecutor(graph);
  try {
    if (/Chrome\//.test(navigator.userAgent)) expect(plan.kernelFamily).to.equal('relaxed-simd');
    expect(plan.kernelFamily).to.be.oneOf(['relaxed-simd', 'simd']);
    const want = reference.run(input)[0]!;
    const got = plan.run(input)[0]!;
    expect(got.length).to.equal(bound.length);
    for (let i = 0; i < want.length; i++) {
      const d = Math.abs(got[i]! - want[i]!);
      if (!(d <= bound[i]!)) expect.fail(`output ${i}: |${got[i]} - ${want[i]}| = ${d} > ${bound[i]}`);
    }
  } finally {
    reference.dispose();
    plan.dispose();
  }
}

describe('plan executor', () => {
  before(useWasmInPage);

  for (const [H, C, O, act] of [[5, 3, 5, 'PRELU'], [7, 16, 32, 'RELU'], [4, 13, 21, 'RELU6'], [6, 8, 8, 'NONE'], [9, 24, 17, 'PRELU'], [3, 64, 128, 'PRELU']] as const) {
    it(`CONV_2D 1x1 ${C}->${O} channels, ${H}x${H} pixels, ${act}: one step on our kernel; plain SIMD equals the reference, relaxed SIMD within its bound`, () => {
      const c = conv1x1Graph(H, C, O, act, C * 1000 + O);
      const steps = compare(c.graph, c.input);
      expect(steps.planSteps).to.equal(1);
      expectWithin(c.graph, c.input, fusedBound(c.input, c, C, O, act));
    });
  }

  for (const [C, O, act] of [[16, 32, 'PRELU'], [24, 28, 'RELU'], [36, 42, 'RELU'], [42, 48, 'PRELU'], [3, 5, 'PRELU'], [16, 16, 'RELU']] as const) {
    it(`folds PAD ${C}->${O} channels + ADD + ${act} into one residual step after a 3x3 conv, equal to the reference`, () => {
      const { graph, input } = residualBlock(5, C, O, act, C * 100 + O, [], 3);
      const steps = compare(graph, input);
      expect({ planSteps: steps.planSteps, referenceSteps: steps.referenceSteps }).to.deep.equal({ planSteps: 2, referenceSteps: C < O ? 4 : 3 });
    });

    it(`takes PAD ${C}->${O} channels + ADD + ${act} into the 1x1 conv's step: plain SIMD equals the reference, relaxed SIMD within its bound`, () => {
      const block = residualBlock(5, C, O, act, C * 100 + O);
      const steps = compare(block.graph, block.input);
      expect({ planSteps: steps.planSteps, referenceSteps: steps.referenceSteps }).to.deep.equal({ planSteps: 1, referenceSteps: C < O ? 4 : 3 });
      // The conv's own bound B (fusedBound), plus the shortcut's add, rounded on both sides:
      // |fl(a + s) - fl(b + s)| <= |a - b| + u (|a + s| + |b + s|) <= B + u (2 |b + s| + B), where
      // |b + s| <= |exact conv + s| + B / 2 (b, the plain build's conv, is within B / 2 of exact);
      // then the PReLU's slope.
      const u = 2 ** -24;
      const B = fusedBound(block.input, block, C, O, 'NONE');
      const bound = B.map((b, i) => {
        const p = Math.floor(i / O), n = i % O;
        let exact = block.bias[n]!;
        for (let k = 0; k < C; k++) exact += block.input[p * C + k]! * block.filter[n * C + k]!;
        if (n < C) exact += block.input[p * C + n]!;
        const withShortcut = b + u * (2 * (Math.abs(exact) + b / 2) * (1 + u) + b);
        return withShortcut * (act === 'PRELU' ? Math.max(1, Math.abs(block.alpha[n]!)) : 1);
      });
      expectWithin(block.graph, block.input, bound);
    });
  }

  // Our conv kernels sum in XNNPACK's order with a multiply and an add per term (plain SIMD), so the
  // plan equals the reference (tfjs' XNNPACK kernels) exactly; also with our kernels turned off.
  it('runs on a pool of one thread (on more, the conv steps call XNNPACK: the cases below would not test ours)', () => {
    expect(poolThreads()).to.equal(1);
  });
  for (const [H, W, C, stride, padding, act] of [
    [24, 24, 16, 1, 'SAME', 'NONE'], [12, 12, 42, 2, 'SAME', 'NONE'], [9, 7, 5, 2, 'SAME', 'PRELU'], [7, 6, 6, 1, 'VALID', 'RELU'], [2, 2, 32, 1, 'SAME', 'NONE'],
  ] as const) {
    it(`runs a 3x3 depthwise conv ${H}x${W}x${C} stride ${stride} ${padding} + ${act} on our kernel, equal to the reference`, () => {
      const { graph, input } = convGraph('depthwise', H, W, C, C, 3, stride, padding, act, H * 100 + C);
      const suffix = act === 'NONE' ? '' : `+${act}`;
      expect(compare(graph, input).labels).to.deep.equal([`DEPTHWISE_CONV_2D${suffix} (own SIMD)`]);
      expect(compare(graph, input, { ownKernels: false }).labels).to.deep.equal([`DEPTHWISE_CONV_2D${suffix}`]);
    });
  }

  for (const [H, C, O, k, stride, padding, act] of [
    [32, 3, 16, 3, 2, 'SAME', 'PRELU'], [32, 3, 24, 5, 2, 'SAME', 'RELU'], [3, 32, 1404, 3, 3, 'VALID', 'NONE'], [2, 32, 142, 2, 2, 'VALID', 'NONE'], [11, 5, 13, 3, 1, 'SAME', 'NONE'], [8, 4, 20, 3, 2, 'SAME', 'NONE'],
  ] as const) {
    // Output rows under 4 pixels (the models' last convs, one output pixel) stay on XNNPACK's GEMM.
    const own = Math.ceil((padding === 'SAME' ? H : H - k + 1) / stride) >= 4;
    it(`runs a full ${k}x${k} conv ${H}x${H}x${C} -> ${O} stride ${stride} ${padding} + ${act} on ${own ? 'our kernel' : 'XNNPACK'}, equal to the reference`, () => {
      const { graph, input } = convGraph('full', H, H, C, O, k, stride, padding, act, H * 100 + O);
      const suffix = act === 'NONE' ? '' : `+${act}`;
      expect(compare(graph, input).labels).to.deep.equal([`CONV_2D${suffix}${own ? ' (own SIMD)' : ''}`]);
      expect(compare(graph, input, { ownKernels: false }).labels).to.deep.equal([`CONV_2D${suffix}`]);
    });
  }

  it('does not fold the PAD when its output is also a graph output (and both outputs are right)', () => {
    const { graph, input } = residualBlock(4, 8, 12, 'PRELU', 7, [5]);
    const steps = compare(graph, input);
    expect(steps.planSteps).to.equal(3); // conv, PAD, ADD+PRELU
  });

  it('a run creates no tensor; dispose() frees the constants and the arena (the heap stays put over 30 cycles)', () => {
    const { graph, input } = residualBlock(16, 16, 32, 'PRELU', 3);
    const tensorsBefore = tf.memory().numTensors;
    const heap = () => new WasmBackendAccess().module.HEAPF32.length;
    const warm = new PlanExecutor(graph);
    warm.run(input);
    warm.dispose();
    const heapBefore = heap();
    for (let i = 0; i < 30; i++) {
      const plan = new PlanExecutor(graph);
      const during = tf.memory().numTensors;
      plan.run(input);
      expect(tf.memory().numTensors).to.equal(during);
      plan.dispose();
      expect(() => plan.run(input)).to.throw(/disposed/);
    }
    expect(tf.memory().numTensors).to.equal(tensorsBefore);
    expect(heap()).to.equal(heapBefore);
  });

  it('frees the packed conv weights with the plan: the allocator hands the same address back after dispose()', () => {
    const graphs = [convGraph('depthwise', 8, 8, 42, 42, 3, 1, 'SAME', 'PRELU', 5), convGraph('full', 16, 16, 3, 24, 5, 2, 'SAME', 'RELU', 6)];
    const wasm = new WasmBackendAccess();
    const probe = () => { const p = wasm.module._malloc(1 << 16); wasm.free(p); return p; };
    for (const { graph, input } of graphs) {
      new PlanExecutor(graph).dispose();
      const before = probe();
      for (let i = 0; i < 10; i++) {
        const plan = new PlanExecutor(graph);
        expect(plan.run(input)[0]!.length).to.be.greaterThan(0);
        plan.dispose();
        expect(probe()).to.equal(before);
      }
    }
  });

  it('attaches our kernels to the backend memory; a module that cannot load gives a reason instead', () => {
    const memory = new WasmBackendAccess().memory();
    expect(memory).to.be.instanceOf(WebAssembly.Memory);
    expect(attachOwnKernels(memory).kernels).to.not.equal(null);
    const broken = attachOwnKernels(memory, new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 255]));
    expect(broken.kernels).to.equal(null);
    expect(broken.note).to.match(/^our SIMD kernels could not be attached \(.+\)$/);
    expect(attachOwnKernels(null).note).to.match(/does not expose its memory/);
  });

  it('takes the relaxed-SIMD build only where the engine validates it, else the plain SIMD one', () => {
    const memory = new WasmBackendAccess().memory();
    const relaxedValid = WebAssembly.validate(Uint8Array.from(atob(KERNELS_RELAXED_WASM_BASE64), (c) => c.charCodeAt(0)));
    expect(attachOwnKernels(memory).family).to.equal(relaxedValid ? 'relaxed-simd' : 'simd');
    expect(attachOwnKernels(memory, undefined, false).family).to.equal('simd');
    // A relaxed build this engine refuses (here: not a module at all) falls back to the plain one.
    const refused = attachKernelModule<OwnKernels>(memory, { simd: KERNELS_WASM_BASE64, relaxed: btoa('not wasm') });
    expect(refused.family).to.equal('simd');
    expect(refused.kernels?.conv1x1).to.be.a('function');
  });

  it('rejects an input of the wrong size with the expected shape', () => {
    const { graph } = residualBlock(4, 8, 12, 'RELU', 9);
    const plan = new PlanExecutor(graph);
    try {
      expect(() => plan.run(new Float32Array(5))).to.throw(/5 values, expected 128 \(\[1,4,4,8\]\)/);
    } finally {
      plan.dispose();
    }
  });
});
