/** PRELU (when not fused into the conv before it): f(x) = x for x >= 0, alpha * x otherwise. */
import { UnsupportedOpError } from '../errors.js';
import * as tf from '@tensorflow/tfjs-core';
import { bindKernel } from './kernel.js';
import { FLAT_SLOPES } from './activation.js';
import { describeOp, singleOutput, type CompiledOp, type CompileContext, type OpDefinition } from './types.js';
import { broadcast, fail, inputCount, type ShapeRule } from './shapes.js';
import { unaryStep, type PlanCompiled, type PlanContext } from '../plan/plan_step.js';

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

const prelu: ShapeRule = (ctx) => {
  inputCount(ctx, 2);
  const x = ctx.shape(0);
  if (!ctx.constData(1)) fail(ctx.op, 'alpha must be a constant');
  const out = broadcast(ctx.op, x, ctx.shape(1));
  if (out.join() !== x.join()) fail(ctx.op, `alpha [${ctx.shape(1)}] is larger than the input [${x}]`);
  return x;
};

function planPrelu(ctx: PlanContext): PlanCompiled {
  const alphaIndex = ctx.input(1);
  const slopes = alphaIndex >= 0 ? ctx.constData(alphaIndex) : null;
  // The wasm Prelu kernel cycles through the slopes along the flat tensor: per-channel (or one) only.
  if (!slopes || !(slopes.length === ctx.shapeIn(0).at(-1) || slopes.length === 1)) return null;
  const alphaId = ctx.wasm.idOf(ctx.constant(alphaIndex, FLAT_SLOPES));
  const prelu = ctx.wasm.kernel('Prelu');
  return unaryStep(ctx, 'PRELU', (x, out) => prelu(x, alphaId, out));
}

export const PRELU: OpDefinition = { shape: prelu, compile: compilePrelu, plan: planPrelu };
