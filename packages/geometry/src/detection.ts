/**
 * A face detection: relative bounding box corners and the 6 BlazeFace keypoints as interleaved
 * (x, y) pairs (0 left eye, 1 right eye, 2 nose tip, 3 mouth, 4/5 left/right ear tragion; "left" =
 * image-left for an upright unmirrored face). Coordinates are normalized to whatever frame the
 * detection lives in: the 128 letterbox tensor after decoding, the image after projection.
 */
export interface Detection {
  score: number;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
  /** Float32Array(2 * number of keypoints), interleaved x, y. */
  keypoints: Float32Array;
}

/** Axis-aligned box corners; a Detection is one. */
export interface Box {
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/**
 * Intersection over union of two boxes, 0 when they do not overlap or the union is empty
 * (MediaPipe `OverlapSimilarity` with INTERSECTION_OVER_UNION).
 */
export function boxIou(a: Box, b: Box): number {
  const ix = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin);
  const iy = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin);
  if (!(ix > 0 && iy > 0)) return 0;
  const inter = ix * iy;
  const union = (a.xMax - a.xMin) * (a.yMax - a.yMin) + (b.xMax - b.xMin) * (b.yMax - b.yMin) - inter;
  return union > 0 ? inter / union : 0;
}
