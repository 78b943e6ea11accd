/**
 * Selfie view. With `mirror`, results are given in the horizontally flipped frame (what a user sees
 * in a mirrored preview). Flipping x alone would leave the model's "left" groups (the eye on the
 * image's left of the unmirrored frame: the subject's right eye) on the image's right. So the
 * left/right eye contour indices (LEFT_EYE_INDICES[i] <-> RIGHT_EYE_INDICES[i], symmetric pairs) and
 * the iris ranges 468-472 <-> 473-477 are swapped too: as with MediaPipe's `selfieMode`, "left" is the
 * eye on the image's left of the mirrored picture, which is the subject's left eye.
 */
import { NUM_REFINED_LANDMARKS } from './constants.js';
import { LEFT_EYE_INDICES, LEFT_IRIS_INDICES, RIGHT_EYE_INDICES, RIGHT_IRIS_INDICES } from './refinement.js';

/** Index pairs swapped by mirroring: eye contours (symmetric by construction) and irises. */
export const MIRROR_SWAP_PAIRS: readonly (readonly [number, number])[] = [
  ...LEFT_EYE_INDICES.map((l, i) => [l, RIGHT_EYE_INDICES[i]] as const),
  ...LEFT_IRIS_INDICES.map((l, i) => [l, RIGHT_IRIS_INDICES[i]] as const),
];

/**
 * Where each landmark went in the mirrored view: mirrored[MIRROR_INDEX_MAP[i]] is the flipped
 * landmark i. Drawing the mesh (triangles, texture) on mirrored landmarks goes through it: the swapped
 * eye and iris groups would otherwise join triangles across the face.
 */
export const MIRROR_INDEX_MAP: Uint16Array = (() => {
  const map = Uint16Array.from({ length: NUM_REFINED_LANDMARKS }, (_, i) => i);
  for (const [a, b] of MIRROR_SWAP_PAIRS) [map[a], map[b]] = [b, a];
  return map;
})();

/**
 * Interleaved (x, y, z) landmarks -> the mirrored view, in place: x' = width - x (pass 1 for
 * normalized coordinates), and the left/right eye and iris index pairs swapped.
 */
export function mirrorLandmarks(landmarks: Float32Array, width: number): Float32Array {
  for (let i = 0; i < landmarks.length; i += 3) landmarks[i] = width - landmarks[i];
  for (const [a, b] of MIRROR_SWAP_PAIRS) {
    if (3 * Math.max(a, b) + 2 >= landmarks.length) continue;
    for (let k = 0; k < 3; k++) {
      const t = landmarks[3 * a + k];
      landmarks[3 * a + k] = landmarks[3 * b + k];
      landmarks[3 * b + k] = t;
    }
  }
  return landmarks;
}

/** Interleaved (x, y) points -> mirrored x, in place (for region arrays and keypoints). */
export function mirrorPoints2d(points: Float32Array, width: number): Float32Array {
  for (let i = 0; i < points.length; i += 2) points[i] = width - points[i];
  return points;
}
