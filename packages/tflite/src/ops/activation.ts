/**
 * Activations after a conv / add / mul: the TFLite fused-activation option, and fusion of a
 * following PRELU or RELU op into tfjs' fused conv kernels (one pass over the output instead of two,
 * and one intermediate tensor fewer — ~25% of the mesh model's time, see TOOLCHAIN.md).
 */
import { UnsupportedOpError } from '../errors.js';
import * as tf from '@tensorflow/tfjs-core';
import type { FusedActivation } from '../parser/schema.js';
import { describeOp, type CompileContext, type ConstLayout } from './types.js';

/** Per-channel slopes as a rank-1 tensor (what the wasm Prelu and fused conv kernels read). */
export const FLAT_SLOPES: ConstLayout = { key: 'flat', make: (d) => ({ data: d, shape: [d.length] }) };

export type TfActivation = 'linear' | 'relu' | 'relu6' | 'prelu';

export interface ActivationPlan {
  activation: TfActivation;
  /** PReLU slopes, one per output channel. */
  alpha: tf.Tensor | undefined;
  /** Where the (possibly fused) result goes. */
  output: number;
  /** Suffix for profile labels, e.g. '+PRELU'. */
  suffix: string;
}

export function builtinActivation(ctx: CompileContext, a: FusedActivation): TfActivation {
  switch (a) {
    case 'NONE': return 'linear';
    case 'RELU': return 'relu';
    case 'RELU6': return 'relu6';
    default: throw new UnsupportedOpError(`${describeOp(ctx.op)}: fused activation ${a} is not supported`);
  }
}

/**
 * The activation for a conv writing `output` with `channels` channels: its own fused activation, or,
 * when that is NONE and fusion is on, a PRELU/RELU op that is the output's only consumer.
 */
export function planConvActivation(ctx: CompileContext, own: FusedActivation, output: number, channels: number): ActivationPlan {
  const activation = builtinActivation(ctx, own);
  const plan: ActivationPlan = { activation, alpha: undefined, output, suffix: activation === 'linear' ? '' : `+${activation}` };
  if (activation !== 'linear' || !ctx.fuse) return plan;
  const next = ctx.soleConsumer(output);
  if (!next || next.outputs.length !== 1) return plan;
  if (next.opName === 'RELU' && next.inputs[0] === output) {
    ctx.absorb(next);
    return { activation: 'relu', alpha: undefined, output: next.outputs[0]!, suffix: '+RELU' };
  }
  if (next.opName === 'PRELU' && next.inputs[0] === output) {
    const alphaIndex = ctx.resolve(next.inputs[1]!);
    const alpha = ctx.constData(alphaIndex);
    // The fused kernel applies slope k to channel k: only per-channel slopes fuse.
    if (alpha && alpha.length === channels) {
      ctx.absorb(next);
      const slopes = ctx.constant(alphaIndex, FLAT_SLOPES);
      return { activation: 'prelu', alpha: slopes, output: next.outputs[0]!, suffix: '+PRELU' };
    }
  }
  return plan;
}

/** Applies a non-fused activation to `y` (used by ADD/MUL/MAX_POOL and the unfused conv path). */
/** Consumes `y` (disposes it when a new tensor is returned). */
export function applyActivation(y: tf.Tensor, activation: TfActivation, alpha?: tf.Tensor): tf.Tensor {
  if (activation === 'linear') return y;
  const e = tf.engine();
  const out: tf.Tensor =
    activation === 'relu' ? e.runKernel(tf.Relu, { x: y })
    : activation === 'relu6' ? e.runKernel(tf.Relu6, { x: y })
    : e.runKernel(tf.Prelu, { x: y, alpha: alpha! });
  y.dispose();
  return out;
}
