/** RELU (when not fused into the conv before it). */
import * as tf from '@tensorflow/tfjs-core';
import { bindKernel } from './kernel.js';
import { singleOutput, type CompiledOp, type CompileContext, type OpDefinition } from './types.js';
import { inputCount, type ShapeRule } from './shapes.js';
import { FLOAT32, unaryStep, type PlanCompiled, type PlanContext } from '../plan/plan_step.js';

export function compileRelu(ctx: CompileContext): CompiledOp {
  const relu = bindKernel(tf.Relu);
  return {
    kind: 'exec', inputs: [ctx.input(0)], output: singleOutput(ctx), label: 'RELU',
    exec: ([x]) => relu({ x: x! }),
  };
}

const sameShape: ShapeRule = (ctx) => {
  inputCount(ctx, 1);
  return ctx.shape(0);
};

function planRelu(ctx: PlanContext): PlanCompiled {
  const relu = ctx.wasm.kernel('Relu');
  return unaryStep(ctx, 'RELU', (x, out) => relu(x, FLOAT32, out));
}

export const RELU: OpDefinition = { shape: sameShape, compile: compileRelu, plan: planRelu };
