/**
 * MediaPipe custom op `TransformTensorBilinear`, version 2
 * (mediapipe/util/tflite/operations/transform_tensor_bilinear.cc, `namespace v2`).
 *
 * Samples an [1,H,W,C] map at the points T·(crop cell centre) into an [1,oh,ow,C] crop. Only rows
 * 0 and 1 of T (a, b) are used, with the v2 half-pixel correction
 * `a[3] += 0.5·a[0] + 0.5·a[1] − 0.5` (same for b); output cell (ox, oy) then samples
 * `tx = a[0]·ox + a[1]·oy + a[3]`, `ty = b[0]·ox + b[1]·oy + b[3]` (input pixel k centred at k).
 * A sample with tx < 0, tx > W−1, ty < 0 or ty > H−1 is all zero; otherwise bilinear, a corner
 * outside the map reading 0 (reachable only with weight 0, at tx = W−1 or ty = H−1).
 *
 * A host loop over the map's data: the crop is tiny (16x16x32 from 48x48x32 here). On the wasm
 * backend the map is read in place, through a view of the wasm heap (dataSync() would copy all
 * 48x48x32 floats on each of the 3 calls per frame for the 256x32 it samples).
 */
import { UnsupportedOpError } from '../../errors.js';
import * as tf from '@tensorflow/tfjs-core';
import { checkMatrixShape, readInt, requireMap } from './flex_options.js';
import { requireVersion2 } from './version.js';
import { elementCount, MAX_TENSOR_ELEMENTS } from '../../limits.js';
import { describeOp, singleOutput, type CompiledOp, type CompileContext, type OpDefinition } from '../types.js';
import { fail, inputCount, rank, type ShapeRule } from '../shapes.js';
import { hostStep, type PlanCompiled, type PlanContext } from '../../plan/plan_step.js';
import { customVersion2, matrixInput, parsed } from './shape_checks.js';

const OP = 'TransformTensorBilinear';

/** Options from the decoded FlexBuffer map: `output_height`, `output_width` (integers > 0). */
export function parseTransformTensorBilinearOptions(map: Record<string, unknown>): { outputHeight: number; outputWidth: number } {
  const m = requireMap(OP, map);
  return { outputHeight: readInt(OP, m, 'output_height', 1), outputWidth: readInt(OP, m, 'output_width', 1) };
}

interface HeapBackend {
  typedArrayFromHeap(t: { shape: number[]; dtype: tf.DataType; dataId: object }): ArrayLike<number>;
}

/**
 * The tensor's values without a copy where the backend keeps them in the wasm heap (valid until the
 * next allocation, which may grow the heap: read before creating any tensor); a copy elsewhere.
 */
function readInPlace(t: tf.Tensor): ArrayLike<number> {
  const backend = tf.backend() as Partial<HeapBackend>;
  if (t.dtype === 'float32' && tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function') {
    return backend.typedArrayFromHeap({ shape: t.shape, dtype: t.dtype, dataId: t.dataId });
  }
  return t.dataSync() as ArrayLike<number>;
}

/** input [1,H,W,C], matrix [1,4,4] -> [1,outputHeight,outputWidth,C] float32. Creates no other tensors. */
export function transformTensorBilinear(input: tf.Tensor, matrix: tf.Tensor, outputHeight: number, outputWidth: number): tf.Tensor {
  const shape = input.shape;
  if (shape.length !== 4 || shape[0] !== 1) {
    throw new Error(`${OP}: input must have shape [1,H,W,C] (got [${shape.join(',')}]).`);
  }
  checkMatrixShape(OP, matrix.shape);
  if (!(Number.isInteger(outputHeight) && outputHeight > 0 && Number.isInteger(outputWidth) && outputWidth > 0)) {
    throw new Error(`${OP}: output size must be positive integers (got ${outputHeight}x${outputWidth}).`);
  }
  const [, h, w, c] = shape as [number, number, number, number];
  const out = new Float32Array(outputHeight * outputWidth * c);
  if (h === 0 || w === 0 || c === 0) return tf.tensor4d(out, [1, outputHeight, outputWidth, c], 'float32');
  sampleBilinear(readInPlace(input), 0, h, w, c, matrix.dataSync() as ArrayLike<number>, 0, outputHeight, outputWidth, out, 0);
  return tf.tensor4d(out, [1, outputHeight, outputWidth, c], 'float32');
}

/**
 * The op on plain arrays: the [h,w,c] map at `img[imgOffset..]`, the 4x4 matrix at `t[tOffset..]`,
 * the [outputHeight,outputWidth,c] crop written to `out[outOffset..]` (every value, zeros included).
 */
export function sampleBilinear(
  img: ArrayLike<number>, imgOffset: number, h: number, w: number, c: number, t: ArrayLike<number>, tOffset: number,
  outputHeight: number, outputWidth: number, out: Float32Array, outOffset: number,
): void {
  const a0 = t[tOffset]!;
  const a1 = t[tOffset + 1]!;
  const a3 = t[tOffset + 3]! + (a0 * 0.5 + a1 * 0.5 - 0.5); // as `a[3] += ...` in the kernel
  const b0 = t[tOffset + 4]!;
  const b1 = t[tOffset + 5]!;
  const b3 = t[tOffset + 7]! + (b0 * 0.5 + b1 * 0.5 - 0.5);
  const maxX = w - 1;
  const maxY = h - 1;
  const rowStride = w * c;

  let o = outOffset;
  for (let oy = 0; oy < outputHeight; oy++) {
    for (let ox = 0; ox < outputWidth; ox++, o += c) {
      const tx = a0 * ox + a1 * oy + a3;
      const ty = b0 * ox + b1 * oy + b3;
      // Written so that NaN also lands here (the output is 0).
      if (!(tx >= 0 && tx <= maxX && ty >= 0 && ty <= maxY)) {
        out.fill(0, o, o + c);
        continue;
      }
      const x0 = Math.floor(tx);
      const y0 = Math.floor(ty);
      const fx = tx - x0;
      const fy = ty - y0;
      const hasX1 = x0 + 1 <= maxX;
      const hasY1 = y0 + 1 <= maxY;
      const w00 = (1 - fy) * (1 - fx);
      const w01 = (1 - fy) * fx;
      const w10 = fy * (1 - fx);
      const w11 = fy * fx;
      const p00 = imgOffset + y0 * rowStride + x0 * c;
      const p01 = p00 + c;
      const p10 = p00 + rowStride;
      const p11 = p10 + c;
      if (hasX1 && hasY1) {
        for (let k = 0; k < c; k++) {
          out[o + k] = w00 * img[p00 + k]! + w01 * img[p01 + k]! + w10 * img[p10 + k]! + w11 * img[p11 + k]!;
        }
      } else {
        for (let k = 0; k < c; k++) {
          let v = w00 * img[p00 + k]!;
          if (hasX1) v += w01 * img[p01 + k]!;
          if (hasY1) v += w10 * img[p10 + k]!;
          out[o + k] = v;
        }
      }
    }
  }
}

/** The reference kernel (the reference executor's, and the plan's fallback). */
export function compileTransformTensorBilinear(ctx: CompileContext): CompiledOp {
  requireVersion2(ctx);
  const { outputHeight, outputWidth } = parseTransformTensorBilinearOptions(ctx.op.customOptions);
  // The kernel allocates outputHeight x outputWidth x C floats per call: bounded here, from the file's options.
  const channels = ctx.info(ctx.input(0)).shape[3] ?? 1;
  if (outputHeight * outputWidth * channels > MAX_TENSOR_ELEMENTS) {
    throw new UnsupportedOpError(`${describeOp(ctx.op)}: output ${outputHeight}x${outputWidth}x${channels} exceeds ${MAX_TENSOR_ELEMENTS} values`);
  }
  return {
    kind: 'exec', inputs: [ctx.input(0), ctx.input(1)], output: singleOutput(ctx), label: 'TransformTensorBilinear',
    exec: ([input, matrix]) => transformTensorBilinear(input!, matrix!, outputHeight, outputWidth),
  };
}

const transformTensorBilinearShape: ShapeRule = (ctx) => {
  customVersion2(ctx);
  inputCount(ctx, 2);
  const [one, , , c] = rank(ctx, 0, 4, 'the input') as [number, number, number, number];
  if (one !== 1) fail(ctx.op, `the input must be [1,H,W,C], found [${ctx.shape(0)}]`);
  matrixInput(ctx, 1);
  const { outputHeight, outputWidth } = parsed(ctx, () => parseTransformTensorBilinearOptions(ctx.op.customOptions));
  return [1, outputHeight, outputWidth, c];
};

function planTransformTensorBilinear(ctx: PlanContext): PlanCompiled {
  requireVersion2(ctx);
  const { outputHeight, outputWidth } = parseTransformTensorBilinearOptions(ctx.op.customOptions);
  const shape = ctx.shapeIn(0);
  checkMatrixShape('TransformTensorBilinear', ctx.shapeIn(1));
  if (shape.length !== 4 || shape[0] !== 1 || elementCount(ctx.info(ctx.op.outputs[0]!).shape) !== outputHeight * outputWidth * shape[3]!) return null;
  const [, h, w, c] = shape as [number, number, number, number];
  return hostStep(ctx, 'TransformTensorBilinear', [ctx.input(0), ctx.input(1)], (heap, [img, matrix], to) =>
    sampleBilinear(heap, img!, h, w, c, heap, matrix!, outputHeight, outputWidth, heap, to));
}

export const TRANSFORM_TENSOR_BILINEAR: OpDefinition = { shape: transformTensorBilinearShape, compile: compileTransformTensorBilinear, plan: planTransformTensorBilinear };
