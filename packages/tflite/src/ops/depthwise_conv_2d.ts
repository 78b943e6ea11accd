/** DEPTHWISE_CONV_2D: filter [1,kh,kw,C*M] -> [kh,kw,C,M] (same memory order); bias + activation fused. */
import { UnsupportedOpError } from '../errors.js';
import * as tf from '@tensorflow/tfjs-core';
import { bindKernel } from './kernel.js';
import { applyActivation, planConvActivation } from './activation.js';
import { describeOp, optionsOf, singleOutput, type CompiledOp, type CompileContext, type ConstLayout, type OpDefinition } from './types.js';
import { activation, biasRule, fail, inputCount, options, positive, rank, windowOutput, type ShapeRule } from './shapes.js';
import { planConv } from '../plan/conv_step.js';
import type { PlanContext } from '../plan/plan_step.js';

/** [1,kh,kw,C*M] (TFLite) -> [kh,kw,C,M] (tfjs): the same memory order, a new shape. */
export function depthwiseFilterLayout(shape: readonly number[], inChannels: number): ConstLayout {
  const multiplier = shape[3]! / inChannels;
  return { key: `HWCM${multiplier}`, make: (data) => ({ data, shape: [shape[1]!, shape[2]!, inChannels, multiplier] }) };
}

export function compileDepthwiseConv2D(ctx: CompileContext): CompiledOp {
  const o = optionsOf(ctx, 'DepthwiseConv2DOptions');
  const filterIndex = ctx.input(1);
  const shape = ctx.info(filterIndex).shape;
  const inChannels = ctx.info(ctx.input(0)).shape[3] ?? 0;
  if (!ctx.constData(filterIndex) || shape.length !== 4 || shape[0] !== 1 || inChannels <= 0 || shape[3]! % inChannels !== 0) {
    throw new UnsupportedOpError(`${describeOp(ctx.op)}: the filter must be a constant [1,kh,kw,C*M] tensor`);
  }
  const filter = ctx.constant(filterIndex, depthwiseFilterLayout(shape, inChannels));
  const biasIndex = ctx.op.inputs.length > 2 ? ctx.input(2) : -1;
  const bias = biasIndex >= 0 ? ctx.constant(biasIndex) : undefined;
  const act = planConvActivation(ctx, o.activation, singleOutput(ctx), shape[3]!);
  const attrs = {
    strides: [o.strideH, o.strideW], pad: o.padding === 'SAME' ? 'same' : 'valid', dataFormat: 'NHWC',
    dilations: [o.dilationH, o.dilationW], activation: act.activation, leakyreluAlpha: 0,
  };
  const x = ctx.input(0);
  if (!ctx.fuse) {
    return {
      kind: 'exec', inputs: [x], output: act.output, label: 'DEPTHWISE_CONV_2D' + act.suffix,
      exec: ([input]) => {
        const e = tf.engine();
        let y: tf.Tensor = e.runKernel(tf.DepthwiseConv2dNative, { x: input!, filter }, { ...attrs });
        if (bias) { const b: tf.Tensor = e.runKernel(tf.Add, { a: y, b: bias }); y.dispose(); y = b; }
        return applyActivation(y, act.activation, act.alpha);
      },
    };
  }
  // Kernel inputs built once; only x changes per frame.
  const fusedDepthwise = bindKernel(tf.FusedDepthwiseConv2D);
  const named: tf.NamedTensorMap = { filter };
  if (bias) named['bias'] = bias;
  if (act.alpha) named['preluActivationWeights'] = act.alpha;
  return {
    kind: 'exec', inputs: [x], output: act.output, label: 'DEPTHWISE_CONV_2D' + act.suffix,
    exec: ([input]) => {
      named['x'] = input!;
      return fusedDepthwise(named, attrs);
    },
  };
}

const depthwiseConv2d: ShapeRule = (ctx) => {
  inputCount(ctx, 2, 3);
  const o = options(ctx, 'DepthwiseConv2DOptions');
  activation(ctx, o.activation);
  const [n, h, w, c] = rank(ctx, 0, 4, 'the input') as [number, number, number, number];
  const f = rank(ctx, 1, 4, 'the filter') as [number, number, number, number];
  if (!ctx.constData(1) || f[0] !== 1 || c < 1 || f[3] % c !== 0 || f[3] < 1) {
    fail(ctx.op, `the filter must be a constant [1,kh,kw,${c}*M], found [${f}]`);
  }
  biasRule(ctx, f[3]);
  const sh = positive(ctx.op, o.strideH, 'stride_h'), sw = positive(ctx.op, o.strideW, 'stride_w');
  const dh = positive(ctx.op, o.dilationH, 'dilation_h'), dw = positive(ctx.op, o.dilationW, 'dilation_w');
  return [n, windowOutput(ctx.op, h, f[1], sh, dh, o.padding), windowOutput(ctx.op, w, f[2], sw, dw, o.padding), f[3]];
};

export const DEPTHWISE_CONV_2D: OpDefinition = { shape: depthwiseConv2d, compile: compileDepthwiseConv2D, plan: (ctx: PlanContext) => planConv(ctx, true, depthwiseFilterLayout) };
