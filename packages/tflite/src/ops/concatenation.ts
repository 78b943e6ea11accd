/** CONCATENATION along one axis (negative axes count from the end). */
import * as tf from '@tensorflow/tfjs-core';
import { applyActivation, builtinActivation } from './activation.js';
import { optionsOf, singleOutput, type CompiledOp, type CompileContext, type OpDefinition } from './types.js';
import { activation, fail, inputCount, options, type ShapeRule } from './shapes.js';
import { isRuntime, type PlanCompiled, type PlanContext } from '../plan/plan_step.js';

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

const concatenation: ShapeRule = (ctx) => {
  const n = ctx.op.inputs.length;
  if (n < 1) fail(ctx.op, 'no inputs');
  inputCount(ctx, n);
  const o = options(ctx, 'ConcatenationOptions');
  activation(ctx, o.activation);
  const first = ctx.shape(0);
  const axis = o.axis < 0 ? o.axis + first.length : o.axis;
  if (!(axis >= 0 && axis < first.length)) fail(ctx.op, `axis ${o.axis} is out of range for rank ${first.length}`);
  const out = [...first];
  for (let i = 1; i < n; i++) {
    const s = ctx.shape(i);
    if (s.length !== first.length || s.some((d, k) => k !== axis && d !== first[k])) fail(ctx.op, `input ${i} [${s}] does not fit input 0 [${first}] along axis ${axis}`);
    out[axis]! += s[axis]!;
  }
  return out;
};

/** CONCATENATION of runtime tensors: block copies inside the heap. */
function planConcatenation(ctx: PlanContext): PlanCompiled {
  const o = optionsOf(ctx, 'ConcatenationOptions');
  const inputs = ctx.op.inputs.map((_, i) => ctx.input(i));
  if (o.activation !== 'NONE' || !inputs.every((t) => isRuntime(ctx, t))) return null;
  const shapes = inputs.map((_, i) => ctx.shapeIn(i));
  const rank = shapes[0]!.length;
  const axis = o.axis < 0 ? o.axis + rank : o.axis;
  const outer = shapes[0]!.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shapes.map((s) => s.slice(axis).reduce((a, b) => a * b, 1));
  const total = inner.reduce((a, b) => a + b, 0);
  const out = singleOutput(ctx);
  const wasm = ctx.wasm;
  return {
    kind: 'step', label: 'CONCATENATION', inputs, output: out,
    bind: (buffer) => {
      const from = inputs.map((t) => buffer(t).offset);
      const to = buffer(out).offset;
      return () => {
        const heap = wasm.module.HEAPF32;
        for (let r = 0; r < outer; r++) {
          let dst = to + r * total;
          for (let k = 0; k < inputs.length; k++) {
            const n = inner[k]!;
            const src = from[k]! + r * n;
            heap.copyWithin(dst, src, src + n);
            dst += n;
          }
        }
      };
    },
  };
}

export const CONCATENATION: OpDefinition = { shape: concatenation, compile: compileConcatenation, plan: planConcatenation };
