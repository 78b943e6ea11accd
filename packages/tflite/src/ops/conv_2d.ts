/** CONV_2D: filter [out,kh,kw,in] (TFLite) -> [kh,kw,in,out] (tfjs) once; bias + activation fused. */
import { UnsupportedOpError } from '../errors.js';
import * as tf from '@tensorflow/tfjs-core';
import { bindKernel } from './kernel.js';
import { applyActivation, planConvActivation } from './activation.js';
import { describeOp, optionsOf, singleOutput, type CompiledOp, type CompileContext, type ConstLayout, type OpDefinition } from './types.js';
import { activation, biasRule, fail, inputCount, options, positive, rank, windowOutput, type ShapeRule } from './shapes.js';
import { planConv } from '../plan/conv_step.js';
import type { PlanContext } from '../plan/plan_step.js';

/** OHWI -> HWIO. */
export const OHWI_TO_HWIO: ConstLayout = {
  key: 'HWIO',
  make(data, shape) {
    const [o, h, w, i] = shape as [number, number, number, number];
    const out = new Float32Array(data.length);
    for (let oc = 0; oc < o; oc++) {
      for (let hw = 0; hw < h * w; hw++) {
        for (let ic = 0; ic < i; ic++) out[(hw * i + ic) * o + oc] = data[(oc * h * w + hw) * i + ic]!;
      }
    }
    return { data: out, shape: [h, w, i, o] };
  },
};

export function compileConv2D(ctx: CompileContext): CompiledOp {
  const o = optionsOf(ctx, 'Conv2DOptions');
  const filterIndex = ctx.input(1);
  const shape = ctx.info(filterIndex).shape;
  if (!ctx.constData(filterIndex) || shape.length !== 4) {
    throw new UnsupportedOpError(`${describeOp(ctx.op)}: the filter must be a constant 4-D tensor`);
  }
  const filter = ctx.constant(filterIndex, OHWI_TO_HWIO);
  const biasIndex = ctx.op.inputs.length > 2 ? ctx.input(2) : -1;
  const bias = biasIndex >= 0 ? ctx.constant(biasIndex) : undefined;
  const act = planConvActivation(ctx, o.activation, singleOutput(ctx), shape[0]!);
  const attrs = {
    strides: [o.strideH, o.strideW], pad: o.padding === 'SAME' ? 'same' : 'valid', dataFormat: 'NHWC',
    dilations: [o.dilationH, o.dilationW], activation: act.activation, leakyreluAlpha: 0,
  };
  const x = ctx.input(0);
  if (!ctx.fuse) {
    // Benchmark baseline: conv, bias add and activation as separate kernels.
    return {
      kind: 'exec', inputs: [x], output: act.output, label: 'CONV_2D' + act.suffix,
      exec: ([input]) => {
        const e = tf.engine();
        let y: tf.Tensor = e.runKernel(tf.Conv2D, { x: input!, filter }, { ...attrs });
        if (bias) { const b: tf.Tensor = e.runKernel(tf.Add, { a: y, b: bias }); y.dispose(); y = b; }
        return applyActivation(y, act.activation, act.alpha);
      },
    };
  }
  // The kernel behind tf.fused.conv2d, with attrs built once here (the op would re-validate and wrap each call).
  // Kernel inputs built once; only x changes per frame.
  const fusedConv = bindKernel(tf.FusedConv2D);
  const named: tf.NamedTensorMap = { filter };
  if (bias) named['bias'] = bias;
  if (act.alpha) named['preluActivationWeights'] = act.alpha;
  return {
    kind: 'exec', inputs: [x], output: act.output, label: 'CONV_2D' + act.suffix,
    exec: ([input]) => {
      named['x'] = input!;
      return fusedConv(named, attrs);
    },
  };
}

const conv2d: ShapeRule = (ctx) => {
  inputCount(ctx, 2, 3);
  const o = options(ctx, 'Conv2DOptions');
  activation(ctx, o.activation);
  const [n, h, w, c] = rank(ctx, 0, 4, 'the input') as [number, number, number, number];
  const f = rank(ctx, 1, 4, 'the filter') as [number, number, number, number];
  if (!ctx.constData(1) || f[3] !== c) fail(ctx.op, `the filter must be a constant [out,kh,kw,${c}], found [${f}]`);
  biasRule(ctx, f[0]);
  const sh = positive(ctx.op, o.strideH, 'stride_h'), sw = positive(ctx.op, o.strideW, 'stride_w');
  const dh = positive(ctx.op, o.dilationH, 'dilation_h'), dw = positive(ctx.op, o.dilationW, 'dilation_w');
  return [n, windowOutput(ctx.op, h, f[1], sh, dh, o.padding), windowOutput(ctx.op, w, f[2], sw, dw, o.padding), f[0]];
};

export const CONV_2D: OpDefinition = { shape: conv2d, compile: compileConv2D, plan: (ctx: PlanContext) => planConv(ctx, false, () => OHWI_TO_HWIO) };
