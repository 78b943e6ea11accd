/** MAX_POOL_2D (NHWC, SAME/VALID as TF). */
import * as tf from '@tensorflow/tfjs-core';
import { applyActivation, builtinActivation } from './activation.js';
import { optionsOf, singleOutput, type CompiledOp, type CompileContext } from './types.js';

export function compileMaxPool2D(ctx: CompileContext): CompiledOp {
  const o = optionsOf(ctx, 'Pool2DOptions');
  const activation = builtinActivation(ctx, o.activation);
  const attrs = { filterSize: [o.filterH, o.filterW], strides: [o.strideH, o.strideW], pad: o.padding === 'SAME' ? 'same' : 'valid' };
  return {
    kind: 'exec', inputs: [ctx.input(0)], output: singleOutput(ctx), label: 'MAX_POOL_2D',
    exec: ([x]) => applyActivation(tf.engine().runKernel(tf.MaxPool, { x: x! }, attrs), activation),
  };
}
