import { expect } from 'chai';
import type { Detection } from './detection.js';
import {
  boxToRoi,
  computeRotation,
  detectionToRoi,
  landmarksBoundingBox,
  landmarksToRoi,
  normalizeRadians,
  squareLongAndScale,
} from './roi.js';

describe('normalizeRadians', () => {
  it('wraps into [-π, π)', () => {
    expect(normalizeRadians(0)).to.equal(0);
    expect(normalizeRadians(1.5 * Math.PI)).to.be.closeTo(-0.5 * Math.PI, 1e-12);
    expect(normalizeRadians(-1.5 * Math.PI)).to.be.closeTo(0.5 * Math.PI, 1e-12);
    expect(normalizeRadians(Math.PI)).to.be.closeTo(-Math.PI, 1e-12); // π itself maps to -π
    expect(normalizeRadians(-Math.PI)).to.be.closeTo(-Math.PI, 1e-12);
    expect(normalizeRadians(7 * Math.PI + 0.25)).to.be.closeTo(-Math.PI + 0.25, 1e-9);
  });

  it('only ever shifts by whole turns', () => {
    for (let a = -20; a <= 20; a += 0.37) {
      const n = normalizeRadians(a);
      expect(n).to.be.at.least(-Math.PI).and.below(Math.PI);
      const turns = (a - n) / (2 * Math.PI);
      expect(turns).to.be.closeTo(Math.round(turns), 1e-9);
    }
  });
});

describe('computeRotation', () => {
  it('is 0 for a level eye line and positive when the second point is lower (clockwise, y down)', () => {
    expect(computeRotation(10, 20, 50, 20)).to.equal(0);
    expect(computeRotation(0, 0, 10, 10)).to.be.closeTo(Math.PI / 4, 1e-12);
    expect(computeRotation(0, 0, 10, -10)).to.be.closeTo(-Math.PI / 4, 1e-12);
  });

  it('is ±π for an upside-down face and respects the target angle', () => {
    expect(Math.abs(computeRotation(50, 0, 10, 0))).to.be.closeTo(Math.PI, 1e-12);
    expect(computeRotation(0, 0, 10, 0, Math.PI / 2)).to.be.closeTo(Math.PI / 2, 1e-12);
  });
});

describe('squareLongAndScale', () => {
  it('squares on the long side in pixels, then scales by 1.5', () => {
    // 640x480: 160 x 240 px -> 240 x 240 -> 360 x 360 px
    const r = squareLongAndScale({ xCenter: 0.3, yCenter: 0.6, width: 0.25, height: 0.5, rotation: 0.2 }, 640, 480);
    expect(r.width * 640).to.be.closeTo(360, 1e-9);
    expect(r.height * 480).to.be.closeTo(360, 1e-9);
    expect(r).to.include({ xCenter: 0.3, yCenter: 0.6, rotation: 0.2 });
  });
});

describe('detectionToRoi', () => {
  it('uses the box centre, the keypoint 0 -> 1 angle in pixels and a square 1.5x long side', () => {
    const keypoints = new Float32Array(12);
    // eyes at (0.4, 0.4) and (0.5, 0.5) on 800x400: pixel vector (80, 40) -> atan(0.5), not 45°
    keypoints.set([0.4, 0.4, 0.5, 0.5]);
    const det: Detection = { score: 0.9, xMin: 0.3, yMin: 0.2, xMax: 0.5, yMax: 0.8, keypoints };
    const roi = detectionToRoi(det, 800, 400);
    expect(roi.xCenter).to.be.closeTo(0.4, 1e-12);
    expect(roi.yCenter).to.be.closeTo(0.5, 1e-12);
    expect(roi.rotation).to.be.closeTo(Math.atan(0.5), 1e-7);
    // 160 x 240 px -> long 240 -> 360 px
    expect(roi.width).to.be.closeTo(360 / 800, 1e-9);
    expect(roi.height).to.be.closeTo(360 / 400, 1e-9);
  });
});

describe('landmarksBoundingBox', () => {
  it('spans min/max of x and y over all points, ignoring z', () => {
    const pts = Float32Array.of(0.2, 0.5, 9, 0.6, 0.1, -9, 0.4, 0.9, 0);
    const b = landmarksBoundingBox(pts);
    expect([b.xMin, b.yMin, b.xMax, b.yMax].map((v) => Math.fround(v))).to.deep.equal(
      [0.2, 0.1, 0.6, 0.9].map(Math.fround),
    );
  });

  it('keeps the MediaPipe quirk: a maximum below 0 clamps to FLT_MIN (~0)', () => {
    const pts = Float32Array.of(-0.5, -0.3, -0.2, -0.1);
    const b = landmarksBoundingBox(pts, 2);
    expect(b.xMin).to.be.closeTo(-0.5, 1e-7);
    expect(b.xMax).to.be.greaterThan(0).and.below(1e-37);
    expect(b.yMax).to.be.greaterThan(0).and.below(1e-37);
  });

  it('honours a point count', () => {
    const pts = Float32Array.of(0.1, 0.1, 0.2, 0.2, 5, 5);
    expect(landmarksBoundingBox(pts, 2, 2).xMax).to.be.closeTo(0.2, 1e-7);
  });
});

describe('landmarksToRoi', () => {
  it('boxes all landmarks and turns by the 33 -> 263 eye line', () => {
    const lm = new Float32Array(478 * 3).fill(0.5);
    lm.set([0.25, 0.3, 0], 3 * 10); // box corner
    lm.set([0.75, 0.6, 0], 3 * 20); // box corner
    lm.set([0.4, 0.45, 0], 3 * 33);
    lm.set([0.6, 0.55, 0], 3 * 263);
    const roi = landmarksToRoi(lm, 640, 480);
    expect(roi.xCenter).to.be.closeTo(0.5, 1e-7);
    expect(roi.yCenter).to.be.closeTo(0.45, 1e-7);
    // eye vector (128, 48) px
    expect(roi.rotation).to.be.closeTo(Math.atan2(48, 128), 1e-6);
    // box 320 x 144 px -> 320 square -> 480 px
    expect(roi.width * 640).to.be.closeTo(480, 1e-4);
    expect(roi.height * 480).to.be.closeTo(480, 1e-4);
  });

  it('needs landmark 263', () => {
    expect(() => landmarksToRoi(new Float32Array(264 * 3), 10, 10)).to.not.throw();
    expect(() => landmarksToRoi(new Float32Array(263 * 3), 10, 10)).to.throw(/263/);
  });

  it('boxToRoi keeps the box centre and size', () => {
    const r = boxToRoi({ xMin: 0.1, yMin: 0.2, xMax: 0.5, yMax: 0.4 }, 1);
    expect(r.xCenter).to.be.closeTo(0.3, 1e-12);
    expect(r.yCenter).to.be.closeTo(0.3, 1e-12);
    expect(r.width).to.be.closeTo(0.4, 1e-12);
    expect(r.height).to.be.closeTo(0.2, 1e-12);
    expect(r.rotation).to.equal(1);
  });
});
