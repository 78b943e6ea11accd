/** RELU (when not fused into the conv before it). */
import * as tf from '@tensorflow/tfjs-core';
import { bindKernel } from './kernel.js';
import { singleOutput, type CompiledOp, type CompileContext } from './types.js';

export function compileRelu(ctx: CompileContext): CompiledOp {
  const relu = bindKernel(tf.Relu);
  return {
    kind: 'exec', inputs: [ctx.input(0)], output: singleOutput(ctx), label: 'RELU',
    exec: ([x]) => relu({ x: x! }),
  };
}
