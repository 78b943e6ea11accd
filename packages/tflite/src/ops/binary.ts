/** ADD and MUL (broadcasting, as TFLite), with their fused activation. */
import * as tf from '@tensorflow/tfjs-core';
import { bindKernel } from './kernel.js';
import { applyActivation, builtinActivation, FLAT_SLOPES } from './activation.js';
import type { OwnKernels } from '../plan/own_kernels.js';
import { optionsOf, singleOutput, type CompiledOp, type CompileContext, type OpDefinition } from './types.js';
import { activation, broadcast, inputCount, options, type ShapeRule } from './shapes.js';
import { FLOAT32, isRuntime, type PlanCompiled, type PlanContext, type PlanStepSpec } from '../plan/plan_step.js';

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

const binary = (type: 'AddOptions' | 'MulOptions'): ShapeRule => (ctx) => {
  inputCount(ctx, 2);
  if (ctx.op.options) activation(ctx, options(ctx, type).activation);
  return broadcast(ctx.op, ctx.shape(0), ctx.shape(1));
};

function planAdd(ctx: PlanContext): PlanCompiled {
  const activation = ctx.op.options ? builtinActivation(ctx, optionsOf(ctx, 'AddOptions').activation) : 'linear';
  const a = ctx.input(0);
  const b = ctx.input(1);
  const out = singleOutput(ctx);
  const outShape = ctx.info(out).shape;
  const sameShape = [0, 1].every((i) => ctx.shapeIn(i).join() === outShape.join());
  if (ctx.kernels && sameShape && outShape.length >= 1 && isRuntime(ctx, a) && isRuntime(ctx, b) && activation !== 'relu6') {
    return planResidual(ctx, ctx.kernels, a, b, out, outShape, activation);
  }
  return planBinary(ctx, 'Add', activation);
}

/** ADD (+ a folded channel PAD) (+ the PRELU/RELU that is its only reader) as one residual kernel. */
function planResidual(
  ctx: PlanContext, kernels: OwnKernels, a: number, b: number, out: number, shape: number[], own: 'linear' | 'relu' | 'prelu',
): PlanStepSpec {
  const channels = shape.at(-1)!;
  const pixels = shape.reduce((p, d) => p * d, 1) / channels;
  // x: the shortcut (possibly with fewer channels), y: the full-width operand.
  const padA = ctx.paddedFrom(a);
  const padB = ctx.paddedFrom(b);
  const [x, y] = padA !== undefined ? [padA, b] : padB !== undefined ? [padB, a] : [a, b];
  const xChannels = padA !== undefined || padB !== undefined ? ctx.info(x).shape.at(-1)! : channels;
  let activation = own;
  let output = out;
  let alpha: tf.Tensor | undefined;
  const next = own === 'linear' && ctx.fuse ? ctx.soleConsumer(out) : null;
  if (next?.opName === 'RELU' && next.inputs[0] === out) {
    ctx.absorb(next);
    activation = 'relu';
    output = next.outputs[0]!;
  } else if (next?.opName === 'PRELU' && next.inputs[0] === out && next.outputs.length === 1) {
    const alphaIndex = ctx.resolve(next.inputs[1]!);
    const slopes = ctx.constData(alphaIndex);
    if (slopes && slopes.length === channels) {
      ctx.absorb(next);
      activation = 'prelu';
      output = next.outputs[0]!;
      alpha = ctx.constant(alphaIndex, FLAT_SLOPES);
    }
  }
  const label = `ADD${xChannels < channels ? '(PAD)' : ''}${activation === 'linear' ? '' : '+' + activation.toUpperCase()} (own SIMD)`;
  return {
    kind: 'step', label, inputs: [x, y], output,
    bind: (buffer) => {
      const xp = buffer(x).offset * 4;
      const yp = buffer(y).offset * 4;
      const op = buffer(output).offset * 4;
      if (activation === 'prelu') {
        const ap = ctx.wasm.offsetOf(alpha!);
        return () => kernels.residualAddPrelu(xp, xChannels, yp, op, ap, pixels, channels);
      }
      const f = activation === 'relu' ? kernels.residualAddRelu : kernels.residualAdd;
      return () => f(xp, xChannels, yp, op, pixels, channels);
    },
  };
}

/** ADD / MUL through tfjs' broadcasting kernels (operands may be constants). */
function planBinary(ctx: PlanContext, kernelName: 'Add' | 'Multiply', activation: string): PlanCompiled {
  if (activation !== 'linear') return null;
  const operands = [ctx.input(0), ctx.input(1)];
  const shapes = [ctx.shapeIn(0), ctx.shapeIn(1)];
  const constIds = operands.map((t) => (isRuntime(ctx, t) ? -1 : ctx.wasm.idOf(ctx.constant(t))));
  const shapePtrs = shapes.map((s) => ctx.own(ctx.wasm.int32s(s)));
  const kernel = ctx.wasm.kernel(kernelName);
  const out = singleOutput(ctx);
  return {
    kind: 'step', label: ctx.op.opName, inputs: operands.filter((t) => isRuntime(ctx, t)), output: out,
    bind: (buffer) => {
      const [aId, bId] = operands.map((t, i) => (constIds[i]! >= 0 ? constIds[i]! : buffer(t).id)) as [number, number];
      const outId = buffer(out).id;
      return () => kernel(aId, shapePtrs[0]!, shapes[0]!.length, bId, shapePtrs[1]!, shapes[1]!.length, FLOAT32, outId);
    },
  };
}

function planMul(ctx: PlanContext): PlanCompiled {
  const activation = ctx.op.options ? builtinActivation(ctx, optionsOf(ctx, 'MulOptions').activation) : 'linear';
  return planBinary(ctx, 'Multiply', activation);
}

/** ADD: broadcasting, or (same shapes, runtime operands) our residual kernel with a folded PAD and activation. */
export const ADD: OpDefinition = { shape: binary('AddOptions'), compile: compileAdd, plan: planAdd };
export const MUL: OpDefinition = { shape: binary('MulOptions'), compile: compileMul, plan: planMul };
