/** STRIDED_SLICE: an alias when it selects everything (the mesh model's output copy), else tf's kernel. */
import * as tf from '@tensorflow/tfjs-core';
import { constInts, optionsOf, singleOutput, type CompiledOp, type CompileContext } from './types.js';

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
