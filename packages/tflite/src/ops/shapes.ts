/**
 * Shape rules: for each op we run, the output shape its kernel will produce from its input shapes,
 * options and constant parameters, with those parameters checked (strides >= 1, paddings >= 0,
 * indices in range, sizes bounded). Pure (no tfjs): checkGraph runs them over a whole graph before
 * the executor uploads anything, and the fuzz test runs them in Node. A model whose declared shapes
 * disagree with these, or whose tensors would exceed MAX_TENSOR_ELEMENTS, is refused at load, so
 * no kernel ever sees a size or an index that came from the file unchecked.
 */
import { ModelFormatError, UnsupportedOpError } from '../errors.js';
import { elementCount, MAX_DIMENSION, MAX_TENSOR_ELEMENTS } from '../limits.js';
import type { OperatorInfo } from '../parser/model.js';
import type { BuiltinOptions, FusedActivation, Padding } from '../parser/schema.js';
import { parseLandmarks2TransformMatrixOptions } from './custom/landmarks_to_transform_matrix.js';
import { parseTransformTensorBilinearOptions } from './custom/transform_tensor_bilinear.js';
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

const fail = (op: OperatorInfo, message: string): never => {
  throw new ModelFormatError(`${describeOp(op)}: ${message}`);
};

function inputCount(ctx: ShapeContext, min: number, max = min): void {
  const n = ctx.op.inputs.length;
  if (n < min || n > max) fail(ctx.op, `expected ${min === max ? min : `${min} to ${max}`} inputs, found ${n}`);
  // Only a conv's bias (input 2) may be omitted.
  ctx.op.inputs.forEach((t, i) => {
    if (t < 0 && !(i === 2 && (ctx.op.opName === 'CONV_2D' || ctx.op.opName === 'DEPTHWISE_CONV_2D'))) fail(ctx.op, `input ${i} is missing`);
  });
}

function options<K extends BuiltinOptions['type']>(ctx: ShapeContext, type: K): BuiltinOptions & { type: K } {
  const o = ctx.op.options;
  if (!o || o.type !== type) throw new UnsupportedOpError(`${describeOp(ctx.op)}: expected ${type}, found ${o ? o.type : 'no options'}`);
  return o as BuiltinOptions & { type: K };
}

const SUPPORTED_ACTIVATIONS: readonly FusedActivation[] = ['NONE', 'RELU', 'RELU6'];

function activation(ctx: ShapeContext, a: FusedActivation): void {
  if (!SUPPORTED_ACTIVATIONS.includes(a)) throw new UnsupportedOpError(`${describeOp(ctx.op)}: fused activation ${a} is not supported`);
}

function rank(ctx: ShapeContext, i: number, r: number, what: string): number[] {
  const s = ctx.shape(i);
  if (s.length !== r) fail(ctx.op, `${what} must have rank ${r}, found [${s}]`);
  return s;
}

/** A stride, dilation or filter size: an integer in [1, MAX_DIMENSION]. */
function positive(op: OperatorInfo, value: number, what: string): number {
  if (!(Number.isInteger(value) && value >= 1 && value <= MAX_DIMENSION)) fail(op, `${what} must be an integer >= 1, found ${value}`);
  return value;
}

/** Output length of a window op along one axis (TensorFlow's SAME/VALID). */
function windowOutput(op: OperatorInfo, size: number, filter: number, stride: number, dilation: number, padding: Padding): number {
  const out = padding === 'SAME' ? Math.ceil(size / stride) : Math.ceil((size - (filter - 1) * dilation) / stride);
  if (!(out >= 1)) fail(op, `a ${filter}-wide window (dilation ${dilation}) does not fit an input of ${size} with ${padding} padding`);
  return out;
}

function biasRule(ctx: ShapeContext, channels: number): void {
  if (ctx.op.inputs.length < 3 || ctx.op.inputs[2]! < 0) return;
  const bias = ctx.constData(2);
  if (!bias || bias.length !== channels) fail(ctx.op, `the bias must be a constant of ${channels} values`);
}

const conv2d: ShapeRule = (ctx) => {
  inputCount(ctx, 2, 3);
  const o = options(ctx, 'Conv2DOptions');
  activation(ctx, o.activation);
  const [n, h, w, c] = rank(ctx, 0, 4, 'the input') as [number, number, number, number];
  const f = rank(ctx, 1, 4, 'the filter') as [number, number, number, number];
  if (!ctx.constData(1) || f[3] !== c) fail(ctx.op, `the filter must be a constant [out,kh,kw,${c}], found [${f}]`);
  biasRule(ctx, f[0]);
  const sh = positive(ctx.op, o.strideH, 'stride_h'), sw = positive(ctx.op, o.strideW, 'stride_w');
  const dh = positive(ctx.op, o.dilationH, 'dilation_h'), dw = positive(ctx.op, o.dilationW, 'dilation_w');
  return [n, windowOutput(ctx.op, h, f[1], sh, dh, o.padding), windowOutput(ctx.op, w, f[2], sw, dw, o.padding), f[0]];
};

const depthwiseConv2d: ShapeRule = (ctx) => {
  inputCount(ctx, 2, 3);
  const o = options(ctx, 'DepthwiseConv2DOptions');
  activation(ctx, o.activation);
  const [n, h, w, c] = rank(ctx, 0, 4, 'the input') as [number, number, number, number];
  const f = rank(ctx, 1, 4, 'the filter') as [number, number, number, number];
  if (!ctx.constData(1) || f[0] !== 1 || c < 1 || f[3] % c !== 0 || f[3] < 1) {
    fail(ctx.op, `the filter must be a constant [1,kh,kw,${c}*M], found [${f}]`);
  }
  biasRule(ctx, f[3]);
  const sh = positive(ctx.op, o.strideH, 'stride_h'), sw = positive(ctx.op, o.strideW, 'stride_w');
  const dh = positive(ctx.op, o.dilationH, 'dilation_h'), dw = positive(ctx.op, o.dilationW, 'dilation_w');
  return [n, windowOutput(ctx.op, h, f[1], sh, dh, o.padding), windowOutput(ctx.op, w, f[2], sw, dw, o.padding), f[3]];
};

const maxPool2d: ShapeRule = (ctx) => {
  inputCount(ctx, 1);
  const o = options(ctx, 'Pool2DOptions');
  activation(ctx, o.activation);
  const [n, h, w, c] = rank(ctx, 0, 4, 'the input') as [number, number, number, number];
  const fh = positive(ctx.op, o.filterH, 'filter_height'), fw = positive(ctx.op, o.filterW, 'filter_width');
  const sh = positive(ctx.op, o.strideH, 'stride_h'), sw = positive(ctx.op, o.strideW, 'stride_w');
  return [n, windowOutput(ctx.op, h, fh, sh, 1, o.padding), windowOutput(ctx.op, w, fw, sw, 1, o.padding), c];
};

/** PAD's paddings: a constant [rank, 2] of integers in [0, MAX_DIMENSION]. Also what compilePad uses. */
export function readPaddings(op: OperatorInfo, data: ConstData | null, paddingsShape: readonly number[], inputRank: number): [number, number][] {
  if (!data || paddingsShape.length !== 2 || paddingsShape[0] !== inputRank || paddingsShape[1] !== 2 || data.length !== 2 * inputRank) {
    fail(op, `the paddings must be a constant [${inputRank},2] (one before/after pair per input dimension), found [${paddingsShape}]`);
  }
  const pairs: [number, number][] = [];
  for (let i = 0; i < inputRank; i++) {
    const before = data![2 * i]!, after = data![2 * i + 1]!;
    for (const p of [before, after]) {
      if (!(Number.isInteger(p) && p >= 0 && p <= MAX_DIMENSION)) fail(op, `padding ${p} of dimension ${i} is out of range`);
    }
    pairs.push([before, after]);
  }
  return pairs;
}

const pad: ShapeRule = (ctx) => {
  inputCount(ctx, 2);
  const x = ctx.shape(0);
  const pairs = readPaddings(ctx.op, ctx.constData(1), ctx.shape(1), x.length);
  return x.map((d, i) => d + pairs[i]![0] + pairs[i]![1]);
};

/** NumPy broadcasting of two shapes (ADD, MUL, PRELU's slopes). */
function broadcast(op: OperatorInfo, a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1, y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) fail(op, `shapes [${a}] and [${b}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

const binary = (type: 'AddOptions' | 'MulOptions'): ShapeRule => (ctx) => {
  inputCount(ctx, 2);
  if (ctx.op.options) activation(ctx, options(ctx, type).activation);
  return broadcast(ctx.op, ctx.shape(0), ctx.shape(1));
};

const concatenation: ShapeRule = (ctx) => {
  const n = ctx.op.inputs.length;
  if (n < 1) fail(ctx.op, 'no inputs');
  inputCount(ctx, n);
  const o = options(ctx, 'ConcatenationOptions');
  activation(ctx, o.activation);
  const first = ctx.shape(0);
  const axis = o.axis < 0 ? o.axis + first.length : o.axis;
  if (!(axis >= 0 && axis < first.length)) fail(ctx.op, `axis ${o.axis} is out of range for rank ${first.length}`);
  const out = [...first];
  for (let i = 1; i < n; i++) {
    const s = ctx.shape(i);
    if (s.length !== first.length || s.some((d, k) => k !== axis && d !== first[k])) fail(ctx.op, `input ${i} [${s}] does not fit input 0 [${first}] along axis ${axis}`);
    out[axis]! += s[axis]!;
  }
  return out;
};

const sameShape: ShapeRule = (ctx) => {
  inputCount(ctx, 1);
  return ctx.shape(0);
};

const prelu: ShapeRule = (ctx) => {
  inputCount(ctx, 2);
  const x = ctx.shape(0);
  if (!ctx.constData(1)) fail(ctx.op, 'alpha must be a constant');
  const out = broadcast(ctx.op, x, ctx.shape(1));
  if (out.join() !== x.join()) fail(ctx.op, `alpha [${ctx.shape(1)}] is larger than the input [${x}]`);
  return x;
};

const dequantize: ShapeRule = (ctx) => {
  inputCount(ctx, 1);
  if (!ctx.constData(0)) fail(ctx.op, 'only constant inputs are supported');
  return ctx.shape(0);
};

const reshape: ShapeRule = (ctx) => {
  inputCount(ctx, 1, 2);
  const x = ctx.shape(0);
  // As compileReshape: the declared output shape, else new_shape, else the shape input.
  let target = ctx.declared(0);
  if (target.length === 0 || target.some((d) => d < 0)) {
    const o = ctx.op.options;
    const data = ctx.op.inputs.length > 1 ? ctx.constData(1) : null;
    if (o?.type === 'ReshapeOptions' && o.newShape) target = o.newShape;
    else if (data) target = Array.from(data);
    else fail(ctx.op, 'no static target shape');
  }
  const count = elementCount(x);
  const unknown = target.filter((d) => d === -1).length;
  if (unknown > 1 || target.some((d) => !Number.isInteger(d) || d < -1)) fail(ctx.op, `target shape [${target}] is invalid`);
  const known = elementCount(target.filter((d) => d !== -1));
  const resolved = target.map((d) => (d === -1 ? (known > 0 ? count / known : -1) : d));
  if (elementCount(resolved) !== count || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
    fail(ctx.op, `cannot reshape [${x}] (${count} values) to [${target}]`);
  }
  return resolved;
};

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

function customVersion2(ctx: ShapeContext): void {
  if (ctx.op.version !== 2) throw new UnsupportedOpError(`${describeOp(ctx.op)}: only version 2 of this custom op is implemented`);
}

/** Options readers throw plain Errors (they are also used at run time); at load they are format errors. */
function parsed<T>(ctx: ShapeContext, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    return fail(ctx.op, e instanceof Error ? e.message : String(e));
  }
}

function matrixInput(ctx: ShapeContext, i: number): void {
  const m = ctx.shape(i);
  if (elementCount(m) !== 16 || m.length < 2 || m.at(-1) !== 4 || m.at(-2) !== 4) fail(ctx.op, `the matrix input must have shape [1,4,4], found [${m}]`);
}

const landmarksToTransformMatrix: ShapeRule = (ctx) => {
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

const transformTensorBilinear: ShapeRule = (ctx) => {
  customVersion2(ctx);
  inputCount(ctx, 2);
  const [one, , , c] = rank(ctx, 0, 4, 'the input') as [number, number, number, number];
  if (one !== 1) fail(ctx.op, `the input must be [1,H,W,C], found [${ctx.shape(0)}]`);
  matrixInput(ctx, 1);
  const { outputHeight, outputWidth } = parsed(ctx, () => parseTransformTensorBilinearOptions(ctx.op.customOptions));
  return [1, outputHeight, outputWidth, c];
};

const transformLandmarks: ShapeRule = (ctx) => {
  customVersion2(ctx);
  inputCount(ctx, 2);
  const s = rank(ctx, 0, 3, 'the landmarks');
  if (s[0] !== 1 || (s[2] !== 2 && s[2] !== 3)) fail(ctx.op, `the landmarks must be [1,N,2] or [1,N,3], found [${s}]`);
  matrixInput(ctx, 1);
  return s;
};

/** By op name, as OP_KERNELS. */
export const SHAPE_RULES: ReadonlyMap<string, ShapeRule> = new Map<string, ShapeRule>([
  ['ADD', binary('AddOptions')],
  ['CONCATENATION', concatenation],
  ['CONV_2D', conv2d],
  ['DEPTHWISE_CONV_2D', depthwiseConv2d],
  ['DEQUANTIZE', dequantize],
  ['MAX_POOL_2D', maxPool2d],
  ['MUL', binary('MulOptions')],
  ['PAD', pad],
  ['PRELU', prelu],
  ['RELU', sameShape],
  ['RESHAPE', reshape],
  ['STRIDED_SLICE', stridedSlice],
  ['Landmarks2TransformMatrix', landmarksToTransformMatrix],
  ['TransformTensorBilinear', transformTensorBilinear],
  ['TransformLandmarks', transformLandmarks],
]);
