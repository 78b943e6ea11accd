/** PAD with zeros; the paddings tensor is a constant [rank, 2] read once. */
import * as tf from '@tensorflow/tfjs-core';
import { bindKernel } from './kernel.js';
import { constInts, singleOutput, type CompiledOp, type CompileContext } from './types.js';

export function compilePad(ctx: CompileContext): CompiledOp {
  const flat = constInts(ctx, 1);
  const paddings: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) paddings.push([flat[i]!, flat[i + 1]!]);
  const attrs = { paddings, constantValue: 0 };
  const pad = bindKernel(tf.PadV2);
  return {
    kind: 'exec', inputs: [ctx.input(0)], output: singleOutput(ctx), label: 'PAD',
    exec: ([x]) => pad({ x: x! }, attrs),
  };
}
