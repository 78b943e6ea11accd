/** Synthetic faces for tests: a known pose applied to a mesh, projected like the landmark pipeline reports it. */
import { FACE_LANDMARKER_ENVIRONMENT, type EulerAngles, eulerAnglesToMatrix, perspectiveCameraFrustum, transformPoints } from '../src/face_geometry.js';

export interface Pose {
  angles: EulerAngles;
  scale: number;
  t: [number, number, number];
}

export function poseMatrix(p: Pose): Float64Array {
  const m = eulerAnglesToMatrix(p.angles, new Float64Array(16)) as Float64Array;
  for (let i = 0; i < 12; i++) if (i % 4 !== 3) m[i] *= p.scale;
  m.set([...p.t, 1], 12);
  return m;
}

/**
 * Camera-space points → what the landmark pipeline reports: perspective-projected x/W, y/H (top-left
 * origin) and z = relative depth scaled like x at the mean depth (larger = farther, mean 0).
 */
export function toScreenLandmarks(cam: Float64Array, w: number, h: number): Float32Array {
  const f = perspectiveCameraFrustum(FACE_LANDMARKER_ENVIRONMENT.perspectiveCamera, w, h);
  const n = cam.length / 3;
  let meanDepth = 0;
  for (let i = 0; i < n; i++) meanDepth -= cam[i * 3 + 2] / n;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const depth = -cam[i * 3 + 2];
    const xn = (cam[i * 3] * f.near) / depth;
    const yn = (cam[i * 3 + 1] * f.near) / depth;
    out[i * 3] = (xn - f.left) / (f.right - f.left);
    out[i * 3 + 1] = 1 - (yn - f.bottom) / (f.top - f.bottom);
    out[i * 3 + 2] = ((depth - meanDepth) * f.near) / meanDepth / (f.right - f.left);
  }
  return out;
}

export function synth(canonical: Float32Array, p: Pose, w: number, h: number): { cam: Float64Array; screen: Float32Array } {
  const cam = transformPoints(poseMatrix(p), canonical, new Float64Array(canonical.length)) as Float64Array;
  return { cam, screen: toScreenLandmarks(cam, w, h) };
}

