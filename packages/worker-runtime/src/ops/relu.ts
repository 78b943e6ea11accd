/** RELU (when not fused into the conv before it). */
import * as tf from '@tensorflow/tfjs-core';
import { singleOutput, type CompiledOp, type CompileContext } from './types.js';

export function compileRelu(ctx: CompileContext): CompiledOp {
  return {
    kind: 'exec', inputs: [ctx.input(0)], output: singleOutput(ctx), label: 'RELU',
    exec: ([x]) => tf.engine().runKernel(tf.Relu, { x: x! }),
  };
}
