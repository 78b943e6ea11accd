/**
 * Weighted non-max suppression (MediaPipe `NonMaxSuppressionCalculator`, algorithm WEIGHTED, overlap
 * INTERSECTION_OVER_UNION, min_suppression_threshold 0.3 in face_detection.pbtxt). BlazeFace fires
 * on several neighbouring anchors per face; averaging them (instead of keeping the best one) is what
 * the reference does, and plain NMS is measurably off (2.3% IOD, docs/pipeline.md §3.3).
 */
import { NMS_IOU_THRESHOLD } from './constants.js';
import { boxIou, type Detection } from './detection.js';

/**
 * Sort by score; take the top; its candidates are all remaining detections with IoU > threshold
 * (itself included); emit the top's score with corners and keypoints replaced by the score-weighted
 * mean over the candidates; drop the candidates; repeat. Input is not modified.
 */
export function weightedNonMaxSuppression(
  detections: readonly Detection[],
  iouThreshold: number = NMS_IOU_THRESHOLD,
): Detection[] {
  // Array.prototype.sort is stable: equal scores keep their anchor order.
  let remaining = [...detections].sort((a, b) => b.score - a.score);
  const out: Detection[] = [];
  while (remaining.length > 0) {
    const top = remaining[0];
    const candidates: Detection[] = [];
    const rest: Detection[] = [];
    for (const d of remaining) (boxIou(d, top) > iouThreshold ? candidates : rest).push(d);
    out.push(candidates.length > 0 ? weightedMean(top.score, candidates) : cloneDetection(top));
    // A degenerate top (zero area) suppresses nothing, not even itself: stop like MediaPipe does.
    if (rest.length === remaining.length) break;
    remaining = rest;
  }
  return out;
}

function weightedMean(score: number, candidates: readonly Detection[]): Detection {
  const keypoints = new Float32Array(candidates[0].keypoints.length);
  const acc = new Float64Array(keypoints.length);
  let total = 0;
  let xMin = 0;
  let yMin = 0;
  let xMax = 0;
  let yMax = 0;
  for (const c of candidates) {
    const w = c.score;
    total += w;
    xMin += c.xMin * w;
    yMin += c.yMin * w;
    xMax += c.xMax * w;
    yMax += c.yMax * w;
    for (let k = 0; k < acc.length; k++) acc[k] += c.keypoints[k] * w;
  }
  for (let k = 0; k < acc.length; k++) keypoints[k] = acc[k] / total;
  return { score, xMin: xMin / total, yMin: yMin / total, xMax: xMax / total, yMax: yMax / total, keypoints };
}

function cloneDetection(d: Detection): Detection {
  return { ...d, keypoints: d.keypoints.slice() };
}
