/**
 * The detector's letterbox (MediaPipe `ImageToTensorCalculator` with keep_aspect_ratio, `PadRoi` in
 * image_to_tensor_utils.cc): the whole image grown to a centred S x S square, S = max(W, H), squeezed
 * into the 128x128 tensor; and the way back for detections (`DetectionProjectionCalculator`).
 * The padded square is just an upright ROI, so the sampling grid is the crop's (GPU texel centres).
 */
import type { Affine } from './affine.js';
import { DETECTOR_INPUT_SIZE } from './constants.js';
import { cropAffine } from './crop.js';
import type { Detection } from './detection.js';
import { projectPoints2d } from './projection.js';
import type { Roi } from './roi.js';

/** The padded square as a normalized ROI: centred, S/W x S/H, no rotation. */
export function letterboxRoi(imageWidth: number, imageHeight: number): Roi {
  const s = Math.max(imageWidth, imageHeight);
  return { xCenter: 0.5, yCenter: 0.5, width: s / imageWidth, height: s / imageHeight, rotation: 0 };
}

/**
 * Tensor pixel (u, v) -> source point (pixel centres at integers):
 * x = (u + 0.5)·S/size − (S − W)/2 − 0.5, likewise y. Sample bilinearly, 0 outside the image.
 */
export function letterboxAffine(imageWidth: number, imageHeight: number, size: number = DETECTOR_INPUT_SIZE): Affine {
  return cropAffine(letterboxRoi(imageWidth, imageHeight), imageWidth, imageHeight, size, size);
}

/** Tensor-normalized point -> image-normalized point: x = ((x_t − 0.5)·S + W/2)/W. */
export function letterboxToImage(x: number, y: number, imageWidth: number, imageHeight: number): [number, number] {
  const s = Math.max(imageWidth, imageHeight);
  return [((x - 0.5) * s + imageWidth / 2) / imageWidth, ((y - 0.5) * s + imageHeight / 2) / imageHeight];
}

/** Image-normalized point -> tensor-normalized point (inverse of letterboxToImage). */
export function imageToLetterbox(x: number, y: number, imageWidth: number, imageHeight: number): [number, number] {
  const s = Math.max(imageWidth, imageHeight);
  return [(x * imageWidth - imageWidth / 2) / s + 0.5, (y * imageHeight - imageHeight / 2) / s + 0.5];
}

/**
 * A detection decoded in the tensor -> the same detection in normalized image coordinates. The map
 * is axis-aligned and increasing, so re-boxing the 4 projected corners is just projecting the corners.
 */
export function projectDetection(detection: Detection, imageWidth: number, imageHeight: number): Detection {
  const [xMin, yMin] = letterboxToImage(detection.xMin, detection.yMin, imageWidth, imageHeight);
  const [xMax, yMax] = letterboxToImage(detection.xMax, detection.yMax, imageWidth, imageHeight);
  const keypoints = projectPoints2d(detection.keypoints, letterboxRoi(imageWidth, imageHeight));
  return { score: detection.score, xMin, yMin, xMax, yMax, keypoints };
}
