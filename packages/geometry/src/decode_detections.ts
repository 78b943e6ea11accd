/**
 * Raw BlazeFace outputs -> detections (MediaPipe `TensorsToDetectionsCalculator` with the options of
 * face_detection.pbtxt: reverse_output_order = XYWH boxes, scales 128, fixed 1x1 anchors, sigmoid score
 * with the logit clipped to +-100).
 */
import {
  DETECTOR_BOX_SCALE,
  DETECTOR_MIN_SCORE,
  DETECTOR_NUM_COORDS,
  DETECTOR_NUM_KEYPOINTS,
  DETECTOR_SCORE_CLIPPING,
} from './constants.js';
import type { Detection } from './detection.js';

export interface DecodeOptions {
  /** Keep scores >= this. */
  minScore: number;
  scoreClipping: number;
  /** Divisor of the regressor values (x_scale = y_scale = w_scale = h_scale). */
  scale: number;
  numCoords: number;
  numKeypoints: number;
}

export const FACE_DETECTION_DECODE_OPTIONS: DecodeOptions = {
  minScore: DETECTOR_MIN_SCORE,
  scoreClipping: DETECTOR_SCORE_CLIPPING,
  scale: DETECTOR_BOX_SCALE,
  numCoords: DETECTOR_NUM_COORDS,
  numKeypoints: DETECTOR_NUM_KEYPOINTS,
};

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Detection score of a raw logit: clamp to +-clipping, then sigmoid. */
export function scoreFromLogit(logit: number, clipping: number = DETECTOR_SCORE_CLIPPING): number {
  return sigmoid(Math.min(clipping, Math.max(-clipping, logit)));
}

/**
 * Decode one regressor row [dx, dy, w, h, k0x, k0y, ...] against its anchor centre (anchors are
 * fixed-size 1x1, so w/h are not anchor-scaled). Returns null for a negative or NaN width/height,
 * which MediaPipe drops as invalid.
 */
export function decodeBox(
  regressors: Float32Array,
  row: number,
  anchorX: number,
  anchorY: number,
  score: number,
  options: DecodeOptions = FACE_DETECTION_DECODE_OPTIONS,
): Detection | null {
  const { scale, numCoords, numKeypoints } = options;
  const o = row * numCoords;
  const xCenter = regressors[o] / scale + anchorX;
  const yCenter = regressors[o + 1] / scale + anchorY;
  const w = regressors[o + 2] / scale;
  const h = regressors[o + 3] / scale;
  if (!(w >= 0 && h >= 0)) return null;
  const keypoints = new Float32Array(numKeypoints * 2);
  for (let k = 0; k < numKeypoints; k++) {
    keypoints[2 * k] = regressors[o + 4 + 2 * k] / scale + anchorX;
    keypoints[2 * k + 1] = regressors[o + 5 + 2 * k] / scale + anchorY;
  }
  return {
    score,
    xMin: xCenter - w / 2,
    yMin: yCenter - h / 2,
    xMax: xCenter + w / 2,
    yMax: yCenter + h / 2,
    keypoints,
  };
}

/**
 * All detections above the score threshold, in anchor order, normalized to the detector tensor.
 * @param regressors [numAnchors x numCoords] row-major
 * @param logits [numAnchors] raw classificator outputs
 * @param anchors interleaved anchor centres (generateAnchors())
 */
export function decodeDetections(
  regressors: Float32Array,
  logits: Float32Array,
  anchors: Float32Array,
  options: DecodeOptions = FACE_DETECTION_DECODE_OPTIONS,
): Detection[] {
  const n = logits.length;
  if (anchors.length !== 2 * n) throw new Error(`decodeDetections: ${anchors.length / 2} anchors for ${n} scores`);
  if (regressors.length !== n * options.numCoords) {
    throw new Error(`decodeDetections: regressors length ${regressors.length}, expected ${n * options.numCoords}`);
  }
  const out: Detection[] = [];
  for (let i = 0; i < n; i++) {
    const score = scoreFromLogit(logits[i], options.scoreClipping);
    if (!(score >= options.minScore)) continue;
    const det = decodeBox(regressors, i, anchors[2 * i], anchors[2 * i + 1], score, options);
    if (det) out.push(det);
  }
  return out;
}
