/** RESHAPE to the output tensor's static shape (new_shape option / shape input as fallbacks). */
import { UnsupportedOpError } from '../errors.js';
import * as tf from '@tensorflow/tfjs-core';
import { bindKernel } from './kernel.js';
import { constInts, describeOp, singleOutput, type CompiledOp, type CompileContext } from './types.js';

export function compileReshape(ctx: CompileContext): CompiledOp {
  const output = singleOutput(ctx);
  let shape = ctx.info(output).shape;
  if (shape.length === 0 || shape.some((d) => d < 0)) {
    const o = ctx.op.options;
    if (o?.type === 'ReshapeOptions' && o.newShape) shape = o.newShape;
    else if (ctx.op.inputs.length > 1) shape = constInts(ctx, 1);
    else throw new UnsupportedOpError(`${describeOp(ctx.op)}: no static target shape`);
  }
  const attrs = { shape };
  const reshape = bindKernel(tf.Reshape);
  return {
    kind: 'exec', inputs: [ctx.input(0)], output, label: 'RESHAPE',
    exec: ([x]) => reshape({ x: x! }, attrs),
  };
}
