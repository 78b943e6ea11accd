/**
 * The contract between the executor and one op kernel. A kernel *compiles* an operator once (reads
 * options, turns constants into tf tensors in tfjs layouts, builds kernel attrs) and returns either
 * an alias (the op is a no-op: its output is one of its inputs) or an `exec` closure called per frame.
 */
import { UnsupportedOpError } from '../errors.js';
import type * as tf from '@tensorflow/tfjs-core';
import type { ModelGraph, OperatorInfo, TensorInfo } from '../parser/model.js';
import type { BuiltinOptions } from '../parser/schema.js';
import type { PlanCompiler } from '../plan/plan_step.js';
import type { ShapeRule } from './shapes.js';

export type ConstData = Float32Array | Int32Array;

/** A layout change applied to constant data before it becomes a tf tensor (cached under `key`). */
export interface ConstLayout {
  key: string;
  make(data: ConstData, shape: number[]): { data: ConstData; shape: number[] };
}

export interface CompileContext {
  readonly graph: ModelGraph;
  readonly op: OperatorInfo;
  /** Whether activations may be fused into the preceding conv (off only for benchmarks). */
  readonly fuse: boolean;
  /** Tensor index of input `i` with aliases (DEQUANTIZE, identity slices) resolved; -1 when omitted. */
  input(i: number): number;
  /** Any tensor index with aliases resolved. */
  resolve(tensor: number): number;
  /** Tensor index of output `i` (before fusion). */
  output(i: number): number;
  info(tensor: number): TensorInfo;
  /** Constant contents of a (resolved) tensor, or null when it is computed at run time. */
  constData(tensor: number): ConstData | null;
  /** The constant as a tf tensor, created once per layout and freed by the executor's dispose(). */
  constant(tensor: number, layout?: ConstLayout): tf.Tensor;
  /** The op reading `tensor` when it is the only reader and `tensor` is not a graph output. */
  soleConsumer(tensor: number): OperatorInfo | null;
  /** Marks `op` as fused into the op being compiled: the executor skips it. */
  absorb(op: OperatorInfo): void;
}

export type Exec = (inputs: readonly tf.Tensor[]) => tf.Tensor;

export type CompiledOp =
  | { kind: 'alias'; of: number }
  | {
      kind: 'exec';
      /** Tensor indices passed to `exec`, in order (constants allowed: they stay resident). */
      inputs: number[];
      /** Tensor index the result is stored under (the last fused op's output). */
      output: number;
      /** Op type for profiles, e.g. 'CONV_2D+PRELU'. */
      label: string;
      exec: Exec;
    };

export type OpCompiler = (ctx: CompileContext) => CompiledOp;

/** The op's builtin options, checked to be of the expected table type. */
export function optionsOf<K extends BuiltinOptions['type']>(
  ctx: CompileContext,
  type: K,
): BuiltinOptions & { type: K } {
  const o = ctx.op.options;
  if (!o || o.type !== type) {
    throw new UnsupportedOpError(`${describeOp(ctx.op)}: expected ${type}, found ${o ? o.type : 'no options'}`);
  }
  return o as BuiltinOptions & { type: K };
}

export function describeOp(op: OperatorInfo): string {
  return `operator #${op.index} (${op.opName}${op.custom ? ` v${op.version}` : ''})`;
}

/** Constant int32 input `i` as a plain array (shape/paddings/begin/end tensors). */
export function constInts(ctx: CompileContext, i: number): number[] {
  const t = ctx.input(i);
  const data = t >= 0 ? ctx.constData(t) : null;
  if (!data) throw new UnsupportedOpError(`${describeOp(ctx.op)}: input ${i} must be a constant`);
  return Array.from(data);
}

/** The op's single output. */
export function singleOutput(ctx: CompileContext): number {
  if (ctx.op.outputs.length !== 1) {
    throw new UnsupportedOpError(`${describeOp(ctx.op)}: expected 1 output, found ${ctx.op.outputs.length}`);
  }
  return ctx.output(0);
}

/**
 * Everything about one op, in its own file (as TFLite keeps an op's reference and optimized kernels
 * side by side): its shape rule, its reference kernel, and optionally its plan step. Registered by
 * name in ops/registry.ts (builtins) or ops/custom/registry.ts (MediaPipe's custom ops).
 */
export interface OpDefinition {
  /** Output shape from the inputs' shapes and checked parameters (graph_check.ts, before anything runs). */
  readonly shape: ShapeRule;
  /** The reference kernel, compiled once per operator: the reference executor's, and the plan's fallback. */
  readonly compile: OpCompiler;
  /** The plan executor's step; absent, or null for an operator: the reference kernel on copies. */
  readonly plan?: PlanCompiler;
}
