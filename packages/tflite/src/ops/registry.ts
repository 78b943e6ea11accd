/** Op kernels by TFLite op name (builtin name or custom code). Anything else fails at load. */
import { compileAdd, compileMul } from './binary.js';
import { compileConcatenation } from './concatenation.js';
import { compileConv2D } from './conv_2d.js';
import { compileLandmarksToTransformMatrix } from './custom/landmarks_to_transform_matrix.js';
import { compileTransformLandmarks } from './custom/transform_landmarks.js';
import { compileTransformTensorBilinear } from './custom/transform_tensor_bilinear.js';
import { compileDepthwiseConv2D } from './depthwise_conv_2d.js';
import { compileDequantize } from './dequantize.js';
import { compileMaxPool2D } from './max_pool_2d.js';
import { compilePad } from './pad.js';
import { compilePrelu } from './prelu.js';
import { compileRelu } from './relu.js';
import { compileReshape } from './reshape.js';
import { compileStridedSlice } from './strided_slice.js';
import type { OpCompiler } from './types.js';

export const OP_KERNELS: ReadonlyMap<string, OpCompiler> = new Map<string, OpCompiler>([
  ['ADD', compileAdd],
  ['CONCATENATION', compileConcatenation],
  ['CONV_2D', compileConv2D],
  ['DEPTHWISE_CONV_2D', compileDepthwiseConv2D],
  ['DEQUANTIZE', compileDequantize],
  ['MAX_POOL_2D', compileMaxPool2D],
  ['MUL', compileMul],
  ['PAD', compilePad],
  ['PRELU', compilePrelu],
  ['RELU', compileRelu],
  ['RESHAPE', compileReshape],
  ['STRIDED_SLICE', compileStridedSlice],
  ['Landmarks2TransformMatrix', compileLandmarksToTransformMatrix],
  ['TransformTensorBilinear', compileTransformTensorBilinear],
  ['TransformLandmarks', compileTransformLandmarks],
]);
