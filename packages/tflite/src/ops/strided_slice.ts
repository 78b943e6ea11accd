/** STRIDED_SLICE: an alias when it selects everything (the mesh model's output copy), else tf's kernel. */
import * as tf from '@tensorflow/tfjs-core';
import { UnsupportedOpError } from '../errors.js';
import { constInts, describeOp, optionsOf, singleOutput, type CompiledOp, type CompileContext, type ConstData, type OpDefinition } from './types.js';
import { fail, inputCount, options, type ShapeRule } from './shapes.js';

export function compileStridedSlice(ctx: CompileContext): CompiledOp {
  const o = optionsOf(ctx, 'StridedSliceOptions');
  const x = ctx.input(0);
  const shape = ctx.info(x).shape;
  const begin = constInts(ctx, 1);
  const end = constInts(ctx, 2);
  const strides = ctx.op.inputs.length > 3 ? constInts(ctx, 3) : begin.map(() => 1);
  const identity =
    o.ellipsisMask === 0 && o.newAxisMask === 0 && o.shrinkAxisMask === 0 && begin.length === shape.length &&
    shape.every((d, i) =>
      strides[i] === 1 &&
      ((o.beginMask >> i) & 1 || begin[i] === 0) &&
      ((o.endMask >> i) & 1 || end[i] === d));
  if (identity) return { kind: 'alias', of: x };
  const attrs = {
    begin, end, strides, beginMask: o.beginMask, endMask: o.endMask, ellipsisMask: o.ellipsisMask,
    newAxisMask: o.newAxisMask, shrinkAxisMask: o.shrinkAxisMask,
  };
  return {
    kind: 'exec', inputs: [x], output: singleOutput(ctx), label: 'STRIDED_SLICE',
    exec: ([input]) => tf.engine().runKernel(tf.StridedSlice, { x: input! }, attrs),
  };
}

const stridedSlice: ShapeRule = (ctx) => {
  inputCount(ctx, 3, 4);
  const o = options(ctx, 'StridedSliceOptions');
  const x = ctx.shape(0);
  const ints = (i: number): ConstData => {
    const d = ctx.constData(i);
    if (!d || d.length !== x.length) fail(ctx.op, `input ${i} must be a constant of ${x.length} values`);
    return d!;
  };
  const begin = ints(1), end = ints(2);
  const strides = ctx.op.inputs.length > 3 ? ints(3) : x.map(() => 1);
  if (o.ellipsisMask !== 0 || o.newAxisMask !== 0) throw new UnsupportedOpError(`${describeOp(ctx.op)}: ellipsis and new-axis masks are not supported`);
  const out: number[] = [];
  x.forEach((d, i) => {
    const s = strides[i]!;
    if (!Number.isInteger(s) || s === 0) fail(ctx.op, `stride ${s} on axis ${i}`);
    const norm = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
    if ((o.shrinkAxisMask >> i) & 1) {
      const b = begin[i]! < 0 ? begin[i]! + d : begin[i]!;
      if (!(b >= 0 && b < d)) fail(ctx.op, `index ${begin[i]} is out of range for axis ${i} of size ${d}`);
      return; // the axis is dropped
    }
    let len: number;
    if (s > 0) {
      const b = (o.beginMask >> i) & 1 ? 0 : norm(begin[i]!, 0, d);
      const e = (o.endMask >> i) & 1 ? d : norm(end[i]!, 0, d);
      len = Math.ceil((e - b) / s);
    } else {
      const b = (o.beginMask >> i) & 1 ? d - 1 : norm(begin[i]!, -1, d - 1);
      const e = (o.endMask >> i) & 1 ? -1 : norm(end[i]!, -1, d - 1);
      len = Math.ceil((b - e) / -s);
    }
    out.push(Math.max(0, len));
  });
  return out;
};

export const STRIDED_SLICE: OpDefinition = { shape: stridedSlice, compile: compileStridedSlice };
