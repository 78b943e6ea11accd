/**
 * The slice of tensorflow/lite/schema/schema.fbs we read: enum names and the builtin option
 * tables of the ops our models use. Field indices follow the schema's declaration order.
 */
import { FlatBufferError, type FlatBufferReader, type TableRef } from './flatbuffer.js';

/** BuiltinOperator enum, by code (0..). */
export const BUILTIN_OPS: readonly string[] = `ADD AVERAGE_POOL_2D CONCATENATION CONV_2D DEPTHWISE_CONV_2D DEPTH_TO_SPACE
DEQUANTIZE EMBEDDING_LOOKUP FLOOR FULLY_CONNECTED HASHTABLE_LOOKUP L2_NORMALIZATION L2_POOL_2D
LOCAL_RESPONSE_NORMALIZATION LOGISTIC LSH_PROJECTION LSTM MAX_POOL_2D MUL RELU RELU_N1_TO_1 RELU6 RESHAPE
RESIZE_BILINEAR RNN SOFTMAX SPACE_TO_DEPTH SVDF TANH CONCAT_EMBEDDINGS SKIP_GRAM CALL CUSTOM
EMBEDDING_LOOKUP_SPARSE PAD UNIDIRECTIONAL_SEQUENCE_RNN GATHER BATCH_TO_SPACE_ND SPACE_TO_BATCH_ND TRANSPOSE MEAN
SUB DIV SQUEEZE UNIDIRECTIONAL_SEQUENCE_LSTM STRIDED_SLICE BIDIRECTIONAL_SEQUENCE_RNN EXP TOPK_V2 SPLIT
LOG_SOFTMAX DELEGATE BIDIRECTIONAL_SEQUENCE_LSTM CAST PRELU MAXIMUM ARG_MAX MINIMUM LESS NEG PADV2 GREATER
GREATER_EQUAL LESS_EQUAL SELECT SLICE SIN TRANSPOSE_CONV SPARSE_TO_DENSE TILE EXPAND_DIMS EQUAL NOT_EQUAL LOG
SUM SQRT RSQRT SHAPE POW ARG_MIN FAKE_QUANT REDUCE_PROD REDUCE_MAX PACK LOGICAL_OR ONE_HOT LOGICAL_AND
LOGICAL_NOT UNPACK REDUCE_MIN FLOOR_DIV REDUCE_ANY SQUARE ZEROS_LIKE FILL FLOOR_MOD RANGE
RESIZE_NEAREST_NEIGHBOR LEAKY_RELU SQUARED_DIFFERENCE MIRROR_PAD ABS SPLIT_V UNIQUE CEIL REVERSE_V2 ADD_N
GATHER_ND COS WHERE RANK ELU REVERSE_SEQUENCE MATRIX_DIAG QUANTIZE MATRIX_SET_DIAG ROUND HARD_SWISH IF WHILE
NON_MAX_SUPPRESSION_V4 NON_MAX_SUPPRESSION_V5 SCATTER_ND`.split(/\s+/);

export const CUSTOM_OP_CODE = 32;

/** TensorType enum, by code. */
export const TENSOR_TYPES = [
  'FLOAT32', 'FLOAT16', 'INT32', 'UINT8', 'INT64', 'STRING', 'BOOL', 'INT16', 'COMPLEX64', 'INT8', 'FLOAT64',
] as const;
export type TensorType = (typeof TENSOR_TYPES)[number] | `TYPE_${number}`;

export type Padding = 'SAME' | 'VALID';
export type FusedActivation = 'NONE' | 'RELU' | 'RELU_N1_TO_1' | 'RELU6' | 'TANH' | 'SIGN_BIT';
const PADDINGS: readonly Padding[] = ['SAME', 'VALID'];
const ACTIVATIONS: readonly FusedActivation[] = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'];

export interface Conv2DOptions {
  type: 'Conv2DOptions';
  padding: Padding; strideW: number; strideH: number; activation: FusedActivation; dilationW: number; dilationH: number;
}
export interface DepthwiseConv2DOptions {
  type: 'DepthwiseConv2DOptions';
  padding: Padding; strideW: number; strideH: number; depthMultiplier: number; activation: FusedActivation;
  dilationW: number; dilationH: number;
}
export interface Pool2DOptions {
  type: 'Pool2DOptions';
  padding: Padding; strideW: number; strideH: number; filterW: number; filterH: number; activation: FusedActivation;
}
export interface ActivationOptions { type: 'AddOptions' | 'MulOptions' | 'SubOptions' | 'DivOptions'; activation: FusedActivation }
export interface ConcatenationOptions { type: 'ConcatenationOptions'; axis: number; activation: FusedActivation }
export interface ReshapeOptions { type: 'ReshapeOptions'; newShape: number[] | null }
export interface StridedSliceOptions {
  type: 'StridedSliceOptions';
  beginMask: number; endMask: number; ellipsisMask: number; newAxisMask: number; shrinkAxisMask: number;
}
/** Any other option table: only its name is kept (the op's kernel decides whether that is fine). */
export interface OtherOptions { type: 'Other'; name: string }

export type BuiltinOptions =
  | Conv2DOptions | DepthwiseConv2DOptions | Pool2DOptions | ActivationOptions | ConcatenationOptions
  | ReshapeOptions | StridedSliceOptions | OtherOptions;

/** BuiltinOptions union member codes we decode (schema.fbs `union BuiltinOptions`, 1-based). */
const OPTION_CODES: Record<number, BuiltinOptions['type']> = {
  1: 'Conv2DOptions', 2: 'DepthwiseConv2DOptions', 5: 'Pool2DOptions', 10: 'ConcatenationOptions',
  11: 'AddOptions', 17: 'ReshapeOptions', 21: 'MulOptions', 28: 'SubOptions', 29: 'DivOptions', 32: 'StridedSliceOptions',
};

function enumName<T>(names: readonly T[], code: number, what: string): T {
  const name = names[code];
  if (name === undefined) throw new FlatBufferError(`unknown ${what} code ${code}`);
  return name;
}

export function decodeBuiltinOptions(fb: FlatBufferReader, typeCode: number, t: TableRef | null): BuiltinOptions | null {
  if (typeCode === 0 || t === null) return null;
  const type = OPTION_CODES[typeCode];
  const pad = (i: number): Padding => enumName(PADDINGS, fb.fieldI8(t, i, 0), 'padding');
  const act = (i: number): FusedActivation => enumName(ACTIVATIONS, fb.fieldI8(t, i, 0), 'fused activation');
  switch (type) {
    case 'Conv2DOptions':
      return { type, padding: pad(0), strideW: fb.fieldI32(t, 1, 0), strideH: fb.fieldI32(t, 2, 0), activation: act(3),
        dilationW: fb.fieldI32(t, 4, 1), dilationH: fb.fieldI32(t, 5, 1) };
    case 'DepthwiseConv2DOptions':
      return { type, padding: pad(0), strideW: fb.fieldI32(t, 1, 0), strideH: fb.fieldI32(t, 2, 0),
        depthMultiplier: fb.fieldI32(t, 3, 0), activation: act(4), dilationW: fb.fieldI32(t, 5, 1), dilationH: fb.fieldI32(t, 6, 1) };
    case 'Pool2DOptions':
      return { type, padding: pad(0), strideW: fb.fieldI32(t, 1, 0), strideH: fb.fieldI32(t, 2, 0),
        filterW: fb.fieldI32(t, 3, 0), filterH: fb.fieldI32(t, 4, 0), activation: act(5) };
    case 'ConcatenationOptions':
      return { type, axis: fb.fieldI32(t, 0, 0), activation: act(1) };
    case 'AddOptions': case 'MulOptions': case 'SubOptions': case 'DivOptions':
      return { type, activation: act(0) };
    case 'ReshapeOptions': {
      const s = fb.int32Vector(t, 0, 'ReshapeOptions.new_shape');
      return { type, newShape: s ? Array.from(s) : null };
    }
    case 'StridedSliceOptions':
      return { type, beginMask: fb.fieldI32(t, 0, 0), endMask: fb.fieldI32(t, 1, 0), ellipsisMask: fb.fieldI32(t, 2, 0),
        newAxisMask: fb.fieldI32(t, 3, 0), shrinkAxisMask: fb.fieldI32(t, 4, 0) };
    default:
      return { type: 'Other', name: `BuiltinOptions#${typeCode}` };
  }
}
