import { expect } from 'chai';
import { applyAffine } from './affine.js';
import { cropAffine } from './crop.js';
import { landmarksToPixels, projectLandmarks, projectPoints2d, unprojectLandmarks } from './projection.js';
import type { Roi } from './roi.js';

const W = 640;
const H = 480;
// square in pixels (240 px), rotated -40°
const roi: Roi = { xCenter: 0.45, yCenter: 0.55, width: 240 / W, height: 240 / H, rotation: (-40 * Math.PI) / 180 };

describe('projectLandmarks', () => {
  it('sends the crop centre to the ROI centre and scales z by the ROI width', () => {
    const out = projectLandmarks(Float32Array.of(0.5, 0.5, 0.1), roi);
    expect(out[0]).to.be.closeTo(0.45, 1e-7);
    expect(out[1]).to.be.closeTo(0.55, 1e-7);
    expect(out[2]).to.be.closeTo(0.1 * (240 / W), 1e-8);
  });

  it('rotates clockwise (y down): crop right-of-centre goes to (cos θ, sin θ) in pixels', () => {
    const r = { ...roi, rotation: Math.PI / 2 };
    const out = projectLandmarks(Float32Array.of(1, 0.5, 0), r);
    // +x of the crop points down the image for θ = 90°
    expect(out[0] * W).to.be.closeTo(0.45 * W, 1e-4);
    expect(out[1] * H).to.be.closeTo(0.55 * H + 120, 1e-4);
  });

  it('lands where the crop affine sampled the point (crop px = 192·x_n − 0.5)', () => {
    const m = cropAffine(roi, W, H);
    const pts = Float32Array.of(0.1, 0.2, 0, 0.9, 0.3, 0, 0.5, 0.95, 0, 0.0, 1.0, 0);
    const out = projectLandmarks(pts, roi);
    for (let i = 0; i < pts.length; i += 3) {
      const [x, y] = applyAffine(m, 192 * pts[i] - 0.5, 192 * pts[i + 1] - 0.5);
      expect(out[i] * W).to.be.closeTo(x + 0.5, 1e-4);
      expect(out[i + 1] * H).to.be.closeTo(y + 0.5, 1e-4);
    }
  });

  it('round-trips with unprojectLandmarks', () => {
    const pts = Float32Array.of(0.1, 0.2, -0.05, 0.9, 0.3, 0.02, 0.33, 0.77, 0);
    const back = unprojectLandmarks(projectLandmarks(pts, roi), roi);
    back.forEach((v, i) => expect(v).to.be.closeTo(pts[i], 1e-6));
  });

  it('writes into a given output and refuses a short one', () => {
    const out = new Float32Array(3);
    expect(projectLandmarks(Float32Array.of(0.5, 0.5, 0), roi, out)).to.equal(out);
    expect(() => projectLandmarks(new Float32Array(6), roi, out)).to.throw(/too short/);
  });
});

describe('projectPoints2d', () => {
  it('projects interleaved (x, y) like the 3-D version', () => {
    const xyz = projectLandmarks(Float32Array.of(0.2, 0.7, 0, 0.8, 0.1, 0), roi);
    const xy = projectPoints2d(Float32Array.of(0.2, 0.7, 0.8, 0.1), roi);
    expect(Array.from(xy)).to.deep.equal([xyz[0], xyz[1], xyz[3], xyz[4]]);
  });
});

describe('landmarksToPixels', () => {
  it('scales x by W, y by H and z by W', () => {
    expect(Array.from(landmarksToPixels(Float32Array.of(0.5, 0.25, -0.125), 640, 480))).to.deep.equal([320, 120, -80]);
  });
});
