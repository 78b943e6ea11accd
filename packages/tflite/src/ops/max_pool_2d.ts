/** MAX_POOL_2D (NHWC, SAME/VALID as TF). */
import * as tf from '@tensorflow/tfjs-core';
import { bindKernel } from './kernel.js';
import { applyActivation, builtinActivation } from './activation.js';
import { optionsOf, singleOutput, type CompiledOp, type CompileContext, type OpDefinition } from './types.js';
import { activation, inputCount, options, positive, rank, windowOutput, type ShapeRule } from './shapes.js';
import { unaryStep, type PlanCompiled, type PlanContext } from '../plan/plan_step.js';

export function compileMaxPool2D(ctx: CompileContext): CompiledOp {
  const o = optionsOf(ctx, 'Pool2DOptions');
  const activation = builtinActivation(ctx, o.activation);
  const attrs = { filterSize: [o.filterH, o.filterW], strides: [o.strideH, o.strideW], pad: o.padding === 'SAME' ? 'same' : 'valid' };
  const maxPool = bindKernel(tf.MaxPool);
  return {
    kind: 'exec', inputs: [ctx.input(0)], output: singleOutput(ctx), label: 'MAX_POOL_2D',
    exec: ([x]) => applyActivation(maxPool({ x: x! }, attrs), activation),
  };
}

const maxPool2d: ShapeRule = (ctx) => {
  inputCount(ctx, 1);
  const o = options(ctx, 'Pool2DOptions');
  activation(ctx, o.activation);
  const [n, h, w, c] = rank(ctx, 0, 4, 'the input') as [number, number, number, number];
  const fh = positive(ctx.op, o.filterH, 'filter_height'), fw = positive(ctx.op, o.filterW, 'filter_width');
  const sh = positive(ctx.op, o.strideH, 'stride_h'), sw = positive(ctx.op, o.strideW, 'stride_w');
  return [n, windowOutput(ctx.op, h, fh, sh, 1, o.padding), windowOutput(ctx.op, w, fw, sw, 1, o.padding), c];
};

function planMaxPool(ctx: PlanContext): PlanCompiled {
  const o = optionsOf(ctx, 'Pool2DOptions');
  const shape = ctx.shapeIn(0);
  if (o.activation !== 'NONE' || shape.length !== 4) return null;
  const info = tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number], [o.filterH, o.filterW], [o.strideH, o.strideW], 1, o.padding === 'SAME' ? 'same' : 'valid',
  );
  const p = info.padInfo;
  const maxPool = ctx.wasm.kernel('MaxPool');
  return unaryStep(ctx, 'MAX_POOL_2D', (x, out) => maxPool(
    x, info.batchSize, info.inHeight, info.inWidth, info.filterHeight, info.filterWidth, p.top, p.right, p.bottom, p.left,
    info.dilationHeight, info.dilationWidth, info.strideHeight, info.strideWidth, info.inChannels, info.outChannels, out,
  ));
}

export const MAX_POOL_2D: OpDefinition = { shape: maxPool2d, compile: compileMaxPool2D, plan: planMaxPool };
