/**
 * Merging detection ROIs with the ROIs tracked from the previous frame's landmarks (MediaPipe
 * `AssociationNormRectCalculator`, min_similarity_threshold 0.5 in face_landmark_front_cpu.pbtxt, inputs
 * in the order detections, then previous-landmark ROIs). Similarity is the IoU of the axis-aligned
 * rects, rotation ignored.
 */
import { ASSOCIATION_MIN_SIMILARITY } from './constants.js';
import type { Roi } from './roi.js';

/** IoU of two ROIs as upright rects (centre ± size/2), 0 without overlap or with an empty union. */
export function roiIou(a: Roi, b: Roi): number {
  const ix = Math.min(a.xCenter + a.width / 2, b.xCenter + b.width / 2) - Math.max(a.xCenter - a.width / 2, b.xCenter - b.width / 2);
  const iy = Math.min(a.yCenter + a.height / 2, b.yCenter + b.height / 2) - Math.max(a.yCenter - a.height / 2, b.yCenter - b.height / 2);
  if (!(ix > 0 && iy > 0)) return 0;
  const inter = ix * iy;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * `AssociationCalculator` semantics: walk all inputs in order, element by element; each new element
 * removes every element already in the result whose IoU with it is > minSimilarity, then is appended.
 * So later inputs win on overlap, and within one input a later element replaces an earlier one.
 */
export function associateRois(inputs: readonly (readonly Roi[])[], minSimilarity: number = ASSOCIATION_MIN_SIMILARITY): Roi[] {
  let result: Roi[] = [];
  for (const input of inputs) {
    for (const roi of input) {
      result = result.filter((kept) => !(roiIou(roi, kept) > minSimilarity));
      result.push(roi);
    }
  }
  return result;
}

/** The face graph's use: detection ROIs merged with tracked ROIs, a tracked ROI winning on overlap. */
export function associateDetectionsWithTracked(
  detectionRois: readonly Roi[],
  trackedRois: readonly Roi[],
  minSimilarity: number = ASSOCIATION_MIN_SIMILARITY,
): Roi[] {
  return associateRois([detectionRois, trackedRois], minSimilarity);
}
