/**
 * Regions of interest: MediaPipe `NormalizedRect` (centre and size normalized to the image, rotation in
 * radians, clockwise in image coordinates with y down), built by `DetectionsToRectsCalculator` and then
 * `RectTransformationCalculator` (square_long, scale 1.5) — from a detection
 * (face_detection_front_detection_to_roi.pbtxt) or from the previous frame's landmarks
 * (face_landmark_landmarks_to_roi.pbtxt, via `LandmarksToDetectionCalculator`).
 */
import {
  DETECTION_ROTATION_END_KEYPOINT,
  DETECTION_ROTATION_START_KEYPOINT,
  LANDMARK_ROTATION_END,
  LANDMARK_ROTATION_START,
  ROI_SCALE,
  ROI_TARGET_ANGLE,
} from './constants.js';
import type { Box, Detection } from './detection.js';

export interface Roi {
  xCenter: number;
  yCenter: number;
  width: number;
  height: number;
  rotation: number;
}

/** Wrap to [-π, π) (MediaPipe `NormalizeRadians`). */
export function normalizeRadians(angle: number): number {
  return angle - 2 * Math.PI * Math.floor((angle + Math.PI) / (2 * Math.PI));
}

/**
 * Rotation that brings the segment (x0, y0) -> (x1, y1), in pixels, to the target angle
 * (`DetectionsToRectsCalculator::ComputeRotation`; the y flip turns image y-down into math y-up).
 */
export function computeRotation(x0: number, y0: number, x1: number, y1: number, targetAngle: number = ROI_TARGET_ANGLE): number {
  return normalizeRadians(targetAngle - Math.atan2(-(y1 - y0), x1 - x0));
}

/**
 * `RectTransformationCalculator` with square_long and no shift: make the rect square in pixels on its
 * long side, then scale both sides. Centre and rotation are unchanged.
 */
export function squareLongAndScale(roi: Roi, imageWidth: number, imageHeight: number, scale: number = ROI_SCALE): Roi {
  const long = Math.max(roi.width * imageWidth, roi.height * imageHeight);
  return { ...roi, width: (long / imageWidth) * scale, height: (long / imageHeight) * scale };
}

/** Axis-aligned rect of a normalized box with the given rotation (`DetectionsToRectsCalculator`). */
export function boxToRoi(box: Box, rotation: number): Roi {
  return {
    xCenter: (box.xMin + box.xMax) / 2,
    yCenter: (box.yMin + box.yMax) / 2,
    width: box.xMax - box.xMin,
    height: box.yMax - box.yMin,
    rotation,
  };
}

/**
 * Crop ROI of a detection already projected to normalized image coordinates: box centre/size,
 * rotation from keypoint 0 (image-left eye) to keypoint 1 in pixels, square long side × 1.5.
 */
export function detectionToRoi(detection: Detection, imageWidth: number, imageHeight: number, scale: number = ROI_SCALE): Roi {
  const k = detection.keypoints;
  const s = 2 * DETECTION_ROTATION_START_KEYPOINT;
  const e = 2 * DETECTION_ROTATION_END_KEYPOINT;
  const rotation = computeRotation(k[s] * imageWidth, k[s + 1] * imageHeight, k[e] * imageWidth, k[e + 1] * imageHeight);
  return squareLongAndScale(boxToRoi(detection, rotation), imageWidth, imageHeight, scale);
}

/**
 * Bounding box of interleaved landmarks (stride 2 or 3) as `LandmarksToDetectionCalculator` computes
 * it. Quirk kept on purpose: its max accumulators start at `numeric_limits<float>::min()` (the smallest
 * positive float, not the most negative), so a maximum below 0 comes out as ~0.
 */
export function landmarksBoundingBox(landmarks: Float32Array, stride: number = 3, count: number = landmarks.length / stride): Box {
  const FLT_MIN = 1.1754943508222875e-38;
  let xMin = Number.MAX_VALUE;
  let yMin = Number.MAX_VALUE;
  let xMax = FLT_MIN;
  let yMax = FLT_MIN;
  for (let i = 0; i < count; i++) {
    const x = landmarks[i * stride];
    const y = landmarks[i * stride + 1];
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  }
  return { xMin, yMin, xMax, yMax };
}

/**
 * Next-frame ROI from this frame's landmarks (normalized image coordinates, interleaved x, y, z):
 * box over all of them (all 478 with attention), rotation from landmark 33 to 263 in pixels,
 * square long side × 1.5.
 */
export function landmarksToRoi(landmarks: Float32Array, imageWidth: number, imageHeight: number, scale: number = ROI_SCALE): Roi {
  const s = 3 * LANDMARK_ROTATION_START;
  const e = 3 * LANDMARK_ROTATION_END;
  if (landmarks.length < e + 3) throw new Error(`landmarksToRoi: ${landmarks.length / 3} landmarks, need > ${LANDMARK_ROTATION_END}`);
  const rotation = computeRotation(
    landmarks[s] * imageWidth,
    landmarks[s + 1] * imageHeight,
    landmarks[e] * imageWidth,
    landmarks[e + 1] * imageHeight,
  );
  return squareLongAndScale(boxToRoi(landmarksBoundingBox(landmarks, 3), rotation), imageWidth, imageHeight, scale);
}
