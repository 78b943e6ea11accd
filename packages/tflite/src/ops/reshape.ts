/** RESHAPE to the output tensor's static shape (new_shape option / shape input as fallbacks). */
import { UnsupportedOpError } from '../errors.js';
import * as tf from '@tensorflow/tfjs-core';
import { elementCount } from '../limits.js';
import { bindKernel } from './kernel.js';
import { constInts, describeOp, singleOutput, type CompiledOp, type CompileContext, type OpDefinition } from './types.js';
import { fail, inputCount, type ShapeRule } from './shapes.js';
import { isRuntime, type PlanContext } from '../plan/plan_step.js';

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

const reshape: ShapeRule = (ctx) => {
  inputCount(ctx, 1, 2);
  const x = ctx.shape(0);
  // As compileReshape: the declared output shape, else new_shape, else the shape input.
  let target = ctx.declared(0);
  if (target.length === 0 || target.some((d) => d < 0)) {
    const o = ctx.op.options;
    const data = ctx.op.inputs.length > 1 ? ctx.constData(1) : null;
    if (o?.type === 'ReshapeOptions' && o.newShape) target = o.newShape;
    else if (data) target = Array.from(data);
    else fail(ctx.op, 'no static target shape');
  }
  const count = elementCount(x);
  const unknown = target.filter((d) => d === -1).length;
  if (unknown > 1 || target.some((d) => !Number.isInteger(d) || d < -1)) fail(ctx.op, `target shape [${target}] is invalid`);
  const known = elementCount(target.filter((d) => d !== -1));
  const resolved = target.map((d) => (d === -1 ? (known > 0 ? count / known : -1) : d));
  if (elementCount(resolved) !== count || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
    fail(ctx.op, `cannot reshape [${x}] (${count} values) to [${target}]`);
  }
  return resolved;
};

/** On the plan, a RESHAPE of a runtime tensor is an alias of it (same buffer, another shape). */
export const RESHAPE: OpDefinition = {
  shape: reshape,
  compile: compileReshape,
  plan: (ctx: PlanContext) => (isRuntime(ctx, ctx.input(0)) ? { kind: 'alias', of: ctx.input(0) } : null),
};
