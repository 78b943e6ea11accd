/**
 * MediaPipe's custom ops, registered as such (by custom code, version 2), as MediaPipe adds them to
 * TFLite through its own op resolver: the three the attention mesh model uses.
 */
import type { OpDefinition } from '../types.js';
import { LANDMARKS_TO_TRANSFORM_MATRIX } from './landmarks_to_transform_matrix.js';
import { TRANSFORM_LANDMARKS } from './transform_landmarks.js';
import { TRANSFORM_TENSOR_BILINEAR } from './transform_tensor_bilinear.js';

export const CUSTOM_OPS: ReadonlyMap<string, OpDefinition> = new Map([
  ['Landmarks2TransformMatrix', LANDMARKS_TO_TRANSFORM_MATRIX],
  ['TransformTensorBilinear', TRANSFORM_TENSOR_BILINEAR],
  ['TransformLandmarks', TRANSFORM_LANDMARKS],
]);
