/**
 * Plan steps of CONV_2D and DEPTHWISE_CONV_2D on our own kernels (packages/tflite/assembly/depthwise.ts,
 * conv_full.ts): 3x3 depthwise convs with multiplier 1, and full convs other than 1x1 (the models'
 * first conv over the image and their last ones over a 3x3 or 2x2 map). The weights are packed once, in
 * the kernel's order, into the backend's memory (freed with the plan). Null when the op is outside
 * what the kernels do (or they are not attached): conv_step.ts then calls XNNPACK.
 */
import type { ActivationPlan } from '../ops/activation.js';
import type { Conv2DOptions, DepthwiseConv2DOptions } from '../parser/schema.js';
import { packDepthwise3x3, packFullConv, windowPadding } from './conv_packing.js';
import { OWN_ACTIVATION } from './own_kernels.js';
import type { PlanContext, PlanStepSpec } from './plan_step.js';


/** The op's padding and output size, when the output tensor has them (else null: leave it to XNNPACK). */
function geometry(ctx: PlanContext, o: Conv2DOptions | DepthwiseConv2DOptions, xShape: readonly number[], kh: number, kw: number, outChannels: number, output: number) {
  if (o.strideH !== o.strideW || o.strideH < 1 || o.dilationH !== 1 || o.dilationW !== 1 || xShape[0] !== 1) return null;
  const py = windowPadding(xShape[1]!, kh, o.strideH, o.padding);
  const px = windowPadding(xShape[2]!, kw, o.strideW, o.padding);
  const want = [1, py.out, px.out, outChannels];
  const shape = ctx.info(output).shape;
  if (py.out < 1 || px.out < 1 || shape.length !== 4 || shape.some((d, i) => d !== want[i])) return null;
  return { py, px };
}

/** What a conv's weights are packed from: its filter, its bias (null without one), the fused PReLU's slopes. */
function constants(ctx: PlanContext, act: ActivationPlan): { filter: ArrayLike<number>; bias: ArrayLike<number> | null; alpha: Float32Array | null } {
  const filter = ctx.constData(ctx.input(1))!;
  const bias = ctx.op.inputs.length > 2 && ctx.input(2) >= 0 ? ctx.constData(ctx.input(2)) : null;
  return { filter, bias, alpha: act.alpha ? (act.alpha.dataSync() as Float32Array) : null };
}

function step(ctx: PlanContext, label: string, act: ActivationPlan, call: (x: number, out: number) => void): PlanStepSpec {
  const x = ctx.input(0);
  return {
    kind: 'step', label, inputs: [x], output: act.output,
    bind: (buffer) => {
      const xp = buffer(x).offset * 4;
      const op = buffer(act.output).offset * 4;
      return () => call(xp, op);
    },
  };
}

/** DEPTHWISE_CONV_2D 3x3, multiplier 1, no dilation, on depthwise.ts; null otherwise. */
export function planOwnDepthwise(ctx: PlanContext, o: DepthwiseConv2DOptions, xShape: readonly number[], fShape: readonly number[], act: ActivationPlan): PlanStepSpec | null {
  const kernels = ctx.kernels;
  const channels = xShape[3]!;
  if (!kernels || fShape[1] !== 3 || fShape[2] !== 3 || fShape[3] !== channels) return null;
  const g = geometry(ctx, o, xShape, 3, 3, channels, ctx.op.outputs[0]!);
  if (!g) return null;
  const { filter, bias, alpha } = constants(ctx, act);
  const weights = ctx.own(ctx.wasm.float32s(packDepthwise3x3(filter, bias, alpha, channels), 'packed conv weights'));
  const [, H, W] = xShape as [number, number, number, number];
  const [outH, outW, stride, top, left] = [g.py.out, g.px.out, o.strideH, g.py.before, g.px.before];
  const mode = OWN_ACTIVATION[act.activation];
  return step(ctx, `DEPTHWISE_CONV_2D${act.suffix} (own SIMD)`, act, mode === OWN_ACTIVATION.linear
    ? (x, out) => kernels.depthwiseConv3x3(x, weights, out, H, W, channels, outH, outW, stride, top, left)
    : (x, out) => kernels.depthwiseConv3x3Activation(x, weights, out, H, W, channels, outH, outW, stride, top, left, mode));
}

/**
 * CONV_2D with a kernel larger than 1x1, no dilation, and output rows of 4 pixels or more, on
 * conv_full.ts; null otherwise. 1x1 convs are GEMMs; a conv with fewer output pixels per row (the models'
 * last ones: 3x3 or 2x2 over the whole map, one output pixel) is a matrix-vector product, where our
 * 4-pixel step does not apply and XNNPACK's GEMM was as fast or faster (docs/performance.md).
 */
export function planOwnFullConv(ctx: PlanContext, o: Conv2DOptions, xShape: readonly number[], fShape: readonly number[], act: ActivationPlan): PlanStepSpec | null {
  const kernels = ctx.kernels;
  const [outChannels, kh, kw, inChannels] = fShape as [number, number, number, number];
  if (!kernels || kh * kw === 1 || inChannels !== xShape[3]) return null;
  const g = geometry(ctx, o, xShape, kh, kw, outChannels, ctx.op.outputs[0]!);
  if (!g || g.px.out < 4) return null;
  const { filter, bias, alpha } = constants(ctx, act);
  const weights = ctx.own(ctx.wasm.float32s(packFullConv(filter, bias, alpha, fShape), 'packed conv weights'));
  const [, H, W] = xShape as [number, number, number, number];
  const [outH, outW, stride, top, left] = [g.py.out, g.px.out, o.strideH, g.py.before, g.px.before];
  const mode = OWN_ACTIVATION[act.activation];
  const call = mode === OWN_ACTIVATION.prelu ? kernels.convFullPrelu
    : mode === OWN_ACTIVATION.relu ? kernels.convFullRelu
    : (...args: Parameters<typeof kernels.convFullRelu>) => kernels.convFull(...args, mode);
  return step(ctx, `CONV_2D${act.suffix} (own SIMD)`, act, (x, out) => call(x, weights, out, H, W, inChannels, outH, outW, outChannels, kh, kw, stride, top, left));
}
