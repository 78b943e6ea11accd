/**
 * Face geometry / facial transformation matrix (docs/pipeline.md §5.2), mirroring MediaPipe's
 * mediapipe/modules/face_geometry/libs/geometry_pipeline.cc (GeometryPipelineImpl +
 * ScreenToMetricSpaceConverter, FACE_LANDMARK_PIPELINE input source) with the environment of
 * mediapipe/tasks/cc/vision/face_geometry/face_geometry_from_landmarks_graph.cc
 * (origin TOP_LEFT_CORNER, perspective camera vertical FOV 63°, near 1, far 10000).
 *
 * Spaces (all metric ones in cm, right-handed):
 *   - canonical model space: the canonical face mesh of the metadata; x towards the subject's left
 *     (image right for an unmirrored frontal face), y up, z out of the face (the nose tip has the largest z);
 *   - camera ("runtime metric") space: the camera at the origin looking down −z (OpenGL convention),
 *     x to the image right, y to the image top; a visible face has z < 0 (≈ −30…−100 cm).
 *
 * Output, as MediaPipe's FaceGeometry:
 *   - `poseTransform`: 4×4 **column-major** (MatrixData's default layout; also WebGL's and three.js's
 *     `Matrix4.fromArray`), canonical model space → camera space: [c·R | t]. By construction of the 2-pass
 *     scale estimation c ≈ 1 (the metric depth assumes a face of canonical size, see `estimate`).
 *     This is FaceLandmarker's `facialTransformationMatrixes[i]`.
 *   - `metricLandmarks`: 468 × (x, y, z) = inverse(poseTransform) · (runtime metric landmarks), i.e. the
 *     *observed* face expressed back in canonical model space (the mesh vertices of FaceGeometry). For
 *     camera-space positions, apply `poseTransform` to them (`transformPoints`).
 *
 * Differences from MediaPipe: float64 arithmetic inside (float32 in MediaPipe; the outputs are float32);
 * only the FACE_LANDMARK_PIPELINE input source (the only one used with mesh landmarks); errors are a
 * `null` result instead of a failed graph.
 */
import type { FaceGeometryMetadata } from './face_geometry_metadata.js';
import { CANONICAL_VERTEX_SIZE } from './face_geometry_metadata.js';
import { solveWeightedOrthogonalProcrustes } from './procrustes.js';

/** mediapipe/modules/face_geometry/protos/environment.proto PerspectiveCamera. */
export interface PerspectiveCamera {
  verticalFovDegrees: number;
  near: number;
  far: number;
}

/** environment.proto OriginPointLocation: where (0, 0) of the normalized landmarks is. */
export type OriginPointLocation = 'top-left' | 'bottom-left';

export interface FaceGeometryEnvironment {
  originPointLocation: OriginPointLocation;
  perspectiveCamera: PerspectiveCamera;
}

/** face_geometry_from_landmarks_graph.cc / FaceLandmarker's environment. */
export const FACE_LANDMARKER_ENVIRONMENT: Readonly<FaceGeometryEnvironment> = Object.freeze({
  originPointLocation: 'top-left',
  perspectiveCamera: Object.freeze({ verticalFovDegrees: 63, near: 1, far: 10000 }),
});

/** The camera frustum at the near plane (geometry_pipeline.cc PerspectiveCameraFrustum). */
export interface CameraFrustum {
  left: number;
  right: number;
  bottom: number;
  top: number;
  near: number;
  far: number;
}

export function perspectiveCameraFrustum(camera: PerspectiveCamera, frameWidth: number, frameHeight: number): CameraFrustum {
  const heightAtNear = 2 * camera.near * Math.tan((0.5 * Math.PI * camera.verticalFovDegrees) / 180);
  const widthAtNear = (frameWidth * heightAtNear) / frameHeight;
  return {
    left: -0.5 * widthAtNear,
    right: 0.5 * widthAtNear,
    bottom: -0.5 * heightAtNear,
    top: 0.5 * heightAtNear,
    near: camera.near,
    far: camera.far,
  };
}

/**
 * The OpenGL projection matrix of that frustum (glFrustum; column-major), for rendering
 * `projection · poseTransform · canonicalVertex`: clip → NDC → x_img = (ndc.x + 1)/2,
 * y_img = (1 − ndc.y)/2 for a top-left origin.
 */
export function perspectiveProjectionMatrix(
  camera: PerspectiveCamera,
  frameWidth: number,
  frameHeight: number,
  out: Float32Array | Float64Array = new Float32Array(16),
): Float32Array | Float64Array {
  const f = perspectiveCameraFrustum(camera, frameWidth, frameHeight);
  out.fill(0);
  out[0] = (2 * f.near) / (f.right - f.left);
  out[5] = (2 * f.near) / (f.top - f.bottom);
  out[8] = (f.right + f.left) / (f.right - f.left);
  out[9] = (f.top + f.bottom) / (f.top - f.bottom);
  out[10] = -(f.far + f.near) / (f.far - f.near);
  out[11] = -1;
  out[14] = (-2 * f.far * f.near) / (f.far - f.near);
  return out;
}

/** A FaceGeometry (face_geometry.proto) without the mesh topology, which is the metadata's. */
export interface FaceGeometry {
  /** 4×4 column-major, canonical model space → camera space (cm). */
  poseTransform: Float32Array;
  /** 468 × (x, y, z) cm: the observed face in canonical model space (MediaPipe's mesh vertices). */
  metricLandmarks: Float32Array;
}

const TOO_COMPACT_THRESHOLD = 1e-3; // geometry_pipeline.cc kIsScreenLandmarkListTooCompactThreshold

/**
 * The geometry pipeline for one metadata + environment (CreateGeometryPipeline). Reusable across frames
 * and faces; `estimate` does not allocate when given an output object.
 */
export class FaceGeometryPipeline {
  /** Number of canonical vertices (468): landmarks beyond it (the iris ones) are ignored. */
  readonly vertexCount: number;
  /** Canonical vertex positions, 468 × (x, y, z) cm. */
  readonly canonicalLandmarks: Float32Array;
  readonly environment: Readonly<FaceGeometryEnvironment>;
  private readonly basisIds: Uint32Array;
  private readonly basisWeights: Float64Array;
  private readonly basisCanonical: Float64Array;
  private readonly basisWork: Float64Array;
  private readonly screen: Float64Array;
  private readonly pose = new Float64Array(16);

  constructor(metadata: FaceGeometryMetadata, environment: FaceGeometryEnvironment = FACE_LANDMARKER_ENVIRONMENT) {
    const cam = environment.perspectiveCamera;
    // validation_utils.cc ValidatePerspectiveCamera
    if (!(cam.near > 1e-9)) throw new Error('FaceGeometryPipeline: near must be positive');
    if (!(cam.far > cam.near)) throw new Error('FaceGeometryPipeline: far must be greater than near');
    if (!(cam.verticalFovDegrees > 1e-9 && cam.verticalFovDegrees < 180)) {
      throw new Error('FaceGeometryPipeline: vertical FOV must be in (0, 180) degrees');
    }
    this.environment = environment;
    const n = metadata.vertices.length / CANONICAL_VERTEX_SIZE;
    if (!Number.isInteger(n) || n === 0) throw new Error('FaceGeometryPipeline: bad canonical mesh');
    this.vertexCount = n;
    this.canonicalLandmarks = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 3; k++) this.canonicalLandmarks[i * 3 + k] = metadata.vertices[i * CANONICAL_VERTEX_SIZE + k];
    }
    // Only the basis landmarks have a non-zero weight: solve Procrustes on them alone (same result).
    const b = metadata.basisIds.length;
    if (b === 0 || metadata.basisWeights.length !== b) throw new Error('FaceGeometryPipeline: bad Procrustes basis');
    this.basisIds = Uint32Array.from(metadata.basisIds);
    this.basisWeights = Float64Array.from(metadata.basisWeights);
    this.basisCanonical = new Float64Array(b * 3);
    for (let j = 0; j < b; j++) {
      const id = this.basisIds[j];
      if (id >= n) throw new Error(`FaceGeometryPipeline: basis landmark ${id} out of range`);
      for (let k = 0; k < 3; k++) this.basisCanonical[j * 3 + k] = this.canonicalLandmarks[id * 3 + k];
    }
    this.basisWork = new Float64Array(b * 3);
    this.screen = new Float64Array(n * 3);
  }

  /**
   * Estimates the face geometry from image-normalized landmarks (interleaved x/W, y/H, z/W, at least 468
   * of them; 478 is fine) of a `frameWidth` × `frameHeight` frame (EstimateFaceGeometry + Convert).
   * Returns null for a too compact landmark set (≤ 1e-3 from their mean: MediaPipe skips such faces) or
   * where the Procrustes solver fails.
   *
   * Algorithm (geometry_pipeline.cc):
   *  1. ProjectXY: y → 1 − y (top-left origin), then x, y, z scaled to the near-plane frustum
   *     (z like x) and shifted by (left, bottom).
   *  2. First pass: flip handedness (z → −z), Procrustes against the canonical basis → scale s1.
   *  3. MoveAndRescaleZ with s1: z → (z − mean z + near)/s1; UnprojectXY: x, y → x·z/near, y·z/near;
   *     flip handedness; Procrustes → s2.
   *  4. The same from the projected landmarks with s1·s2 → runtime metric landmarks;
   *     Procrustes → poseTransform; metricLandmarks = inverse(poseTransform) · runtime landmarks.
   */
  estimate(
    normalizedLandmarks: ArrayLike<number>,
    frameWidth: number,
    frameHeight: number,
    out?: FaceGeometry,
  ): FaceGeometry | null {
    const n = this.vertexCount;
    if (normalizedLandmarks.length < n * 3) {
      throw new Error(`FaceGeometryPipeline: ${normalizedLandmarks.length / 3} landmarks, ${n} needed`);
    }
    // validation_utils.cc ValidateFrameDimensions
    if (!(frameWidth > 0 && frameHeight > 0)) throw new Error('FaceGeometryPipeline: frame dimensions must be positive');
    if (isTooCompact(normalizedLandmarks, n)) return null;

    const pcf = perspectiveCameraFrustum(this.environment.perspectiveCamera, frameWidth, frameHeight);
    const screen = this.screen;
    // ProjectXY
    const xScale = pcf.right - pcf.left;
    const yScale = pcf.top - pcf.bottom;
    const topLeft = this.environment.originPointLocation === 'top-left';
    let depthOffset = 0;
    for (let i = 0; i < n; i++) {
      const y = normalizedLandmarks[i * 3 + 1];
      screen[i * 3] = normalizedLandmarks[i * 3] * xScale + pcf.left;
      screen[i * 3 + 1] = (topLeft ? 1 - y : y) * yScale + pcf.bottom;
      screen[i * 3 + 2] = normalizedLandmarks[i * 3 + 2] * xScale;
      depthOffset += screen[i * 3 + 2];
    }
    depthOffset /= n;

    // 1st iteration: projected XY, handedness changed.
    const ids = this.basisIds;
    const work = this.basisWork;
    for (let j = 0; j < ids.length; j++) {
      const id = ids[j];
      work[j * 3] = screen[id * 3];
      work[j * 3 + 1] = screen[id * 3 + 1];
      work[j * 3 + 2] = -screen[id * 3 + 2];
    }
    const s1 = this.estimateScale(work);
    if (s1 === null) return null;

    // 2nd iteration: unproject XY with the first scale.
    for (let j = 0; j < ids.length; j++) unprojectPoint(screen, ids[j], depthOffset, s1, pcf, work, j);
    const s2 = this.estimateScale(work);
    if (s2 === null) return null;

    // Final: unproject every landmark with the total scale, then the pose.
    const total = s1 * s2;
    const result: FaceGeometry = out ?? { poseTransform: new Float32Array(16), metricLandmarks: new Float32Array(n * 3) };
    if (result.poseTransform.length < 16 || result.metricLandmarks.length < n * 3) {
      throw new Error('FaceGeometryPipeline: output arrays too short');
    }
    const metric = result.metricLandmarks;
    for (let i = 0; i < n; i++) unprojectPoint(screen, i, depthOffset, total, pcf, metric, i);
    for (let j = 0; j < ids.length; j++) {
      for (let k = 0; k < 3; k++) work[j * 3 + k] = metric[ids[j] * 3 + k];
    }
    const pose = solveWeightedOrthogonalProcrustes(this.basisCanonical, work, this.basisWeights, this.pose);
    if (pose === null) return null;
    result.poseTransform.set(pose);

    // metric = inverse(pose) · runtime: (A | t)⁻¹ = (A⁻¹ | −A⁻¹t).
    const inv = invertAffine3(pose);
    if (inv === null) return null;
    for (let i = 0; i < n; i++) {
      const x = metric[i * 3] - pose[12];
      const y = metric[i * 3 + 1] - pose[13];
      const z = metric[i * 3 + 2] - pose[14];
      metric[i * 3] = inv[0] * x + inv[1] * y + inv[2] * z;
      metric[i * 3 + 1] = inv[3] * x + inv[4] * y + inv[5] * z;
      metric[i * 3 + 2] = inv[6] * x + inv[7] * y + inv[8] * z;
    }
    return result;
  }

  /** EstimateScale: |first column| of the canonical → `landmarks` (basis subset) similarity. */
  private estimateScale(landmarks: Float64Array): number | null {
    const m = solveWeightedOrthogonalProcrustes(this.basisCanonical, landmarks, this.basisWeights, this.pose);
    return m === null ? null : Math.hypot(m[0], m[1], m[2]);
  }
}

/** MoveAndRescaleZ + UnprojectXY + ChangeHandedness of landmark `i` of `screen` into `dst[j]`. */
function unprojectPoint(
  screen: Float64Array,
  i: number,
  depthOffset: number,
  scale: number,
  pcf: CameraFrustum,
  dst: Float64Array | Float32Array,
  j: number,
): void {
  const z = (screen[i * 3 + 2] - depthOffset + pcf.near) / scale;
  dst[j * 3] = (screen[i * 3] * z) / pcf.near;
  dst[j * 3 + 1] = (screen[i * 3 + 1] * z) / pcf.near;
  dst[j * 3 + 2] = -z;
}

/** IsScreenLandmarkListTooCompact: max distance of (x, y) from their mean ≤ 1e-3. */
function isTooCompact(lm: ArrayLike<number>, n: number): boolean {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += lm[i * 3];
    my += lm[i * 3 + 1];
  }
  mx /= n;
  my /= n;
  let maxSq = 0;
  for (let i = 0; i < n; i++) {
    const dx = lm[i * 3] - mx;
    const dy = lm[i * 3 + 1] - my;
    maxSq = Math.max(maxSq, dx * dx + dy * dy);
  }
  return !(Math.sqrt(maxSq) > TOO_COMPACT_THRESHOLD);
}

/** Inverse of the upper-left 3×3 of a column-major 4×4, as a row-major 3×3 (null if singular). */
function invertAffine3(m: ArrayLike<number>): Float64Array | null {
  const a = m[0], b = m[4], c = m[8];
  const d = m[1], e = m[5], f = m[9];
  const g = m[2], h = m[6], k = m[10];
  const A = e * k - f * h;
  const B = -(d * k - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!(Math.abs(det) > 1e-30)) return null;
  const s = 1 / det;
  return new Float64Array([
    A * s, -(b * k - c * h) * s, (b * f - c * e) * s,
    B * s, (a * k - c * g) * s, -(a * f - c * d) * s,
    C * s, -(a * h - b * g) * s, (a * e - b * d) * s,
  ]);
}

/** Applies a column-major 4×4 affine transform to interleaved (x, y, z) points. */
export function transformPoints(
  matrix: ArrayLike<number>,
  points: ArrayLike<number>,
  out: Float32Array | Float64Array = new Float32Array(points.length),
): Float32Array | Float64Array {
  if (out.length < points.length) throw new Error('transformPoints: output too short');
  const m = matrix;
  for (let i = 0; i + 2 < points.length; i += 3) {
    const x = points[i];
    const y = points[i + 1];
    const z = points[i + 2];
    out[i] = m[0] * x + m[4] * y + m[8] * z + m[12];
    out[i + 1] = m[1] * x + m[5] * y + m[9] * z + m[13];
    out[i + 2] = m[2] * x + m[6] * y + m[10] * z + m[14];
  }
  return out;
}

/** Head rotation in degrees; see `matrixToEulerAngles` for the conventions. */
export interface EulerAngles {
  yaw: number;
  pitch: number;
  roll: number;
}

const DEG = 180 / Math.PI;

/**
 * Yaw, pitch and roll (degrees) of a pose transform (column-major 4×4; its scale is divided out), such
 * that R = Ry(yaw) · Rx(pitch) · Rz(roll), each a right-handed rotation about the **camera** axes
 * (x image right, y image up, z towards the viewer). In words, for the unmirrored frame the landmarks
 * come from (a mirrored "selfie" display flips the on-screen sense of yaw and roll):
 *   - yaw > 0: the nose turns towards the image right = the subject turns to their own left;
 *   - pitch > 0: the nose turns down = the subject looks down (chin towards the chest);
 *   - roll > 0: the face turns counter-clockwise on screen = the head tilts towards the subject's right
 *     shoulder.
 * The nose direction (canonical +z) in camera space is (sin yaw·cos pitch, −sin pitch, cos yaw·cos pitch).
 * All zero = facing the camera upright. Ranges: yaw, roll in (−180, 180], pitch in [−90, 90].
 */
export function matrixToEulerAngles(matrix: ArrayLike<number>): EulerAngles {
  const n0 = Math.hypot(matrix[0], matrix[1], matrix[2]) || 1;
  const n1 = Math.hypot(matrix[4], matrix[5], matrix[6]) || 1;
  const n2 = Math.hypot(matrix[8], matrix[9], matrix[10]) || 1;
  // R[r][c] = matrix[c·4 + r] / n_c
  const r00 = matrix[0] / n0;
  const r10 = matrix[1] / n0;
  const r20 = matrix[2] / n0;
  const r11 = matrix[5] / n1;
  const r02 = matrix[8] / n2;
  const r12 = matrix[9] / n2;
  const r22 = matrix[10] / n2;
  const sp = Math.max(-1, Math.min(1, -r12));
  const pitch = Math.asin(sp);
  if (Math.abs(sp) > 1 - 1e-12) {
    // Gimbal lock (looking straight up/down): yaw and roll share an axis; report it all as yaw.
    return { yaw: Math.atan2(-r20, r00) * DEG, pitch: pitch * DEG, roll: 0 };
  }
  return { yaw: Math.atan2(r02, r22) * DEG, pitch: pitch * DEG, roll: Math.atan2(r10, r11) * DEG };
}

/** The rotation Ry(yaw)·Rx(pitch)·Rz(roll) (degrees) as a column-major 4×4; inverse of matrixToEulerAngles. */
export function eulerAnglesToMatrix(
  angles: EulerAngles,
  out: Float32Array | Float64Array = new Float64Array(16),
): Float32Array | Float64Array {
  const cy = Math.cos(angles.yaw / DEG);
  const sy = Math.sin(angles.yaw / DEG);
  const cp = Math.cos(angles.pitch / DEG);
  const sp = Math.sin(angles.pitch / DEG);
  const cr = Math.cos(angles.roll / DEG);
  const sr = Math.sin(angles.roll / DEG);
  // Row-major R = Ry·Rx·Rz, written column by column.
  out.set([
    cy * cr + sy * sp * sr, cp * sr, -sy * cr + cy * sp * sr, 0,
    -cy * sr + sy * sp * cr, cp * cr, sy * sr + cy * sp * cr, 0,
    sy * cp, -sp, cy * cp, 0,
    0, 0, 0, 1,
  ]);
  return out;
}
