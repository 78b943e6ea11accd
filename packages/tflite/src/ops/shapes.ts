/**
 * What shape rules are made of. Each op's file (ops/*.ts, ops/custom/*.ts) has its rule: the output
 * shape its kernel will produce from its input shapes, options and constant parameters, with those
 * parameters checked (strides >= 1, paddings >= 0, indices in range, sizes bounded). The rules are
 * pure functions (no tensor): checkGraph runs them over a whole graph before the executor uploads
 * anything, and the fuzz test runs them in Node. A model whose declared shapes disagree with these,
 * or whose tensors would exceed MAX_TENSOR_ELEMENTS, is refused at load, so no kernel ever sees a
 * size or an index that came from the file unchecked.
 */
import { ModelFormatError, UnsupportedOpError } from '../errors.js';
import { MAX_DIMENSION } from '../limits.js';
import type { OperatorInfo } from '../parser/model.js';
import type { BuiltinOptions, FusedActivation, Padding } from '../parser/schema.js';
import { describeOp, type ConstData } from './types.js';

/** What a rule sees of the graph: shapes computed so far, constants (through DEQUANTIZE). */
export interface ShapeContext {
  readonly op: OperatorInfo;
  /** Shape of input `i` (throws for an omitted one). */
  shape(i: number): number[];
  /** Constant contents of input `i`, or null when computed at run time or omitted. */
  constData(i: number): ConstData | null;
  /** The declared (file) shape of output `i`. */
  declared(i: number): number[];
}

export type ShapeRule = (ctx: ShapeContext) => number[];

/** A format error naming the operator. */
export const fail = (op: OperatorInfo, message: string): never => {
  throw new ModelFormatError(`${describeOp(op)}: ${message}`);
};

export function inputCount(ctx: ShapeContext, min: number, max = min): void {
  const n = ctx.op.inputs.length;
  if (n < min || n > max) fail(ctx.op, `expected ${min === max ? min : `${min} to ${max}`} inputs, found ${n}`);
  // Only a conv's bias (input 2) may be omitted.
  ctx.op.inputs.forEach((t, i) => {
    if (t < 0 && !(i === 2 && (ctx.op.opName === 'CONV_2D' || ctx.op.opName === 'DEPTHWISE_CONV_2D'))) fail(ctx.op, `input ${i} is missing`);
  });
}

export function options<K extends BuiltinOptions['type']>(ctx: ShapeContext, type: K): BuiltinOptions & { type: K } {
  const o = ctx.op.options;
  if (!o || o.type !== type) throw new UnsupportedOpError(`${describeOp(ctx.op)}: expected ${type}, found ${o ? o.type : 'no options'}`);
  return o as BuiltinOptions & { type: K };
}

const SUPPORTED_ACTIVATIONS: readonly FusedActivation[] = ['NONE', 'RELU', 'RELU6'];

export function activation(ctx: ShapeContext, a: FusedActivation): void {
  if (!SUPPORTED_ACTIVATIONS.includes(a)) throw new UnsupportedOpError(`${describeOp(ctx.op)}: fused activation ${a} is not supported`);
}

export function rank(ctx: ShapeContext, i: number, r: number, what: string): number[] {
  const s = ctx.shape(i);
  if (s.length !== r) fail(ctx.op, `${what} must have rank ${r}, found [${s}]`);
  return s;
}

/** A stride, dilation or filter size: an integer in [1, MAX_DIMENSION]. */
export function positive(op: OperatorInfo, value: number, what: string): number {
  if (!(Number.isInteger(value) && value >= 1 && value <= MAX_DIMENSION)) fail(op, `${what} must be an integer >= 1, found ${value}`);
  return value;
}

/** Output length of a window op along one axis (TensorFlow's SAME/VALID). */
export function windowOutput(op: OperatorInfo, size: number, filter: number, stride: number, dilation: number, padding: Padding): number {
  const out = padding === 'SAME' ? Math.ceil(size / stride) : Math.ceil((size - (filter - 1) * dilation) / stride);
  if (!(out >= 1)) fail(op, `a ${filter}-wide window (dilation ${dilation}) does not fit an input of ${size} with ${padding} padding`);
  return out;
}

export function biasRule(ctx: ShapeContext, channels: number): void {
  if (ctx.op.inputs.length < 3 || ctx.op.inputs[2]! < 0) return;
  const bias = ctx.constData(2);
  if (!bias || bias.length !== channels) fail(ctx.op, `the bias must be a constant of ${channels} values`);
}

/** NumPy broadcasting of two shapes (ADD, MUL, PRELU's slopes). */
export function broadcast(op: OperatorInfo, a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1, y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) fail(op, `shapes [${a}] and [${b}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}
