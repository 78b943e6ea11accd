/**
 * Crop-normalized landmarks -> image-normalized landmarks (MediaPipe `LandmarkProjectionCalculator`
 * with a NORM_RECT and no image size). Its formula rotates in normalized units, which equals the crop's
 * pixel rotation only for ROIs square in pixels — every face ROI is (square_long). z is scaled by the ROI
 * width like x; that z' = z_n·w is what the solution reports (docs/pipeline.md §3.5).
 */
import type { Roi } from './roi.js';

/** Interleaved (x, y, z) crop-normalized -> image-normalized, z' = z·roi.width. */
export function projectLandmarks(landmarks: Float32Array, roi: Roi, out: Float32Array = new Float32Array(landmarks.length)): Float32Array {
  return project(landmarks, roi, out, 3);
}

/** Interleaved (x, y) pairs, e.g. detection keypoints. */
export function projectPoints2d(points: Float32Array, roi: Roi, out: Float32Array = new Float32Array(points.length)): Float32Array {
  return project(points, roi, out, 2);
}

function project(src: Float32Array, roi: Roi, out: Float32Array, stride: 2 | 3): Float32Array {
  if (out.length < src.length) throw new Error('projectLandmarks: output too short');
  const cos = Math.cos(roi.rotation);
  const sin = Math.sin(roi.rotation);
  for (let i = 0; i < src.length; i += stride) {
    const x = src[i] - 0.5;
    const y = src[i + 1] - 0.5;
    out[i] = (cos * x - sin * y) * roi.width + roi.xCenter;
    out[i + 1] = (sin * x + cos * y) * roi.height + roi.yCenter;
    if (stride === 3) out[i + 2] = src[i + 2] * roi.width;
  }
  return out;
}

/** Inverse of projectLandmarks: image-normalized -> crop-normalized (x, y, z). */
export function unprojectLandmarks(landmarks: Float32Array, roi: Roi, out: Float32Array = new Float32Array(landmarks.length)): Float32Array {
  if (out.length < landmarks.length) throw new Error('unprojectLandmarks: output too short');
  const cos = Math.cos(roi.rotation);
  const sin = Math.sin(roi.rotation);
  for (let i = 0; i < landmarks.length; i += 3) {
    const x = (landmarks[i] - roi.xCenter) / roi.width;
    const y = (landmarks[i + 1] - roi.yCenter) / roi.height;
    out[i] = cos * x + sin * y + 0.5;
    out[i + 1] = -sin * x + cos * y + 0.5;
    out[i + 2] = landmarks[i + 2] / roi.width;
  }
  return out;
}

/** Normalized image landmarks -> pixels as the reference files store them: (x·W, y·H, z·W). */
export function landmarksToPixels(
  landmarks: Float32Array,
  imageWidth: number,
  imageHeight: number,
  out: Float32Array = new Float32Array(landmarks.length),
): Float32Array {
  for (let i = 0; i < landmarks.length; i += 3) {
    out[i] = landmarks[i] * imageWidth;
    out[i + 1] = landmarks[i + 1] * imageHeight;
    out[i + 2] = landmarks[i + 2] * imageWidth;
  }
  return out;
}
