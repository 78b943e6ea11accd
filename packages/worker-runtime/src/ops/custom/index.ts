/** The three MediaPipe custom ops of face_landmark_with_attention.tflite (all version 2). */
export {
  landmarksToTransformMatrix,
  parseLandmarks2TransformMatrixOptions,
  type Landmarks2TransformMatrixOptions,
} from './landmarks_to_transform_matrix.js';
export { parseTransformTensorBilinearOptions, transformTensorBilinear } from './transform_tensor_bilinear.js';
export { transformLandmarks } from './transform_landmarks.js';
