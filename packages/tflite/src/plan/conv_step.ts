/**
 * The plan step of CONV_2D and DEPTHWISE_CONV_2D: our own kernel where there is one for the op
 * (own_depthwise_step.ts), else tfjs-backend-wasm's FusedConv2D / FusedDepthwiseConv2D (XNNPACK), with
 * bias and activation fused, every argument fixed once.
 */
import * as tf from '@tensorflow/tfjs-core';
import { planConvActivation } from '../ops/activation.js';
import type { Conv2DOptions, DepthwiseConv2DOptions } from '../parser/schema.js';
import { optionsOf, singleOutput, type ConstLayout } from '../ops/types.js';
import { planOwnDepthwise, planOwnFullConv } from './own_depthwise_step.js';
import { ACTIVATION_CODE, isRuntime, type PlanCompiled, type PlanContext, type PlanStepSpec } from './plan_step.js';

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
  const own = depthwise
    ? planOwnDepthwise(ctx, o as DepthwiseConv2DOptions, xShape, fShape, act)
    : planOwnFullConv(ctx, o as Conv2DOptions, xShape, fShape, act);
  // Our kernels run on one thread: on the threaded binary the step keeps XNNPACK's too, for whenever
  // the pool has more than one thread (the pool is resized while running: thread_pool.ts).
  const threaded = typeof SharedArrayBuffer !== 'undefined' && ctx.wasm.memory()?.buffer instanceof SharedArrayBuffer;
  if (own && !threaded) return own;
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
  const xnnpack: PlanStepSpec = {
    kind: 'step', label: (depthwise ? 'DEPTHWISE_CONV_2D' : 'CONV_2D') + act.suffix, inputs: [x], output: act.output,
    bind: (buffer) => {
      const xId = buffer(x).id;
      const outId = buffer(act.output).id;
      return () => kernel(
        xId, info.batchSize, info.inHeight, info.inWidth, filterId, info.filterHeight, info.filterWidth, biasId,
        p.top, p.right, p.bottom, p.left, p.type === 'SAME' ? 1 : 0, info.dilationHeight, info.dilationWidth,
        info.strideHeight, info.strideWidth, info.inChannels, info.outChannels, ACTIVATION_CODE[act.activation], preluId, 0, outId,
      );
    },
  };
  return own ? onOneThread(own, xnnpack, ctx) : xnnpack;
}

/**
 * `own` while the backend's thread pool has one thread, `xnnpack` (multi-threaded) when it has more;
 * the profile label stays own's.
 */
function onOneThread(own: PlanStepSpec, xnnpack: PlanStepSpec, ctx: PlanContext): PlanStepSpec {
  const threads = ctx.wasm.module.tfjs.getThreadsCount;
  if (!threads) return own;
  return {
    ...own,
    bind: (buffer) => {
      const ownCall = own.bind(buffer);
      const xnnpackCall = xnnpack.bind(buffer);
      return () => (threads() > 1 ? xnnpackCall() : ownCall());
    },
  };
}
