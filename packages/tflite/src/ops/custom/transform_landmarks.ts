/**
 * MediaPipe custom op `TransformLandmarks`, version 2
 * (mediapipe/util/tflite/operations/transform_landmarks.cc, `namespace v2`).
 *
 * Maps [1,N,D] landmarks (D = 2 or 3) through the [1,4,4] matrix M:
 * x' = M00·x + M01·y + M03, y' = M10·x + M11·y + M13 (the input z is treated as 0, w as 1);
 * with D = 3 the z value is copied unchanged. The op has no options in v2 (the GPU parser takes
 * `dimensions` from the output shape and `scale` = 1).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkMatrixShape } from './flex_options.js';
import { requireVersion2 } from './version.js';
import { singleOutput, type CompiledOp, type CompileContext, type OpDefinition } from '../types.js';
import { fail, inputCount, rank, type ShapeRule } from '../shapes.js';
import { elementCount } from '../../limits.js';
import { hostStep, type PlanCompiled, type PlanContext } from '../../plan/plan_step.js';
import { customVersion2, matrixInput } from './shape_checks.js';

const OP = 'TransformLandmarks';

/** landmarks [1,N,D], matrix [1,4,4] -> [1,N,D] float32 (same shape as the input). Creates no other tensors. */
export function transformLandmarks(landmarks: tf.Tensor, matrix: tf.Tensor): tf.Tensor {
  const shape = landmarks.shape;
  const d = shape[shape.length - 1];
  if (shape.length !== 3 || shape[0] !== 1 || (d !== 2 && d !== 3)) {
    throw new Error(`${OP}: landmarks must have shape [1,N,2] or [1,N,3] (got [${shape.join(',')}]).`);
  }
  checkMatrixShape(OP, matrix.shape);
  const p = landmarks.dataSync() as ArrayLike<number>;
  const out = new Float32Array(p.length);
  transformPoints(p, 0, p.length, d, matrix.dataSync() as ArrayLike<number>, 0, out, 0);
  return tf.tensor(out, shape as number[], 'float32');
}

/** The op on plain arrays: `length` values of d-D points from `p[pOffset..]` to `out[outOffset..]`. */
export function transformPoints(
  p: ArrayLike<number>, pOffset: number, length: number, d: number, m: ArrayLike<number>, mOffset: number, out: Float32Array, outOffset: number,
): void {
  const m00 = m[mOffset]!;
  const m01 = m[mOffset + 1]!;
  const m03 = m[mOffset + 3]!;
  const m10 = m[mOffset + 4]!;
  const m11 = m[mOffset + 5]!;
  const m13 = m[mOffset + 7]!;
  for (let i = 0; i < length; i += d) {
    const x = p[pOffset + i]!;
    const y = p[pOffset + i + 1]!;
    out[outOffset + i] = m00 * x + m01 * y + m03;
    out[outOffset + i + 1] = m10 * x + m11 * y + m13;
    if (d === 3) out[outOffset + i + 2] = p[pOffset + i + 2]!;
  }
}

/** The reference kernel (the reference executor's, and the plan's fallback). */
export function compileTransformLandmarks(ctx: CompileContext): CompiledOp {
  requireVersion2(ctx);
  return {
    kind: 'exec', inputs: [ctx.input(0), ctx.input(1)], output: singleOutput(ctx), label: 'TransformLandmarks',
    exec: ([landmarks, matrix]) => transformLandmarks(landmarks!, matrix!),
  };
}

const transformLandmarksShape: ShapeRule = (ctx) => {
  customVersion2(ctx);
  inputCount(ctx, 2);
  const s = rank(ctx, 0, 3, 'the landmarks');
  if (s[0] !== 1 || (s[2] !== 2 && s[2] !== 3)) fail(ctx.op, `the landmarks must be [1,N,2] or [1,N,3], found [${s}]`);
  matrixInput(ctx, 1);
  return s;
};

function planTransformLandmarks(ctx: PlanContext): PlanCompiled {
  requireVersion2(ctx);
  const shape = ctx.shapeIn(0);
  const d = shape.at(-1)!;
  checkMatrixShape('TransformLandmarks', ctx.shapeIn(1));
  if (shape.length !== 3 || shape[0] !== 1 || (d !== 2 && d !== 3) || elementCount(ctx.info(ctx.op.outputs[0]!).shape) !== elementCount(shape)) return null;
  const length = elementCount(shape);
  return hostStep(ctx, 'TransformLandmarks', [ctx.input(0), ctx.input(1)], (heap, [points, matrix], to) =>
    transformPoints(heap, points!, length, d, heap, matrix!, heap, to));
}

export const TRANSFORM_LANDMARKS: OpDefinition = { shape: transformLandmarksShape, compile: compileTransformLandmarks, plan: planTransformLandmarks };
