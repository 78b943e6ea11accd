/** PRELU (when not fused into the conv before it): f(x) = x for x >= 0, alpha * x otherwise. */
import { UnsupportedOpError } from '../errors.js';
import * as tf from '@tensorflow/tfjs-core';
import { bindKernel } from './kernel.js';
import { FLAT_SLOPES } from './activation.js';
import { describeOp, singleOutput, type CompiledOp, type CompileContext } from './types.js';

export function compilePrelu(ctx: CompileContext): CompiledOp {
  const x = ctx.input(0);
  const alphaIndex = ctx.input(1);
  const alpha = ctx.constData(alphaIndex);
  const channels = ctx.info(x).shape.at(-1);
  if (!alpha) throw new UnsupportedOpError(`${describeOp(ctx.op)}: alpha must be a constant`);
  if (alpha.length === channels || alpha.length === 1) {
    // The wasm Prelu kernel cycles through alpha's values along the flat tensor: per-channel only.
    const slopes = ctx.constant(alphaIndex, FLAT_SLOPES);
    const prelu = bindKernel(tf.Prelu);
    return {
      kind: 'exec', inputs: [x], output: singleOutput(ctx), label: 'PRELU',
      exec: ([input]) => prelu({ x: input!, alpha: slopes }),
    };
  }
  const full = ctx.constant(alphaIndex);
  return {
    kind: 'exec', inputs: [x], output: singleOutput(ctx), label: 'PRELU',
    exec: ([input]) => tf.tidy(() => tf.where(tf.greaterEqual(input!, 0), input!, tf.mul(input!, full))),
  };
}
