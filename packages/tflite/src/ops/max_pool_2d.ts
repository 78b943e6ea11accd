/** MAX_POOL_2D (NHWC, SAME/VALID as TF). */
import * as tf from '@tensorflow/tfjs-core';
import { bindKernel } from './kernel.js';
import { applyActivation, builtinActivation } from './activation.js';
import { optionsOf, singleOutput, type CompiledOp, type CompileContext } from './types.js';

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
