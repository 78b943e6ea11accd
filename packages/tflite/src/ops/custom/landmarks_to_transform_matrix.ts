/**
 * MediaPipe custom op `Landmarks2TransformMatrix`, version 2
 * (mediapipe/util/tflite/operations/landmarks_to_transform_matrix.cc, `namespace v2`).
 *
 * From [1,N,3] landmarks, builds the [1,4,4] affine matrix T that maps continuous crop
 * coordinates (cell k = [k,k+1) of an output_width x output_height crop) to landmark coordinates:
 *
 *   rot = target_rotation_radians - atan2(R.y - L.y, R.x - L.x)
 *   bbox of Rot(rot)·p over the subset points p; its midpoint m; crop centre c = Rot(-rot)·m
 *   T = Translate(c) · Rot(-rot) · Scale(scale_x·w/out_w, scale_y·h/out_h) · Translate(-out_w/2, -out_h/2)
 *
 * Computed in float64 on the host (N is a few hundred), returned as float32.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readFloat, readIndexVector, readInt, requireMap } from './flex_options.js';
import { requireVersion2 } from './version.js';
import { singleOutput, type CompiledOp, type CompileContext, type OpDefinition } from '../types.js';
import { fail, inputCount, rank, type ShapeRule } from '../shapes.js';
import { elementCount } from '../../limits.js';
import { hostStep, type PlanCompiled, type PlanContext } from '../../plan/plan_step.js';
import { customVersion2, parsed } from './shape_checks.js';

const OP = 'Landmarks2TransformMatrix';

export interface Landmarks2TransformMatrixOptions {
  /** Landmark indices whose (rotated) bounding box defines the crop. Pairing in the file is irrelevant. */
  subsetIdxs: number[];
  leftRotationIdx: number;
  rightRotationIdx: number;
  targetRotationRadians: number;
  outputWidth: number;
  outputHeight: number;
  scaleX: number;
  scaleY: number;
}

/**
 * Options from the decoded FlexBuffer map (keys `subset_idxs`, `left_rotation_idx`,
 * `right_rotation_idx`, `target_rotation_radians`, `output_height`, `output_width`, `scale_x`,
 * `scale_y`). `target_rotation_radians` defaults to 0 when absent; every other key is required.
 * The file stores `subset_idxs` as pairs (an odd count pairs the last index with itself); only the
 * bounding box of all of them is used, so the flat list is kept.
 */
export function parseLandmarks2TransformMatrixOptions(map: Record<string, unknown>): Landmarks2TransformMatrixOptions {
  const m = requireMap(OP, map);
  return {
    subsetIdxs: readIndexVector(OP, m, 'subset_idxs'),
    leftRotationIdx: readInt(OP, m, 'left_rotation_idx', 0),
    rightRotationIdx: readInt(OP, m, 'right_rotation_idx', 0),
    targetRotationRadians: readFloat(OP, m, 'target_rotation_radians', { fallback: 0 }),
    outputHeight: readInt(OP, m, 'output_height', 1),
    outputWidth: readInt(OP, m, 'output_width', 1),
    scaleX: readFloat(OP, m, 'scale_x', { positive: true }),
    scaleY: readFloat(OP, m, 'scale_y', { positive: true }),
  };
}

/** landmarks [1,N,D] (D >= 2; x, y used) -> [1,4,4] float32. Creates no other tensors. */
export function landmarksToTransformMatrix(landmarks: tf.Tensor, o: Landmarks2TransformMatrixOptions): tf.Tensor {
  const d = checkLandmarksForMatrix(landmarks.shape, o);
  const out = new Float32Array(16);
  cropMatrix(landmarks.dataSync() as ArrayLike<number>, 0, d, o, out, 0);
  return tf.tensor3d(out, [1, 4, 4], 'float32');
}

/** Checks the landmarks' shape [1,N,D] (D >= 2) and the options' indices against N; returns D. */
export function checkLandmarksForMatrix(shape: readonly number[], o: Landmarks2TransformMatrixOptions): number {
  if (shape.length !== 3 || shape[0] !== 1 || shape[2]! < 2) {
    throw new Error(`${OP}: landmarks must have shape [1,N,3] (got [${shape.join(',')}]).`);
  }
  const n = shape[1]!;
  const check = (what: string, i: number) => {
    if (!(Number.isInteger(i) && i >= 0 && i < n)) throw new Error(`${OP}: ${what} ${i} is out of range for ${n} landmarks.`);
  };
  check('left_rotation_idx', o.leftRotationIdx);
  check('right_rotation_idx', o.rightRotationIdx);
  if (o.subsetIdxs.length === 0) throw new Error(`${OP}: subset_idxs is empty.`);
  for (const i of o.subsetIdxs) check('subset index', i);
  if (!(o.outputWidth > 0 && o.outputHeight > 0)) throw new Error(`${OP}: output sizes must be > 0.`);
  return shape[2]!;
}

/**
 * The op on plain arrays: landmarks (d values each, indices already checked) from `lm[lmOffset..]`,
 * the 4x4 matrix written to `out[outOffset..]`.
 */
export function cropMatrix(
  lm: ArrayLike<number>, lmOffset: number, d: number, o: Landmarks2TransformMatrixOptions, out: Float32Array, outOffset: number,
): void {
  const lx = lm[lmOffset + o.leftRotationIdx * d]!;
  const ly = lm[lmOffset + o.leftRotationIdx * d + 1]!;
  const rx = lm[lmOffset + o.rightRotationIdx * d]!;
  const ry = lm[lmOffset + o.rightRotationIdx * d + 1]!;
  const rot = o.targetRotationRadians - Math.atan2(ry - ly, rx - lx);
  const cos = Math.cos(rot);
  const sin = Math.sin(rot);

  // Bounding box in the frame rotated by +rot: q = Rot(rot)·p.
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const i of o.subsetIdxs) {
    const px = lm[lmOffset + i * d]!;
    const py = lm[lmOffset + i * d + 1]!;
    const qx = cos * px - sin * py;
    const qy = sin * px + cos * py;
    if (qx < minX) minX = qx;
    if (qx > maxX) maxX = qx;
    if (qy < minY) minY = qy;
    if (qy > maxY) maxY = qy;
  }
  const midX = (minX + maxX) / 2;
  const midY = (minY + maxY) / 2;
  // Back to the input frame: c = Rot(-rot)·mid.
  const cx = cos * midX + sin * midY;
  const cy = -sin * midX + cos * midY;

  const sx = (o.scaleX * (maxX - minX)) / o.outputWidth;
  const sy = (o.scaleY * (maxY - minY)) / o.outputHeight;
  const hw = o.outputWidth / 2;
  const hh = o.outputHeight / 2;
  // Rot(-rot) = [[cos, sin], [-sin, cos]].
  const m00 = cos * sx;
  const m01 = sin * sy;
  const m10 = -sin * sx;
  const m11 = cos * sy;
  out.fill(0, outOffset, outOffset + 16);
  out[outOffset + 0] = m00;
  out[outOffset + 1] = m01;
  out[outOffset + 3] = cx - m00 * hw - m01 * hh;
  out[outOffset + 4] = m10;
  out[outOffset + 5] = m11;
  out[outOffset + 7] = cy - m10 * hw - m11 * hh;
  out[outOffset + 10] = 1;
  out[outOffset + 15] = 1;
}

/** The reference kernel (the reference executor's, and the plan's fallback). */
export function compileLandmarksToTransformMatrix(ctx: CompileContext): CompiledOp {
  requireVersion2(ctx);
  const options = parseLandmarks2TransformMatrixOptions(ctx.op.customOptions);
  return {
    kind: 'exec', inputs: [ctx.input(0)], output: singleOutput(ctx), label: 'Landmarks2TransformMatrix',
    exec: ([landmarks]) => landmarksToTransformMatrix(landmarks!, options),
  };
}

const landmarksToTransformMatrixShape: ShapeRule = (ctx) => {
  customVersion2(ctx);
  inputCount(ctx, 1);
  const [one, n, d] = rank(ctx, 0, 3, 'the landmarks') as [number, number, number];
  if (one !== 1 || d < 2) fail(ctx.op, `the landmarks must be [1,N,D] with D >= 2, found [${one},${n},${d}]`);
  const o = parsed(ctx, () => parseLandmarks2TransformMatrixOptions(ctx.op.customOptions));
  for (const [what, i] of [['left_rotation_idx', o.leftRotationIdx], ['right_rotation_idx', o.rightRotationIdx], ...o.subsetIdxs.map((i) => ['subset_idxs', i] as const)] as const) {
    if (i >= n) fail(ctx.op, `${what} ${i} is out of range for ${n} landmarks`);
  }
  return [1, 4, 4];
};

function planLandmarksToTransformMatrix(ctx: PlanContext): PlanCompiled {
  requireVersion2(ctx);
  const options = parseLandmarks2TransformMatrixOptions(ctx.op.customOptions);
  const d = checkLandmarksForMatrix(ctx.shapeIn(0), options);
  if (elementCount(ctx.info(ctx.op.outputs[0]!).shape) !== 16) return null;
  return hostStep(ctx, 'Landmarks2TransformMatrix', [ctx.input(0)], (heap, [landmarks], to) =>
    cropMatrix(heap, landmarks!, d, options, heap, to));
}

export const LANDMARKS_TO_TRANSFORM_MATRIX: OpDefinition = { shape: landmarksToTransformMatrixShape, compile: compileLandmarksToTransformMatrix, plan: planLandmarksToTransformMatrix };
