/**
 * Eye tracking on the 478 refined landmarks: each eye's distance from the camera (from the iris size)
 * and its gaze direction (from the iris centre, the eye corners and the head pose).
 *
 * Camera model: a pinhole at the origin with its principal point at the frame centre and a focal
 * length (pixels) from the vertical field of view, the camera of the facial transformation matrix
 * (FACE_LANDMARKER_ENVIRONMENT, 63° unless set otherwise). Camera space as the matrix's: cm, x to the
 * image right, y to the image top, z towards the viewer (a visible point has z < 0).
 *
 * Distance: MediaPipe's iris depth (mediapipe/graphs/iris_tracking/calculators/iris_to_depth_calculator.cc):
 * the human iris is ~11.8 mm across, so distance = focal length × 11.8 mm / iris diameter in pixels,
 * along the ray to the iris centre. MediaPipe measures the diameter as the mean of the two distances
 * between opposite edge points. Two refinements here, both exact for a small disc:
 *   - the diameter is measured as the angle it subtends, on the plane facing the iris's own ray (a
 *     virtual camera turned towards the iris), so an iris away from the image centre is not
 *     stretched by the perspective;
 *   - it is the major axis of the ellipse through the four edge points (two perpendicular diameters
 *     of a circle project to conjugate diameters of an ellipse, whose axes follow from them): a turned
 *     eye or head foreshortens one axis, which the mean would count (-4.7% at 25°).
 *
 * Gaze: a 3-D eyeball model. The eyeball centre is the midpoint of the eye's two corners (the observed
 * metric landmarks, in camera space) moved EYEBALL_CENTRE_DEPTH_CM back along the head's forward
 * axis; the iris centre lies on a sphere around it of radius √(R² − r²) (R the eyeball radius, r the
 * iris radius: the iris is a circle on the eyeball). The iris centre's pixel ray meets that sphere at
 * the iris; the gaze is the unit vector from the eyeball centre to it. Where the ray misses the
 * sphere (noise at extreme angles), the point of the ray nearest the sphere is used.
 */
import { LEFT_EYE_CORNERS, NUM_MESH_LANDMARKS, RIGHT_EYE_CORNERS } from './constants.js';
import { FACE_LANDMARKER_ENVIRONMENT } from './face_geometry.js';
import { LEFT_IRIS_INDICES, RIGHT_IRIS_INDICES } from './refinement.js';

/** Mean diameter of the human iris, mm (MediaPipe's kIrisSizeInMM). */
export const IRIS_DIAMETER_MM = 11.8;
/** Radius of the adult eyeball (axial length ~24 mm), cm. */
export const EYEBALL_RADIUS_CM = 1.2;
/**
 * How far the eyeball centre is behind the midpoint of the eye corners, along the head's forward
 * axis, cm. In the canonical face the corners' midpoint is 0.4 cm behind the eyelid centres (which
 * lie on the cornea), and the eyeball centre is ~1.2 cm behind the cornea's front.
 */
export const EYEBALL_CENTRE_DEPTH_CM = 0.8;
/** Distance from the eyeball centre to the iris centre (the iris is a circle on the eyeball), cm. */
export const IRIS_CENTRE_RADIUS_CM = Math.sqrt(EYEBALL_RADIUS_CM ** 2 - (IRIS_DIAMETER_MM / 20) ** 2);

/** The landmarks of one eye: its iris (centre, then four edge points) and its two corners. */
export interface EyeLandmarkIndices {
  iris: readonly number[];
  corners: readonly [number, number];
}

/**
 * "left" is MediaPipe's left group (iris 468-472): in an unmirrored image the eye on the image's
 * left, the subject's right eye; with the mirrored (selfie) landmarks, the subject's left eye.
 */
export const EYE_LANDMARKS: Readonly<Record<'left' | 'right', EyeLandmarkIndices>> = {
  left: { iris: LEFT_IRIS_INDICES, corners: LEFT_EYE_CORNERS },
  right: { iris: RIGHT_IRIS_INDICES, corners: RIGHT_EYE_CORNERS },
};

/** Focal length in pixels of a camera with this vertical field of view, for a frame `frameHeight` tall. */
export function focalLengthPixels(frameHeight: number, verticalFovDegrees = FACE_LANDMARKER_ENVIRONMENT.perspectiveCamera.verticalFovDegrees): number {
  if (!(verticalFovDegrees > 0 && verticalFovDegrees < 180)) throw new RangeError(`The field of view must be between 0 and 180 degrees, got ${verticalFovDegrees}.`);
  return frameHeight / 2 / Math.tan((verticalFovDegrees * Math.PI) / 360);
}

/** A pinhole camera over a frame: principal point at the centre, focal length in pixels. */
export interface PinholeCamera {
  width: number;
  height: number;
  focalPx: number;
}

export function pinholeCamera(width: number, height: number, verticalFovDegrees?: number): PinholeCamera {
  return { width, height, focalPx: focalLengthPixels(height, verticalFovDegrees) };
}

type Vec3 = [number, number, number];

/** Unit ray from the camera through pixel (x, y) (top-left origin), in camera space. */
export function pixelRay(camera: PinholeCamera, x: number, y: number): Vec3 {
  return normalize([(x - camera.width / 2) / camera.focalPx, -(y - camera.height / 2) / camera.focalPx, -1]);
}

/** Camera-space point → pixel (x, y), top-left origin. */
export function projectToPixel(camera: PinholeCamera, p: ArrayLike<number>): [number, number] {
  return [camera.width / 2 + (camera.focalPx * p[0]) / -p[2], camera.height / 2 - (camera.focalPx * p[1]) / -p[2]];
}

function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / n, v[1] / n, v[2] / n];
}
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/**
 * The angle the iris diameter subtends, as its size on the plane at unit distance facing the iris
 * centre's ray (multiply by the focal length for pixels at the image centre). `landmarks`: pixels,
 * interleaved (x, y, z); `iris`: centre then edge points, opposite ones 1↔3 and 2↔4.
 */
export function irisAngularDiameter(landmarks: ArrayLike<number>, iris: readonly number[], camera: PinholeCamera): number {
  const ray = (i: number): Vec3 => pixelRay(camera, landmarks[3 * iris[i]], landmarks[3 * iris[i] + 1]);
  const c = ray(0);
  // Gnomonic projection onto the plane through c ⟂ c: p = e / (e·c) − c.
  const onPlane = (i: number): Vec3 => {
    const e = ray(i);
    const k = 1 / dot(e, c);
    return [e[0] * k - c[0], e[1] * k - c[1], e[2] * k - c[2]];
  };
  const [p1, p2, p3, p4] = [onPlane(1), onPlane(2), onPlane(3), onPlane(4)];
  // Conjugate semi-diameters a, b → semi-axes A ≥ B with A² + B² = |a|² + |b|², A·B = |a × b|.
  const a: Vec3 = [(p1[0] - p3[0]) / 2, (p1[1] - p3[1]) / 2, (p1[2] - p3[2]) / 2];
  const b: Vec3 = [(p2[0] - p4[0]) / 2, (p2[1] - p4[1]) / 2, (p2[2] - p4[2]) / 2];
  const sum = dot(a, a) + dot(b, b);
  const cross = Math.hypot(a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]);
  const major = Math.sqrt((sum + Math.sqrt(Math.max(0, sum * sum - 4 * cross * cross))) / 2);
  return 2 * major;
}

/** Distance (mm) from the camera to the iris centre, from the iris's apparent size (see the module comment). */
export function irisDistanceMm(landmarks: ArrayLike<number>, iris: readonly number[], camera: PinholeCamera): number {
  return IRIS_DIAMETER_MM / irisAngularDiameter(landmarks, iris, camera);
}

/** A gaze direction in camera space, and its angles with the conventions of `matrixToEulerAngles`. */
export interface Gaze {
  /** Unit vector, camera space (x image right, y image up, z towards the viewer). */
  x: number;
  y: number;
  z: number;
  /** Degrees; > 0 looking towards the image right (the subject's left, unmirrored). */
  yaw: number;
  /** Degrees; > 0 looking down. */
  pitch: number;
}

export function gazeFromVector(v: ArrayLike<number>): Gaze {
  const [x, y, z] = normalize([v[0], v[1], v[2]]);
  const DEG = 180 / Math.PI;
  return { x, y, z, yaw: Math.atan2(x, z) * DEG, pitch: Math.asin(Math.max(-1, Math.min(1, -y))) * DEG };
}

/** The unit vector of gaze angles (inverse of `gazeFromVector`'s angles). */
export function gazeVector(yawDegrees: number, pitchDegrees: number): Vec3 {
  const y = (yawDegrees * Math.PI) / 180;
  const p = (pitchDegrees * Math.PI) / 180;
  return [Math.sin(y) * Math.cos(p), -Math.sin(p), Math.cos(y) * Math.cos(p)];
}

/**
 * Where the eyeball centre is, camera space (cm), for a face pose: `pose` the facial transformation
 * matrix (column-major 4×4, canonical cm → camera), `metricLandmarks` the observed face in canonical
 * space (468 × 3; the canonical mesh works too).
 */
export function eyeballCentre(pose: ArrayLike<number>, metricLandmarks: ArrayLike<number>, corners: readonly [number, number]): Vec3 {
  const [i, j] = corners;
  const x = (metricLandmarks[3 * i] + metricLandmarks[3 * j]) / 2;
  const y = (metricLandmarks[3 * i + 1] + metricLandmarks[3 * j + 1]) / 2;
  const z = (metricLandmarks[3 * i + 2] + metricLandmarks[3 * j + 2]) / 2 - EYEBALL_CENTRE_DEPTH_CM;
  const m = pose;
  return [
    m[0] * x + m[4] * y + m[8] * z + m[12],
    m[1] * x + m[5] * y + m[9] * z + m[13],
    m[2] * x + m[6] * y + m[10] * z + m[14],
  ];
}

/**
 * The gaze of one eye (see the module comment): the iris centre's pixel ray meets the sphere of the
 * iris centre around the eyeball centre.
 */
export function estimateGaze(
  landmarks: ArrayLike<number>,
  eye: EyeLandmarkIndices,
  pose: ArrayLike<number>,
  metricLandmarks: ArrayLike<number>,
  camera: PinholeCamera,
): { gaze: Gaze; centre: Vec3 } {
  const centre = eyeballCentre(pose, metricLandmarks, eye.corners);
  // The pose's scale (≈ 1) applies to the eye too.
  const radius = IRIS_CENTRE_RADIUS_CM * Math.hypot(pose[0], pose[1], pose[2]);
  const d = pixelRay(camera, landmarks[3 * eye.iris[0]], landmarks[3 * eye.iris[0] + 1]);
  const b = dot(d, centre);
  const disc = b * b - (dot(centre, centre) - radius * radius);
  const t = disc > 0 ? b - Math.sqrt(disc) : b;
  const g = gazeFromVector([t * d[0] - centre[0], t * d[1] - centre[1], t * d[2] - centre[2]]);
  return { gaze: g, centre };
}

/** One eye's measurements. */
export interface EyeMeasurement {
  /** Distance from the camera to the iris centre, mm (from the iris size, see irisDistanceMm). */
  distanceMm: number;
  /** The iris diameter in pixels as seen at the image centre (angular diameter × focal length). */
  irisDiameterPx: number;
  /** Gaze direction, camera space; absent without a head pose. */
  gaze?: Gaze;
  /** Eyeball centre, camera space (cm, the pose's units); absent without a head pose. */
  centre?: [number, number, number];
  /** Angle (degrees) between the gaze and the direction from the eye to the camera: ~0 = looking at the camera. */
  cameraAngle?: number;
}

export interface EyesMeasurement {
  left: EyeMeasurement;
  right: EyeMeasurement;
}

/**
 * Both eyes of a face: `landmarks` 478 × (x, y, z) in pixels of a `camera.width` × `camera.height`
 * frame; `geometry` the face's pose and metric landmarks (gaze needs them), or null for distance only.
 * Returns null for landmarks without irises (the plain 468-point model).
 */
export function measureEyes(
  landmarks: ArrayLike<number>,
  camera: PinholeCamera,
  geometry: { poseTransform: ArrayLike<number>; metricLandmarks: ArrayLike<number> } | null,
): EyesMeasurement | null {
  if (landmarks.length < 3 * (NUM_MESH_LANDMARKS + 10)) return null;
  const one = (eye: EyeLandmarkIndices): EyeMeasurement => {
    const angle = irisAngularDiameter(landmarks, eye.iris, camera);
    const m: EyeMeasurement = { distanceMm: IRIS_DIAMETER_MM / angle, irisDiameterPx: angle * camera.focalPx };
    if (geometry) {
      const { gaze, centre } = estimateGaze(landmarks, eye, geometry.poseTransform, geometry.metricLandmarks, camera);
      const toCamera = normalize([-centre[0], -centre[1], -centre[2]]);
      m.gaze = gaze;
      m.centre = centre;
      m.cameraAngle = (Math.acos(Math.max(-1, Math.min(1, dot(toCamera, [gaze.x, gaze.y, gaze.z])))) * 180) / Math.PI;
    }
    return m;
  };
  return { left: one(EYE_LANDMARKS.left), right: one(EYE_LANDMARKS.right) };
}

/** The same eyes in the horizontally mirrored view: left and right swapped, x negated (in place). */
export function mirrorEyes(eyes: EyesMeasurement): EyesMeasurement {
  for (const eye of [eyes.left, eyes.right]) {
    if (eye.gaze) eye.gaze = { ...eye.gaze, x: -eye.gaze.x, yaw: -eye.gaze.yaw };
    if (eye.centre) eye.centre = [-eye.centre[0], eye.centre[1], eye.centre[2]];
  }
  [eyes.left, eyes.right] = [eyes.right, eyes.left];
  return eyes;
}
