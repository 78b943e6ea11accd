/** CONCATENATION along one axis (negative axes count from the end). */
import * as tf from '@tensorflow/tfjs-core';
import { applyActivation, builtinActivation } from './activation.js';
import { optionsOf, singleOutput, type CompiledOp, type CompileContext } from './types.js';

export function compileConcatenation(ctx: CompileContext): CompiledOp {
  const o = optionsOf(ctx, 'ConcatenationOptions');
  const activation = builtinActivation(ctx, o.activation);
  const inputs = ctx.op.inputs.map((_, i) => ctx.input(i));
  for (const t of inputs) if (ctx.constData(t)) ctx.constant(t);
  const rank = ctx.info(inputs[0]!).shape.length;
  const attrs = { axis: o.axis < 0 ? o.axis + rank : o.axis };
  return {
    kind: 'exec', inputs, output: singleOutput(ctx), label: 'CONCATENATION',
    exec: (xs) => applyActivation(tf.engine().runKernel(tf.Concat, xs as tf.Tensor[] as unknown as tf.NamedTensorMap, attrs), activation),
  };
}
