/**
 * Plan steps per TFLite op: each compiles once into a closure that calls one C kernel of the tfjs
 * wasm backend (or one of our own residual kernels) with every argument fixed, on buffers the plan
 * allocated once. An op this file does not handle returns null, and the plan runs the reference
 * executor's kernel for it (ops/, copying in and out of the plan's buffers).
 *
 * Shapes come from the op's own tensors (before alias resolution): a RESHAPE is an alias here, so
 * the buffer an input resolves to may carry another shape.
 */
import * as tf from '@tensorflow/tfjs-core';
import { builtinActivation, FLAT_SLOPES, planConvActivation } from '../ops/activation.js';
import { OHWI_TO_HWIO } from '../ops/conv_2d.js';
import { depthwiseFilterLayout } from '../ops/depthwise_conv_2d.js';
import { constInts, optionsOf, singleOutput, type CompileContext } from '../ops/types.js';
import { checkMatrixShape } from '../ops/custom/flex_options.js';
import { checkLandmarksForMatrix, cropMatrix, parseLandmarks2TransformMatrixOptions } from '../ops/custom/landmarks_to_transform_matrix.js';
import { transformPoints } from '../ops/custom/transform_landmarks.js';
import { parseTransformTensorBilinearOptions, sampleBilinear } from '../ops/custom/transform_tensor_bilinear.js';
import { requireVersion2 } from '../ops/custom/version.js';
import { elementCount } from '../limits.js';
import type { OwnKernels } from './own_kernels.js';
import type { WasmBackendAccess } from './wasm_backend.js';

/** A buffer of the plan: the backend tensor id registered for it and its element offset. */
export interface PlanBuffer {
  id: number;
  /** Offset in float32 elements from the start of the backend's memory. */
  offset: number;
  size: number;
}

export type BufferOf = (tensor: number) => PlanBuffer;

export interface PlanStepSpec {
  kind: 'step';
  label: string;
  /** Runtime tensors (resolved) the step reads. */
  inputs: number[];
  /** The tensor it writes. */
  output: number;
  /** Called once the buffers are placed; returns the per-frame call. */
  bind(buffer: BufferOf): () => void;
}

export type PlanCompiled = { kind: 'alias'; of: number } | PlanStepSpec | null;

export interface PlanContext extends CompileContext {
  readonly wasm: WasmBackendAccess;
  /** Our residual kernels, or null (then ADD/PAD/PRELU run as tfjs kernels). */
  readonly kernels: OwnKernels | null;
  /** Shape of the op's input `i` as the op sees it. */
  shapeIn(i: number): number[];
  /** For the output of a channel PAD folded into the ADD reading it: the PAD's input. */
  paddedFrom(tensor: number): number | undefined;
  /** Heap memory (int arrays for kernels) freed when the plan is disposed. */
  own(pointer: number): number;
}

/** tfjs-backend-wasm's FusableActivation codes. */
const ACTIVATION_CODE = { linear: 0, relu: 1, relu6: 2, prelu: 3 } as const;
const FLOAT32 = 0; // tfjs-backend-wasm's CppDType.float32

const isRuntime = (ctx: CompileContext, t: number): boolean => t >= 0 && !ctx.constData(t);

function planConv(ctx: PlanContext, depthwise: boolean): PlanCompiled {
  const o = depthwise ? optionsOf(ctx, 'DepthwiseConv2DOptions') : optionsOf(ctx, 'Conv2DOptions');
  const x = ctx.input(0);
  const xShape = ctx.shapeIn(0);
  const filterIndex = ctx.input(1);
  const fShape = ctx.info(filterIndex).shape;
  if (!isRuntime(ctx, x) || !ctx.constData(filterIndex) || fShape.length !== 4 || xShape.length !== 4) return null;
  const inChannels = xShape[3]!;
  if (depthwise && (fShape[0] !== 1 || fShape[3]! % inChannels !== 0)) return null;
  const filter = depthwise ? ctx.constant(filterIndex, depthwiseFilterLayout(fShape, inChannels)) : ctx.constant(filterIndex, OHWI_TO_HWIO);
  const biasIndex = ctx.op.inputs.length > 2 ? ctx.input(2) : -1;
  const bias = biasIndex >= 0 ? ctx.constant(biasIndex) : undefined;
  const outChannels = depthwise ? fShape[3]! : fShape[0]!;
  const act = planConvActivation(ctx, o.activation, singleOutput(ctx), outChannels);
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filter.shape as [number, number, number, number],
    [o.strideH, o.strideW], [o.dilationH, o.dilationW], o.padding === 'SAME' ? 'same' : 'valid', undefined, depthwise,
  );
  const kernel = ctx.wasm.kernel(depthwise ? 'FusedDepthwiseConv2D' : 'FusedConv2D');
  const filterId = ctx.wasm.idOf(filter);
  const biasId = bias ? ctx.wasm.idOf(bias) : 0;
  const preluId = act.alpha ? ctx.wasm.idOf(act.alpha) : 0;
  const p = info.padInfo;
  return {
    kind: 'step', label: (depthwise ? 'DEPTHWISE_CONV_2D' : 'CONV_2D') + act.suffix, inputs: [x], output: act.output,
    bind: (buffer) => {
      const xId = buffer(x).id;
      const outId = buffer(act.output).id;
      return () => kernel(
        xId, info.batchSize, info.inHeight, info.inWidth, filterId, info.filterHeight, info.filterWidth, biasId,
        p.top, p.right, p.bottom, p.left, p.type === 'SAME' ? 1 : 0, info.dilationHeight, info.dilationWidth,
        info.strideHeight, info.strideWidth, info.inChannels, info.outChannels, ACTIVATION_CODE[act.activation], preluId, 0, outId,
      );
    },
  };
}

/**
 * A PAD that only appends zero channels, read by nothing but an ADD of two same-shape runtime
 * tensors: the residual kernel reads its input directly (the padded tensor is never made).
 */
export function isFoldableChannelPad(ctx: CompileContext): boolean {
  if (ctx.op.opName !== 'PAD' || ctx.op.inputs.length !== 2) return false;
  const x = ctx.input(0);
  const paddingsIndex = ctx.input(1);
  const paddings = paddingsIndex >= 0 ? ctx.constData(paddingsIndex) : null;
  const shape = ctx.info(ctx.op.inputs[0]!).shape;
  if (!isRuntime(ctx, x) || !paddings || shape.length !== 4 || paddings.length !== 8) return false;
  if (paddings.some((v, i) => (i === 7 ? v <= 0 : v !== 0))) return false;
  const add = ctx.soleConsumer(ctx.op.outputs[0]!);
  if (!add || add.opName !== 'ADD' || add.inputs.length !== 2) return false;
  const padded = ctx.info(ctx.op.outputs[0]!).shape.join();
  return add.inputs.every((t) => t >= 0 && isRuntime(ctx, ctx.resolve(t)) && ctx.info(t).shape.join() === padded) &&
    ctx.info(add.outputs[0]!).shape.join() === padded;
}

function planAdd(ctx: PlanContext): PlanCompiled {
  const activation = ctx.op.options ? builtinActivation(ctx, optionsOf(ctx, 'AddOptions').activation) : 'linear';
  const a = ctx.input(0);
  const b = ctx.input(1);
  const out = singleOutput(ctx);
  const outShape = ctx.info(out).shape;
  const sameShape = [0, 1].every((i) => ctx.shapeIn(i).join() === outShape.join());
  if (ctx.kernels && sameShape && outShape.length >= 1 && isRuntime(ctx, a) && isRuntime(ctx, b) && activation !== 'relu6') {
    return planResidual(ctx, ctx.kernels, a, b, out, outShape, activation);
  }
  return planBinary(ctx, 'Add', activation);
}

/** ADD (+ a folded channel PAD) (+ the PRELU/RELU that is its only reader) as one residual kernel. */
function planResidual(
  ctx: PlanContext, kernels: OwnKernels, a: number, b: number, out: number, shape: number[], own: 'linear' | 'relu' | 'prelu',
): PlanStepSpec {
  const channels = shape.at(-1)!;
  const pixels = shape.reduce((p, d) => p * d, 1) / channels;
  // x: the shortcut (possibly with fewer channels), y: the full-width operand.
  const padA = ctx.paddedFrom(a);
  const padB = ctx.paddedFrom(b);
  const [x, y] = padA !== undefined ? [padA, b] : padB !== undefined ? [padB, a] : [a, b];
  const xChannels = padA !== undefined || padB !== undefined ? ctx.info(x).shape.at(-1)! : channels;
  let activation = own;
  let output = out;
  let alpha: tf.Tensor | undefined;
  const next = own === 'linear' && ctx.fuse ? ctx.soleConsumer(out) : null;
  if (next?.opName === 'RELU' && next.inputs[0] === out) {
    ctx.absorb(next);
    activation = 'relu';
    output = next.outputs[0]!;
  } else if (next?.opName === 'PRELU' && next.inputs[0] === out && next.outputs.length === 1) {
    const alphaIndex = ctx.resolve(next.inputs[1]!);
    const slopes = ctx.constData(alphaIndex);
    if (slopes && slopes.length === channels) {
      ctx.absorb(next);
      activation = 'prelu';
      output = next.outputs[0]!;
      alpha = ctx.constant(alphaIndex, FLAT_SLOPES);
    }
  }
  const label = `ADD${xChannels < channels ? '(PAD)' : ''}${activation === 'linear' ? '' : '+' + activation.toUpperCase()} (own SIMD)`;
  return {
    kind: 'step', label, inputs: [x, y], output,
    bind: (buffer) => {
      const xp = buffer(x).offset * 4;
      const yp = buffer(y).offset * 4;
      const op = buffer(output).offset * 4;
      if (activation === 'prelu') {
        const ap = ctx.wasm.offsetOf(alpha!);
        return () => kernels.residualAddPrelu(xp, xChannels, yp, op, ap, pixels, channels);
      }
      const f = activation === 'relu' ? kernels.residualAddRelu : kernels.residualAdd;
      return () => f(xp, xChannels, yp, op, pixels, channels);
    },
  };
}

/** ADD / MUL through tfjs' broadcasting kernels (operands may be constants). */
function planBinary(ctx: PlanContext, kernelName: 'Add' | 'Multiply', activation: string): PlanCompiled {
  if (activation !== 'linear') return null;
  const operands = [ctx.input(0), ctx.input(1)];
  const shapes = [ctx.shapeIn(0), ctx.shapeIn(1)];
  const constIds = operands.map((t) => (isRuntime(ctx, t) ? -1 : ctx.wasm.idOf(ctx.constant(t))));
  const shapePtrs = shapes.map((s) => ctx.own(ctx.wasm.int32s(s)));
  const kernel = ctx.wasm.kernel(kernelName);
  const out = singleOutput(ctx);
  return {
    kind: 'step', label: ctx.op.opName, inputs: operands.filter((t) => isRuntime(ctx, t)), output: out,
    bind: (buffer) => {
      const [aId, bId] = operands.map((t, i) => (constIds[i]! >= 0 ? constIds[i]! : buffer(t).id)) as [number, number];
      const outId = buffer(out).id;
      return () => kernel(aId, shapePtrs[0]!, shapes[0]!.length, bId, shapePtrs[1]!, shapes[1]!.length, FLOAT32, outId);
    },
  };
}

function planMul(ctx: PlanContext): PlanCompiled {
  const activation = ctx.op.options ? builtinActivation(ctx, optionsOf(ctx, 'MulOptions').activation) : 'linear';
  return planBinary(ctx, 'Multiply', activation);
}

function unaryStep(ctx: PlanContext, label: string, call: (xId: number, outId: number) => void): PlanCompiled {
  const x = ctx.input(0);
  if (!isRuntime(ctx, x)) return null;
  const out = singleOutput(ctx);
  return { kind: 'step', label, inputs: [x], output: out, bind: (buffer) => { const xi = buffer(x).id, oi = buffer(out).id; return () => call(xi, oi); } };
}

function planRelu(ctx: PlanContext): PlanCompiled {
  const relu = ctx.wasm.kernel('Relu');
  return unaryStep(ctx, 'RELU', (x, out) => relu(x, FLOAT32, out));
}

function planPrelu(ctx: PlanContext): PlanCompiled {
  const alphaIndex = ctx.input(1);
  const slopes = alphaIndex >= 0 ? ctx.constData(alphaIndex) : null;
  // The wasm Prelu kernel cycles through the slopes along the flat tensor: per-channel (or one) only.
  if (!slopes || !(slopes.length === ctx.shapeIn(0).at(-1) || slopes.length === 1)) return null;
  const alphaId = ctx.wasm.idOf(ctx.constant(alphaIndex, FLAT_SLOPES));
  const prelu = ctx.wasm.kernel('Prelu');
  return unaryStep(ctx, 'PRELU', (x, out) => prelu(x, alphaId, out));
}

function planPad(ctx: PlanContext): PlanCompiled {
  if (ctx.op.inputs.length !== 2) return null;
  const shape = ctx.shapeIn(0);
  const flat = constInts(ctx, 1);
  if (flat.length !== shape.length * 2) return null;
  const pre = ctx.own(ctx.wasm.int32s(flat.filter((_, i) => i % 2 === 0)));
  const post = ctx.own(ctx.wasm.int32s(flat.filter((_, i) => i % 2 === 1)));
  const shapePtr = ctx.own(ctx.wasm.int32s(shape));
  const pad = ctx.wasm.kernel('PadV2');
  return unaryStep(ctx, 'PAD', (x, out) => pad(x, shapePtr, shape.length, FLOAT32, pre, post, 0, out));
}

function planMaxPool(ctx: PlanContext): PlanCompiled {
  const o = optionsOf(ctx, 'Pool2DOptions');
  const shape = ctx.shapeIn(0);
  if (o.activation !== 'NONE' || shape.length !== 4) return null;
  const info = tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number], [o.filterH, o.filterW], [o.strideH, o.strideW], 1, o.padding === 'SAME' ? 'same' : 'valid',
  );
  const p = info.padInfo;
  const maxPool = ctx.wasm.kernel('MaxPool');
  return unaryStep(ctx, 'MAX_POOL_2D', (x, out) => maxPool(
    x, info.batchSize, info.inHeight, info.inWidth, info.filterHeight, info.filterWidth, p.top, p.right, p.bottom, p.left,
    info.dilationHeight, info.dilationWidth, info.strideHeight, info.strideWidth, info.inChannels, info.outChannels, out,
  ));
}

/** CONCATENATION of runtime tensors: block copies inside the heap. */
function planConcatenation(ctx: PlanContext): PlanCompiled {
  const o = optionsOf(ctx, 'ConcatenationOptions');
  const inputs = ctx.op.inputs.map((_, i) => ctx.input(i));
  if (o.activation !== 'NONE' || !inputs.every((t) => isRuntime(ctx, t))) return null;
  const shapes = inputs.map((_, i) => ctx.shapeIn(i));
  const rank = shapes[0]!.length;
  const axis = o.axis < 0 ? o.axis + rank : o.axis;
  const outer = shapes[0]!.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shapes.map((s) => s.slice(axis).reduce((a, b) => a * b, 1));
  const total = inner.reduce((a, b) => a + b, 0);
  const out = singleOutput(ctx);
  const wasm = ctx.wasm;
  return {
    kind: 'step', label: 'CONCATENATION', inputs, output: out,
    bind: (buffer) => {
      const from = inputs.map((t) => buffer(t).offset);
      const to = buffer(out).offset;
      return () => {
        const heap = wasm.module.HEAPF32;
        for (let r = 0; r < outer; r++) {
          let dst = to + r * total;
          for (let k = 0; k < inputs.length; k++) {
            const n = inner[k]!;
            const src = from[k]! + r * n;
            heap.copyWithin(dst, src, src + n);
            dst += n;
          }
        }
      };
    },
  };
}

/**
 * The attention model's custom ops, on the heap in place (host loops: their inputs are small, or,
 * for TransformTensorBilinear, only the sampled 4 texels per output cell are read).
 */
function hostStep(ctx: PlanContext, label: string, inputs: number[], body: (heap: Float32Array, from: number[], to: number) => void): PlanCompiled {
  if (!inputs.every((t) => isRuntime(ctx, t))) return null;
  const out = singleOutput(ctx);
  const wasm = ctx.wasm;
  return {
    kind: 'step', label, inputs, output: out,
    bind: (buffer) => {
      const from = inputs.map((t) => buffer(t).offset);
      const to = buffer(out).offset;
      return () => body(wasm.module.HEAPF32, from, to);
    },
  };
}

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

function planLandmarksToTransformMatrix(ctx: PlanContext): PlanCompiled {
  requireVersion2(ctx);
  const options = parseLandmarks2TransformMatrixOptions(ctx.op.customOptions);
  const d = checkLandmarksForMatrix(ctx.shapeIn(0), options);
  if (elementCount(ctx.info(ctx.op.outputs[0]!).shape) !== 16) return null;
  return hostStep(ctx, 'Landmarks2TransformMatrix', [ctx.input(0)], (heap, [landmarks], to) =>
    cropMatrix(heap, landmarks!, d, options, heap, to));
}

export type PlanCompiler = (ctx: PlanContext) => PlanCompiled;

export const PLAN_KERNELS: ReadonlyMap<string, PlanCompiler> = new Map<string, PlanCompiler>([
  ['ADD', planAdd],
  ['CONCATENATION', planConcatenation],
  ['CONV_2D', (ctx) => planConv(ctx, false)],
  ['DEPTHWISE_CONV_2D', (ctx) => planConv(ctx, true)],
  ['MAX_POOL_2D', planMaxPool],
  ['MUL', planMul],
  ['PAD', planPad],
  ['PRELU', planPrelu],
  ['RELU', planRelu],
  ['RESHAPE', (ctx) => (isRuntime(ctx, ctx.input(0)) ? { kind: 'alias', of: ctx.input(0) } : null)],
  ['Landmarks2TransformMatrix', planLandmarksToTransformMatrix],
  ['TransformLandmarks', planTransformLandmarks],
  ['TransformTensorBilinear', planTransformTensorBilinear],
]);
