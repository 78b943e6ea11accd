/**
 * Polylines for drawing a face: the contours MediaPipe's drawing utils call FACEMESH_CONTOURS (face
 * oval, lips, eyes, eyebrows) and the irises, as index lists into the 478 landmarks. Eye and lip
 * rings are taken from the refinement lists (their first entries are the contours, in order).
 */
import { LEFT_EYE_INDICES, LEFT_IRIS_INDICES, LIPS_INDICES, RIGHT_EYE_INDICES, RIGHT_IRIS_INDICES } from './refinement.js';

/** Closed ring: lower half as listed, then the upper half reversed back to the start. */
function ring(lower: readonly number[], upper: readonly number[]): number[] {
  return [...lower, ...[...upper].reverse(), lower[0]];
}

/** Eye lists: 9 lower eyelid points (corner to corner), then 7 upper (without the corners). */
function eyeRing(eye: readonly number[]): number[] {
  return ring(eye.slice(0, 9), eye.slice(9, 16));
}

/** Lip lists: lower outer 11 (corner to corner), upper outer 9 (no corners), lower inner 11, upper inner 9. */
const LIPS_OUTER = [...LIPS_INDICES.slice(0, 11), ...LIPS_INDICES.slice(11, 20).reverse(), LIPS_INDICES[0]];
const LIPS_INNER = [...LIPS_INDICES.slice(20, 31), ...LIPS_INDICES.slice(31, 40).reverse(), LIPS_INDICES[20]];

/** The face silhouette (MediaPipe FACEMESH_FACE_OVAL), closed. */
export const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136,
  172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109, 10,
];

/** Eyebrows: image-left then image-right (unmirrored), upper edge and lower edge. */
export const EYEBROWS = [
  [70, 63, 105, 66, 107],
  [46, 53, 52, 65, 55],
  [300, 293, 334, 296, 336],
  [276, 283, 282, 295, 285],
];

export const CONTOURS: readonly (readonly number[])[] = [
  FACE_OVAL,
  LIPS_OUTER,
  LIPS_INNER,
  eyeRing(LEFT_EYE_INDICES),
  eyeRing(RIGHT_EYE_INDICES),
  ...EYEBROWS,
];

/** Iris centre and the ring through its four edge points, per eye. */
export const IRISES: readonly { centre: number; ring: readonly number[] }[] = [LEFT_IRIS_INDICES, RIGHT_IRIS_INDICES].map((iris) => ({
  centre: iris[0],
  ring: [iris[1], iris[2], iris[3], iris[4], iris[1]],
}));
