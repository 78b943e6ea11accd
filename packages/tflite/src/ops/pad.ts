/** PAD with zeros; the paddings tensor is a constant [rank, 2] read once. */
import * as tf from '@tensorflow/tfjs-core';
import { bindKernel } from './kernel.js';
import { readPaddings } from './shapes.js';
import { singleOutput, type CompiledOp, type CompileContext } from './types.js';

export function compilePad(ctx: CompileContext): CompiledOp {
  // Checked: a constant [rank, 2] of non-negative sizes (the kernel would allocate whatever it says).
  const p = ctx.input(1);
  const paddings = readPaddings(ctx.op, p >= 0 ? ctx.constData(p) : null, p >= 0 ? ctx.info(p).shape : [], ctx.info(ctx.input(0)).shape.length);
  const attrs = { paddings, constantValue: 0 };
  const pad = bindKernel(tf.PadV2);
  return {
    kind: 'exec', inputs: [ctx.input(0)], output: singleOutput(ctx), label: 'PAD',
    exec: ([x]) => pad({ x: x! }, attrs),
  };
}
