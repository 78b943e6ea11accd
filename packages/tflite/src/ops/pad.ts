/** PAD with zeros; the paddings tensor is a constant [rank, 2] read once. */
import * as tf from '@tensorflow/tfjs-core';
import { MAX_DIMENSION } from '../limits.js';
import type { OperatorInfo } from '../parser/model.js';
import { bindKernel } from './kernel.js';
import { constInts, singleOutput, type CompiledOp, type CompileContext, type ConstData, type OpDefinition } from './types.js';
import { fail, inputCount, type ShapeRule } from './shapes.js';
import { FLOAT32, isRuntime, unaryStep, type PlanCompiled, type PlanContext } from '../plan/plan_step.js';

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

/** PAD's paddings: a constant [rank, 2] of integers in [0, MAX_DIMENSION]. Also what compilePad uses. */
export function readPaddings(op: OperatorInfo, data: ConstData | null, paddingsShape: readonly number[], inputRank: number): [number, number][] {
  if (!data || paddingsShape.length !== 2 || paddingsShape[0] !== inputRank || paddingsShape[1] !== 2 || data.length !== 2 * inputRank) {
    fail(op, `the paddings must be a constant [${inputRank},2] (one before/after pair per input dimension), found [${paddingsShape}]`);
  }
  const pairs: [number, number][] = [];
  for (let i = 0; i < inputRank; i++) {
    const before = data![2 * i]!, after = data![2 * i + 1]!;
    for (const p of [before, after]) {
      if (!(Number.isInteger(p) && p >= 0 && p <= MAX_DIMENSION)) fail(op, `padding ${p} of dimension ${i} is out of range`);
    }
    pairs.push([before, after]);
  }
  return pairs;
}

const pad: ShapeRule = (ctx) => {
  inputCount(ctx, 2);
  const x = ctx.shape(0);
  const pairs = readPaddings(ctx.op, ctx.constData(1), ctx.shape(1), x.length);
  return x.map((d, i) => d + pairs[i]![0] + pairs[i]![1]);
};

function planPad(ctx: PlanContext): PlanCompiled {
  if (ctx.op.inputs.length !== 2) return null;
  const shape = ctx.shapeIn(0);
  const flat = constInts(ctx, 1);
  if (flat.length !== shape.length * 2) return null;
  const pre = ctx.own(ctx.wasm.int32s(flat.filter((_, i) => i % 2 === 0)));
  const post = ctx.own(ctx.wasm.int32s(flat.filter((_, i) => i % 2 === 1)));
  const shapePtr = ctx.own(ctx.wasm.int32s(shape));
  const pad = ctx.wasm.kernel('PadV2');
  return unaryStep(ctx, 'PAD', (x, out) => pad(x, shapePtr, shape.length, FLOAT32, pre, post, 0, out));
}

/**
 * A PAD that only appends zero channels, read by nothing but an ADD of two same-shape runtime
 * tensors: the residual kernel reads its input directly (the padded tensor is never made).
 */
export function isFoldableChannelPad(ctx: CompileContext): boolean {
  if (ctx.op.opName !== 'PAD' || ctx.op.inputs.length !== 2) return false;
  const x = ctx.input(0);
  const paddingsIndex = ctx.input(1);
  const paddings = paddingsIndex >= 0 ? ctx.constData(paddingsIndex) : null;
  const shape = ctx.info(ctx.op.inputs[0]!).shape;
  if (!isRuntime(ctx, x) || !paddings || shape.length !== 4 || paddings.length !== 8) return false;
  if (paddings.some((v, i) => (i === 7 ? v <= 0 : v !== 0))) return false;
  const add = ctx.soleConsumer(ctx.op.outputs[0]!);
  if (!add || add.opName !== 'ADD' || add.inputs.length !== 2) return false;
  const padded = ctx.info(ctx.op.outputs[0]!).shape.join();
  return add.inputs.every((t) => t >= 0 && isRuntime(ctx, ctx.resolve(t)) && ctx.info(t).shape.join() === padded) &&
    ctx.info(add.outputs[0]!).shape.join() === padded;
}

export const PAD: OpDefinition = { shape: pad, compile: compilePad, plan: planPad };
