/** ADD and MUL (broadcasting, as TFLite), with their fused activation. */
import * as tf from '@tensorflow/tfjs-core';
import { bindKernel } from './kernel.js';
import { applyActivation, builtinActivation } from './activation.js';
import { optionsOf, singleOutput, type CompiledOp, type CompileContext } from './types.js';

function compileBinary(ctx: CompileContext, kernel: string, options: 'AddOptions' | 'MulOptions'): CompiledOp {
  // Options may be absent in hand-made graphs: that means activation NONE.
  const activation = ctx.op.options ? builtinActivation(ctx, optionsOf(ctx, options).activation) : 'linear';
  const inputs = [ctx.input(0), ctx.input(1)];
  for (const t of inputs) if (ctx.constData(t)) ctx.constant(t); // constants stay resident
  const call = bindKernel(kernel);
  return {
    kind: 'exec', inputs, output: singleOutput(ctx), label: ctx.op.opName,
    exec: ([a, b]) => applyActivation(call({ a: a!, b: b! }), activation),
  };
}

export const compileAdd = (ctx: CompileContext): CompiledOp => compileBinary(ctx, tf.Add, 'AddOptions');
export const compileMul = (ctx: CompileContext): CompiledOp => compileBinary(ctx, tf.Multiply, 'MulOptions');
