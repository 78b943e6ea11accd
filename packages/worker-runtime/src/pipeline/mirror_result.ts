/** The selfie view of a face result (see @face-mesh/geometry mirror.ts for the left/right rule). */
import { mirrorEyes, mirrorLandmarks, mirrorPoints2d } from '@face-mesh/geometry';
import type { FaceResult } from './types.js';

/** BlazeFace keypoints: 0/1 eyes and 4/5 ear tragions swap sides in the mirrored view. */
const KEYPOINT_SWAPS: readonly [number, number][] = [[0, 1], [4, 5]];

export function mirrorFace(face: FaceResult, width: number): void {
  mirrorLandmarks(face.landmarks, width);
  mirrorLandmarks(face.normalized, 1);
  const r = face.regions;
  for (const points of Object.values(r)) mirrorPoints2d(points, width);
  [r.leftEye, r.rightEye] = [r.rightEye, r.leftEye];
  [r.leftIris, r.rightIris] = [r.rightIris, r.leftIris];
  face.roi = { ...face.roi, xCenter: 1 - face.roi.xCenter, rotation: -face.roi.rotation };
  if (face.transform) {
    // M' = S·M·S with S = diag(-1, 1, 1, 1): negate row 0 and column 0 (their shared entry twice).
    const m = face.transform.matrix;
    for (let c = 0; c < 4; c++) m[c * 4] = -m[c * 4];
    for (let r = 0; r < 4; r++) m[r] = -m[r];
  }
  if (face.eyes) mirrorEyes(face.eyes);
  if (face.detection) {
    const { box, keypoints } = face.detection;
    face.detection.box = { xMin: 1 - box.xMax, yMin: box.yMin, xMax: 1 - box.xMin, yMax: box.yMax };
    mirrorPoints2d(keypoints, 1);
    for (const [a, b] of KEYPOINT_SWAPS) {
      for (let k = 0; k < 2; k++) {
        const t = keypoints[2 * a + k];
        keypoints[2 * a + k] = keypoints[2 * b + k];
        keypoints[2 * b + k] = t;
      }
    }
  }
}
