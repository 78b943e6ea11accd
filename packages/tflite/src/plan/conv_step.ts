/**
 * The plan step of CONV_2D and DEPTHWISE_CONV_2D: our own kernel where one covers the op
 * (own_conv_step.ts), else tfjs-backend-wasm's FusedConv2D / FusedDepthwiseConv2D (XNNPACK); on the
 * threaded binary both, ours while the pool has one thread; bias and activation fused either way,
 * every argument fixed once.
 */
import * as tf from '@tensorflow/tfjs-core';
import { planConvActivation } from '../ops/activation.js';
import { optionsOf, singleOutput, type ConstLayout } from '../ops/types.js';
import { ownConvStep, type XnnpackConv } from './own_conv_step.js';
import { ACTIVATION_CODE, isRuntime, type PlanCompiled, type PlanContext } from './plan_step.js';

/** `layout`: the filter as tfjs wants it, from its TFLite shape and the input channels. */
export function planConv(ctx: PlanContext, depthwise: boolean, layout: (filterShape: readonly number[], inChannels: number) => ConstLayout): PlanCompiled {
  const o = depthwise ? optionsOf(ctx, 'DepthwiseConv2DOptions') : optionsOf(ctx, 'Conv2DOptions');
  const x = ctx.input(0);
  const xShape = ctx.shapeIn(0);
  const filterIndex = ctx.input(1);
  const fShape = ctx.info(filterIndex).shape;
  if (!isRuntime(ctx, x) || !ctx.constData(filterIndex) || fShape.length !== 4 || xShape.length !== 4) return null;
  const inChannels = xShape[3]!;
  if (depthwise && (fShape[0] !== 1 || fShape[3]! % inChannels !== 0)) return null;
  const outChannels = depthwise ? fShape[3]! : fShape[0]!;
  const act = planConvActivation(ctx, o.activation, singleOutput(ctx), outChannels);
  const label = convLabel(depthwise, fShape, o.strideH, o.strideW) + act.suffix;
  // Our kernels run on one thread; XNNPACK's spread over the threaded binary's pool. There our step
  // also holds XNNPACK's call and picks per call by the pool's size (resized while running:
  // thread_pool.ts); on the single-thread binaries ours comes alone.
  const poolSize = ctx.wasm.poolSizeReader();
  if (!poolSize) {
    const own = ownConvStep(ctx, depthwise, act, label, null);
    if (own) return own;
  }
  const filter = ctx.constant(filterIndex, layout(fShape, inChannels));
  const biasIndex = ctx.op.inputs.length > 2 ? ctx.input(2) : -1;
  const bias = biasIndex >= 0 ? ctx.constant(biasIndex) : undefined;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filter.shape as [number, number, number, number],
    [o.strideH, o.strideW], [o.dilationH, o.dilationW], o.padding === 'SAME' ? 'same' : 'valid', undefined, depthwise,
  );
  const kernel = ctx.wasm.kernel(depthwise ? 'FusedDepthwiseConv2D' : 'FusedConv2D');
  const filterId = ctx.wasm.idOf(filter);
  const biasId = bias ? ctx.wasm.idOf(bias) : 0;
  const preluId = act.alpha ? ctx.wasm.idOf(act.alpha) : 0;
  const p = info.padInfo;
  /** XNNPACK's conv (with act) from x's buffer into `output`'s. */
  const xnnpack: XnnpackConv = (buffer, output) => {
    const xId = buffer(x).id;
    const outId = buffer(output).id;
    return () => kernel(
      xId, info.batchSize, info.inHeight, info.inWidth, filterId, info.filterHeight, info.filterWidth, biasId,
      p.top, p.right, p.bottom, p.left, p.type === 'SAME' ? 1 : 0, info.dilationHeight, info.dilationWidth,
      info.strideHeight, info.strideWidth, info.inChannels, info.outChannels, ACTIVATION_CODE[act.activation], preluId, 0, outId,
    );
  };
  if (poolSize) {
    const own = ownConvStep(ctx, depthwise, act, label, { poolSize, xnnpack });
    if (own) return own;
  }
  return { kind: 'step', label, inputs: [x], output: act.output, bind: (buffer) => xnnpack(buffer, act.output) };
}

/** The profile label: 1x1 stride-1 convs (a GEMM) apart from the rest, on either kernel. */
export function convLabel(depthwise: boolean, filterShape: readonly number[], strideH: number, strideW: number): string {
  if (depthwise) return 'DEPTHWISE_CONV_2D';
  return filterShape[1] === 1 && filterShape[2] === 1 && strideH === 1 && strideW === 1 ? 'CONV_2D 1x1' : 'CONV_2D';
}
