import { expect } from 'chai';
import {
  FACE_LANDMARKER_ENVIRONMENT,
  FaceGeometryPipeline,
  type EulerAngles,
  eulerAnglesToMatrix,
  matrixToEulerAngles,
  perspectiveCameraFrustum,
  perspectiveProjectionMatrix,
  transformPoints,
} from './face_geometry.js';
import { type FaceGeometryMetadata, parseFaceGeometryMetadata } from './face_geometry_metadata.js';
import { gauss, rng } from '../test/random.js';
import { poseMatrix, synth, toScreenLandmarks, type Pose } from '../test/synthetic_face.js';

/** Angle (degrees) between the rotations of two (scaled) column-major pose matrices. */
function rotationErrorDeg(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let trace = 0;
  for (let c = 0; c < 3; c++) {
    const na = Math.hypot(a[c * 4], a[c * 4 + 1], a[c * 4 + 2]);
    const nb = Math.hypot(b[c * 4], b[c * 4 + 1], b[c * 4 + 2]);
    for (let r = 0; r < 3; r++) trace += (a[c * 4 + r] / na) * (b[c * 4 + r] / nb);
  }
  return (Math.acos(Math.max(-1, Math.min(1, (trace - 1) / 2))) * 180) / Math.PI;
}

describe('face geometry', () => {
  let meta: FaceGeometryMetadata;
  let pipeline: FaceGeometryPipeline;
  before(async () => {
    const res = await fetch('/models/dist/geometry_pipeline_metadata_landmarks.binarypb');
    expect(res.ok).to.equal(true);
    meta = parseFaceGeometryMetadata(new Uint8Array(await res.arrayBuffer()));
    pipeline = new FaceGeometryPipeline(meta);
  });

  it('canonical model axes: x towards the subject left, y up, z out of the face', () => {
    const c = pipeline.canonicalLandmarks;
    expect(pipeline.vertexCount).to.equal(468);
    expect(c[33 * 3]).to.be.lessThan(0); // 33: the subject's right eye outer corner
    expect(c[263 * 3]).to.be.greaterThan(0); // 263: left eye outer corner
    expect(c[10 * 3 + 1]).to.be.greaterThan(c[152 * 3 + 1]); // forehead (10) above chin (152)
    let maxZ = -Infinity;
    let argMax = -1;
    for (let i = 0; i < 468; i++) if (c[i * 3 + 2] > maxZ) [maxZ, argMax] = [c[i * 3 + 2], i];
    expect([1, 4]).to.include(argMax); // the nose tip sticks out the most
  });

  it('frustum and projection matrix follow the 63° camera', () => {
    const f = perspectiveCameraFrustum(FACE_LANDMARKER_ENVIRONMENT.perspectiveCamera, 640, 480);
    expect(f.top - f.bottom).to.be.closeTo(2 * Math.tan((31.5 * Math.PI) / 180), 1e-12);
    expect((f.right - f.left) / (f.top - f.bottom)).to.be.closeTo(640 / 480, 1e-12);
    // projection · camera point agrees with the synthetic projection used below
    const proj = perspectiveProjectionMatrix(FACE_LANDMARKER_ENVIRONMENT.perspectiveCamera, 640, 480);
    const pt = [7, -3, -55];
    const clip = [0, 1, 2, 3].map((r) => proj[r] * pt[0] + proj[4 + r] * pt[1] + proj[8 + r] * pt[2] + proj[12 + r]);
    const screen = toScreenLandmarks(new Float64Array(pt), 640, 480);
    expect((clip[0] / clip[3] + 1) / 2).to.be.closeTo(screen[0], 1e-6);
    expect((1 - clip[1] / clip[3]) / 2).to.be.closeTo(screen[1], 1e-6);
    expect(clip[2] / clip[3]).to.be.within(-1, 1);
  });

  it('identity pose gives the identity rotation, the true translation and the canonical mesh', () => {
    const truth: Pose = { angles: { yaw: 0, pitch: 0, roll: 0 }, scale: 1, t: [0, 0, -60] };
    const { screen } = synth(pipeline.canonicalLandmarks, truth, 640, 480);
    const g = pipeline.estimate(screen, 640, 480)!;
    expect(g).to.not.equal(null);
    const m = g.poseTransform;
    for (let c = 0; c < 3; c++) for (let r = 0; r < 3; r++) expect(m[c * 4 + r]).to.be.closeTo(r === c ? 1 : 0, 1e-5);
    expect(Array.from(m.subarray(12))).to.satisfy((t: number[]) =>
      Math.abs(t[0]) < 1e-3 && Math.abs(t[1]) < 1e-3 && Math.abs(t[2] + 60) < 1e-3 && t[3] === 1);
    const e = matrixToEulerAngles(m);
    expect(Math.abs(e.yaw) + Math.abs(e.pitch) + Math.abs(e.roll)).to.be.lessThan(1e-3);
    for (let i = 0; i < 468 * 3; i++) expect(g.metricLandmarks[i]).to.be.closeTo(pipeline.canonicalLandmarks[i], 1e-3);
  });

  it('recovers yaw 20°, pitch −10°, roll 5° and the translation from the projected canonical mesh', () => {
    const truth: Pose = { angles: { yaw: 20, pitch: -10, roll: 5 }, scale: 1, t: [4, -3, -60] };
    const { cam, screen } = synth(pipeline.canonicalLandmarks, truth, 640, 480);
    const g = pipeline.estimate(screen, 640, 480)!;
    const m = g.poseTransform;
    const rotErr = rotationErrorDeg(m, poseMatrix(truth));
    expect(rotErr).to.be.lessThan(0.5);
    expect(rotErr).to.be.lessThan(1e-3); // exact data: only float32 round-off remains (measured 6e-6°)
    const e = matrixToEulerAngles(m);
    expect(e.yaw).to.be.closeTo(20, 1e-3);
    expect(e.pitch).to.be.closeTo(-10, 1e-3);
    expect(e.roll).to.be.closeTo(5, 1e-3);
    expect(m[12]).to.be.closeTo(4, 0.04);
    expect(m[13]).to.be.closeTo(-3, 0.03);
    expect(m[14]).to.be.closeTo(-60, 0.6);
    expect(Math.hypot(m[0], m[1], m[2])).to.be.closeTo(1, 1e-4);
    // metric landmarks: the observed face in canonical space; the pose takes them to camera space
    const back = transformPoints(m, g.metricLandmarks, new Float64Array(468 * 3));
    for (let i = 0; i < 468 * 3; i++) {
      expect(g.metricLandmarks[i]).to.be.closeTo(pipeline.canonicalLandmarks[i], 1e-3);
      expect(back[i]).to.be.closeTo(cam[i], 1e-3);
    }
  });

  it('a face of another size: same rotation, scale ≈ 1, depth scaled (metric size is assumed canonical)', () => {
    const truth: Pose = { angles: { yaw: -25, pitch: 12, roll: -8 }, scale: 1.15, t: [-6, 5, -70] };
    const { screen } = synth(pipeline.canonicalLandmarks, truth, 1280, 720);
    const m = pipeline.estimate(screen, 1280, 720)!.poseTransform;
    expect(rotationErrorDeg(m, poseMatrix(truth))).to.be.lessThan(1e-3);
    expect(Math.hypot(m[0], m[1], m[2])).to.be.closeTo(1, 1e-4);
    for (let k = 0; k < 3; k++) expect(m[12 + k]).to.be.closeTo(truth.t[k] / 1.15, 0.01 * 70);
  });

  it('stays accurate with landmark noise (σ 0.5 px in x, y, z) over many poses', () => {
    const r = rng(21);
    const w = 640;
    const h = 480;
    let worst = 0;
    let sum = 0;
    let worstT = 0;
    const trials = 40;
    for (let k = 0; k < trials; k++) {
      const truth: Pose = {
        angles: { yaw: (r() - 0.5) * 60, pitch: (r() - 0.5) * 40, roll: (r() - 0.5) * 40 },
        scale: 1,
        t: [(r() - 0.5) * 20, (r() - 0.5) * 14, -45 - r() * 40],
      };
      const { screen } = synth(pipeline.canonicalLandmarks, truth, w, h);
      for (let i = 0; i < screen.length; i += 3) {
        screen[i] += (gauss(r) * 0.5) / w;
        screen[i + 1] += (gauss(r) * 0.5) / h;
        screen[i + 2] += (gauss(r) * 0.5) / w;
      }
      const m = pipeline.estimate(screen, w, h)!.poseTransform;
      const err = rotationErrorDeg(m, poseMatrix(truth));
      worst = Math.max(worst, err);
      sum += err;
      const tErr = Math.hypot(m[12] - truth.t[0], m[13] - truth.t[1], m[14] - truth.t[2]) / Math.hypot(...truth.t);
      worstT = Math.max(worstT, tErr);
    }
    // measured: mean 0.32°, worst 0.80°, worst translation error 0.63% (faces 45–85 cm away, ~70–130 px wide)
    expect(sum / trials).to.be.lessThan(0.5);
    expect(worst).to.be.lessThan(1.5);
    expect(worstT).to.be.lessThan(0.03);
  });

  it('takes 478 landmarks (ignores the iris ones), reuses an output object, bottom-left origin', () => {
    const truth: Pose = { angles: { yaw: 10, pitch: 5, roll: 0 }, scale: 1, t: [0, 0, -50] };
    const { screen } = synth(pipeline.canonicalLandmarks, truth, 640, 480);
    const with478 = new Float32Array(478 * 3);
    with478.set(screen);
    with478.fill(0.5, 468 * 3);
    const out = { poseTransform: new Float32Array(16), metricLandmarks: new Float32Array(468 * 3) };
    const g = pipeline.estimate(with478, 640, 480, out)!;
    expect(g).to.equal(out);
    expect(rotationErrorDeg(g.poseTransform, poseMatrix(truth))).to.be.lessThan(1e-3);

    const bl = new FaceGeometryPipeline(meta, { ...FACE_LANDMARKER_ENVIRONMENT, originPointLocation: 'bottom-left' });
    const flipped = screen.map((v, i) => (i % 3 === 1 ? 1 - v : v));
    const g2 = bl.estimate(flipped, 640, 480)!;
    for (let i = 0; i < 16; i++) expect(g2.poseTransform[i]).to.be.closeTo(g.poseTransform[i], 1e-4);
  });

  it('returns null for a too compact landmark set and rejects bad input', () => {
    const dot = new Float32Array(468 * 3).fill(0.5);
    expect(pipeline.estimate(dot, 640, 480)).to.equal(null);
    expect(() => pipeline.estimate(new Float32Array(100), 640, 480)).to.throw(/landmarks/);
    expect(() => pipeline.estimate(new Float32Array(468 * 3), 0, 480)).to.throw(/frame/);
  });
});

describe('matrixToEulerAngles', () => {
  it('round-trips eulerAnglesToMatrix, ignoring the matrix scale', () => {
    const r = rng(4);
    for (let k = 0; k < 200; k++) {
      const a = { yaw: (r() - 0.5) * 358, pitch: (r() - 0.5) * 178, roll: (r() - 0.5) * 358 };
      const m = eulerAnglesToMatrix(a);
      for (let i = 0; i < 12; i++) if (i % 4 !== 3) m[i] *= 1.7;
      const e = matrixToEulerAngles(m);
      expect(e.yaw).to.be.closeTo(a.yaw, 1e-8);
      expect(e.pitch).to.be.closeTo(a.pitch, 1e-8);
      expect(e.roll).to.be.closeTo(a.roll, 1e-8);
    }
  });

  it('stays a valid decomposition at gimbal lock', () => {
    const m = eulerAnglesToMatrix({ yaw: 30, pitch: 90, roll: 20 });
    const e = matrixToEulerAngles(m);
    expect(e.pitch).to.be.closeTo(90, 1e-6);
    expect(rotationErrorDeg(eulerAnglesToMatrix(e), m)).to.be.lessThan(1e-5);
  });

  describe('sign conventions on synthetic faces (unmirrored 640×480 frame)', () => {
    let canonical: Float32Array;
    before(async () => {
      const res = await fetch('/models/dist/geometry_pipeline_metadata_landmarks.binarypb');
      canonical = new FaceGeometryPipeline(parseFaceGeometryMetadata(new Uint8Array(await res.arrayBuffer()))).canonicalLandmarks;
    });
    const NOSE = 1;
    const RIGHT_EYE = 33; // the subject's right: image left
    const LEFT_EYE = 263;
    const CHEEK_R = 234;
    const CHEEK_L = 454;
    const look = (angles: EulerAngles): Float32Array =>
      synth(canonical, { angles, scale: 1, t: [0, 0, -60] }, 640, 480).screen;
    const mid = (s: Float32Array, a: number, b: number, k: number): number => (s[a * 3 + k] + s[b * 3 + k]) / 2;

    it('yaw > 0: the nose moves to the image right of the cheek midpoint (the subject turns to their left)', () => {
      const s = look({ yaw: 30, pitch: 0, roll: 0 });
      const s0 = look({ yaw: 0, pitch: 0, roll: 0 });
      expect(s[NOSE * 3] - mid(s, CHEEK_R, CHEEK_L, 0)).to.be.greaterThan(s0[NOSE * 3] - mid(s0, CHEEK_R, CHEEK_L, 0) + 0.02);
    });

    it('pitch > 0: the nose moves down in the image relative to the eyes (the subject looks down)', () => {
      const s = look({ yaw: 0, pitch: 20, roll: 0 });
      const s0 = look({ yaw: 0, pitch: 0, roll: 0 });
      expect(s[NOSE * 3 + 1] - mid(s, RIGHT_EYE, LEFT_EYE, 1)).to.be.greaterThan(s0[NOSE * 3 + 1] - mid(s0, RIGHT_EYE, LEFT_EYE, 1) + 0.01);
    });

    it('roll > 0: the subject-left eye (image right) rises, counter-clockwise on screen', () => {
      const s = look({ yaw: 0, pitch: 0, roll: 15 });
      expect(s[LEFT_EYE * 3]).to.be.greaterThan(s[RIGHT_EYE * 3]);
      expect(s[LEFT_EYE * 3 + 1]).to.be.lessThan(s[RIGHT_EYE * 3 + 1] - 0.02); // y grows downwards
    });
  });
});
