import { expect } from 'chai';
import {
  EYEBALL_CENTRE_DEPTH_CM,
  EYE_LANDMARKS,
  IRIS_CENTRE_RADIUS_CM,
  IRIS_DIAMETER_MM,
  type EyesMeasurement,
  focalLengthPixels,
  gazeFromVector,
  gazeVector,
  measureEyes,
  mirrorEyes,
  pinholeCamera,
  pixelRay,
  projectToPixel,
} from './eyes.js';
import { FACE_LANDMARKER_ENVIRONMENT, FaceGeometryPipeline, perspectiveProjectionMatrix, transformPoints } from './face_geometry.js';
import { parseFaceGeometryMetadata } from './face_geometry_metadata.js';
import { gauss, rng } from '../test/random.js';
import { poseMatrix, toScreenLandmarks, type Pose } from '../test/synthetic_face.js';

type Vec3 = [number, number, number];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const add = (a: Vec3, b: Vec3, k = 1): Vec3 => [a[0] + k * b[0], a[1] + k * b[1], a[2] + k * b[2]];
const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
const unit = (a: Vec3): Vec3 => [a[0] / norm(a), a[1] / norm(a), a[2] / norm(a)];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const angleDeg = (a: Vec3, b: Vec3): number =>
  (Math.acos(Math.max(-1, Math.min(1, (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (norm(a) * norm(b))))) * 180) / Math.PI;

interface EyeTruth {
  gaze: Vec3;
  distanceMm: number;
}

/**
 * A synthetic face: the canonical mesh at `pose`, and two eyes of the documented model (eyeball
 * centre behind the corners' midpoint, iris disc of 11.8 mm on it) looking along the given camera-space
 * gaze angles, all projected with the 63° camera. Returns the 478 landmarks in pixels and the truth.
 */
function syntheticFace(canonical: Float32Array, pose: Pose, gazes: { left: [number, number]; right: [number, number] }, w: number, h: number) {
  const m = poseMatrix(pose);
  const cam = new Float64Array(478 * 3);
  transformPoints(m, canonical, cam);
  const truth: Record<'left' | 'right', EyeTruth> = {} as Record<'left' | 'right', EyeTruth>;
  for (const side of ['left', 'right'] as const) {
    const { iris, corners } = EYE_LANDMARKS[side];
    const [i, j] = corners;
    const mid = [0, 1, 2].map((k) => (canonical[3 * i + k] + canonical[3 * j + k]) / 2);
    mid[2] -= EYEBALL_CENTRE_DEPTH_CM;
    const centre = Array.from(transformPoints(m, mid, new Float64Array(3))) as Vec3;
    const g = gazeVector(...gazes[side]);
    const irisCentre = add(centre, g, IRIS_CENTRE_RADIUS_CM);
    // Two perpendicular diameters of the iris disc (⟂ gaze): edge points 1↔3 and 2↔4.
    const e1 = unit(cross([0, 1, 0], g));
    const e2 = cross(g, e1);
    const r = IRIS_DIAMETER_MM / 20;
    const points: Vec3[] = [irisCentre, add(irisCentre, e1, r), add(irisCentre, e2, r), add(irisCentre, e1, -r), add(irisCentre, e2, -r)];
    points.forEach((p, k) => cam.set(p, 3 * iris[k]));
    truth[side] = { gaze: g, distanceMm: norm(irisCentre) * 10 };
  }
  const normalized = toScreenLandmarks(cam, w, h);
  const pixels = new Float32Array(normalized.length);
  for (let k = 0; k < pixels.length; k += 3) {
    pixels[k] = normalized[k] * w;
    pixels[k + 1] = normalized[k + 1] * h;
    pixels[k + 2] = normalized[k + 2] * w;
  }
  return { normalized, pixels, truth };
}

describe('eyes: iris distance and gaze', () => {
  let geometry: FaceGeometryPipeline;
  before(async () => {
    const res = await fetch('/models/dist/geometry_pipeline_metadata_landmarks.binarypb');
    geometry = new FaceGeometryPipeline(parseFaceGeometryMetadata(new Uint8Array(await res.arrayBuffer())));
  });

  it('the pinhole camera is the one of the transform (63° vertical, principal point at the centre)', () => {
    expect(focalLengthPixels(480)).to.be.closeTo(240 / Math.tan((31.5 * Math.PI) / 180), 1e-9);
    expect(focalLengthPixels(720, 90)).to.be.closeTo(360, 1e-9);
    expect(() => focalLengthPixels(480, 0)).to.throw(RangeError);
    const camera = pinholeCamera(640, 480);
    const proj = perspectiveProjectionMatrix(FACE_LANDMARKER_ENVIRONMENT.perspectiveCamera, 640, 480);
    const p = [9, -4, -55];
    const clip = [0, 1, 3].map((r) => proj[r] * p[0] + proj[4 + r] * p[1] + proj[8 + r] * p[2] + proj[12 + r]);
    const [x, y] = projectToPixel(camera, p);
    expect(x).to.be.closeTo(((clip[0] / clip[2] + 1) / 2) * 640, 1e-6);
    expect(y).to.be.closeTo(((1 - clip[1] / clip[2]) / 2) * 480, 1e-6);
    expect(angleDeg(pixelRay(camera, x, y), p as Vec3)).to.be.lessThan(1e-6);
  });

  it('gaze angles follow the Euler conventions: yaw > 0 towards the image right, pitch > 0 down', () => {
    const right = gazeFromVector([1, 0, 1]);
    expect(right.yaw).to.be.closeTo(45, 1e-9);
    expect(right.pitch).to.be.closeTo(0, 1e-9);
    const down = gazeFromVector([0, -1, 1]);
    expect(down.pitch).to.be.closeTo(45, 1e-9);
    const v = gazeVector(-20, 12);
    const back = gazeFromVector(v);
    expect(back.yaw).to.be.closeTo(-20, 1e-9);
    expect(back.pitch).to.be.closeTo(12, 1e-9);
  });

  const cases: { name: string; pose: Pose; gazes: { left: [number, number]; right: [number, number] }; size: [number, number] }[] = [
    { name: 'frontal, 50 cm, looking at the lens', pose: { angles: { yaw: 0, pitch: 0, roll: 0 }, scale: 1, t: [0, 0, -50] }, gazes: { left: [2.5, 0], right: [-2.5, 0] }, size: [640, 480] },
    { name: 'frontal, 50 cm, eyes turned 25° right', pose: { angles: { yaw: 0, pitch: 0, roll: 0 }, scale: 1, t: [0, 0, -50] }, gazes: { left: [25, 0], right: [25, 0] }, size: [640, 480] },
    { name: 'head yaw 20, pitch -10, roll 5, off centre, gaze down-left', pose: { angles: { yaw: 20, pitch: -10, roll: 5 }, scale: 1, t: [8, -5, -60] }, gazes: { left: [-10, 15], right: [-12, 15] }, size: [640, 480] },
    { name: 'head yaw -25, pitch 12, 40 cm, 1280x720, gaze up', pose: { angles: { yaw: -25, pitch: 12, roll: -8 }, scale: 1, t: [-6, 4, -40] }, gazes: { left: [5, -18], right: [3, -18] }, size: [1280, 720] },
    { name: 'far (120 cm), image corner, gaze 20° left', pose: { angles: { yaw: 10, pitch: 5, roll: 0 }, scale: 1, t: [-40, 25, -120] }, gazes: { left: [-20, 5], right: [-20, 5] }, size: [640, 480] },
  ];

  for (const c of cases) {
    it(`synthetic face, ${c.name}: distance within 2%, gaze within 2°`, () => {
      const [w, h] = c.size;
      const face = syntheticFace(geometry.canonicalLandmarks, c.pose, c.gazes, w, h);
      const g = geometry.estimate(face.normalized, w, h);
      expect(g).to.not.equal(null);
      const eyes = measureEyes(face.pixels, pinholeCamera(w, h), g)!;
      for (const side of ['left', 'right'] as const) {
        const eye = eyes[side];
        const truth = face.truth[side];
        const depthError = Math.abs(eye.distanceMm / truth.distanceMm - 1);
        const gazeError = angleDeg([eye.gaze!.x, eye.gaze!.y, eye.gaze!.z], truth.gaze);
        console.log(`eyes ${c.name} ${side}: distance ${eye.distanceMm.toFixed(1)} mm (true ${truth.distanceMm.toFixed(1)}, error ${(100 * depthError).toFixed(3)}%), gaze error ${gazeError.toFixed(3)}°`);
        expect(depthError).to.be.lessThan(0.02);
        expect(gazeError).to.be.lessThan(2);
      }
    });
  }

  it('with 0.2 px landmark noise (1280x720, 50 cm): mean distance error < 2%, mean gaze error < 2°', () => {
    const r = rng(7);
    let depthSum = 0;
    let gazeSum = 0;
    let n = 0;
    for (let trial = 0; trial < 40; trial++) {
      const pose: Pose = { angles: { yaw: 30 * (r() - 0.5), pitch: 20 * (r() - 0.5), roll: 10 * (r() - 0.5) }, scale: 1, t: [10 * (r() - 0.5), 6 * (r() - 0.5), -50] };
      const gaze: [number, number] = [40 * (r() - 0.5), 30 * (r() - 0.5)];
      const face = syntheticFace(geometry.canonicalLandmarks, pose, { left: gaze, right: gaze }, 1280, 720);
      for (let k = 0; k < face.pixels.length; k += 3) {
        const dx = gauss(r) * 0.2;
        const dy = gauss(r) * 0.2;
        face.pixels[k] += dx;
        face.pixels[k + 1] += dy;
        face.normalized[k] += dx / 1280;
        face.normalized[k + 1] += dy / 720;
      }
      const eyes = measureEyes(face.pixels, pinholeCamera(1280, 720), geometry.estimate(face.normalized, 1280, 720))!;
      for (const side of ['left', 'right'] as const) {
        depthSum += Math.abs(eyes[side].distanceMm / face.truth[side].distanceMm - 1);
        gazeSum += angleDeg([eyes[side].gaze!.x, eyes[side].gaze!.y, eyes[side].gaze!.z], face.truth[side].gaze);
        n++;
      }
    }
    console.log(`0.2 px noise: mean distance error ${((100 * depthSum) / n).toFixed(2)}%, mean gaze error ${(gazeSum / n).toFixed(2)}°`);
    expect(depthSum / n).to.be.lessThan(0.02);
    expect(gazeSum / n).to.be.lessThan(2);
  });

  it('looking at the lens gives a camera angle near 0; the MediaPipe mean-diameter rule is off by > 2% at a 25° eye turn', () => {
    const pose: Pose = { angles: { yaw: 0, pitch: 0, roll: 0 }, scale: 1, t: [0, 0, -50] };
    // Gaze straight at the camera from each eyeball centre.
    const camera = pinholeCamera(640, 480);
    const atLens = syntheticFace(geometry.canonicalLandmarks, pose, { left: [0, 0], right: [0, 0] }, 640, 480);
    const eyes0 = measureEyes(atLens.pixels, camera, geometry.estimate(atLens.normalized, 640, 480))!;
    // Both eyes look straight ahead: the camera is 3 cm beside each, 50 cm away: ~3.5° off.
    expect(eyes0.left.cameraAngle!).to.be.within(2, 5);
    const turned = syntheticFace(geometry.canonicalLandmarks, pose, { left: [25, 0], right: [25, 0] }, 640, 480);
    const p = turned.pixels;
    const [c, a, b, a2, b2] = EYE_LANDMARKS.left.iris;
    const d = (i: number, j: number): number => Math.hypot(p[3 * i] - p[3 * j], p[3 * i + 1] - p[3 * j + 1]);
    const meanPx = (d(a, a2) + d(b, b2)) / 2;
    const r = Math.hypot(p[3 * c] - 320, p[3 * c + 1] - 240);
    const mediapipe = (IRIS_DIAMETER_MM * Math.hypot(camera.focalPx, r)) / meanPx;
    const ours = measureEyes(p, camera, null)!.left.distanceMm;
    const truth = turned.truth.left.distanceMm;
    console.log(`25° eye turn: MediaPipe's rule ${mediapipe.toFixed(1)} mm, ours ${ours.toFixed(1)} mm, true ${truth.toFixed(1)} mm`);
    expect(mediapipe / truth - 1).to.be.greaterThan(0.02);
    expect(Math.abs(ours / truth - 1)).to.be.lessThan(0.005);
  });

  it('without a pose there is distance but no gaze; without irises nothing', () => {
    const face = syntheticFace(geometry.canonicalLandmarks, { angles: { yaw: 0, pitch: 0, roll: 0 }, scale: 1, t: [0, 0, -50] }, { left: [0, 0], right: [0, 0] }, 640, 480);
    const eyes = measureEyes(face.pixels, pinholeCamera(640, 480), null)!;
    expect(eyes.left.distanceMm).to.be.closeTo(face.truth.left.distanceMm, face.truth.left.distanceMm * 0.02);
    expect(eyes.left.gaze).to.equal(undefined);
    expect(measureEyes(face.pixels.subarray(0, 468 * 3), pinholeCamera(640, 480), null)).to.equal(null);
  });

  it('mirrorEyes swaps the eyes and negates x', () => {
    const eyes: EyesMeasurement = {
      left: { distanceMm: 500, irisDiameterPx: 9, gaze: gazeFromVector([0.2, 0.1, 1]), centre: [-3, 1, -50] },
      right: { distanceMm: 510, irisDiameterPx: 8.8, gaze: gazeFromVector([0.3, 0.1, 1]), centre: [3, 1, -50] },
    };
    const m = mirrorEyes(eyes);
    expect(m.left.distanceMm).to.equal(510);
    expect(m.left.centre).to.deep.equal([-3, 1, -50]);
    expect(m.left.gaze!.x).to.be.closeTo(-0.3 / Math.hypot(0.3, 0.1, 1), 1e-12);
    expect(m.left.gaze!.yaw).to.be.lessThan(0);
    expect(m.right.distanceMm).to.equal(500);
  });
});
