import { expect } from 'chai';
import { applyAffine } from './affine.js';
import type { Detection } from './detection.js';
import { imageToLetterbox, letterboxAffine, letterboxRoi, letterboxToImage, projectDetection } from './letterbox.js';

describe('letterboxAffine', () => {
  it('landscape 640x480: S = 640, 5 px per tensor pixel, 80 px of padding above and below', () => {
    const m = letterboxAffine(640, 480);
    // x = (u + 0.5)·5 − 0 − 0.5, y = (v + 0.5)·5 − 80 − 0.5
    expect(applyAffine(m, 0, 0)).to.deep.equal([2, -78]);
    const [x, y] = applyAffine(m, 127, 127);
    expect(x).to.be.closeTo(637, 1e-9);
    expect(y).to.be.closeTo(557, 1e-9);
    expect(applyAffine(m, 63.5, 63.5)).to.deep.equal([319.5, 239.5]);
  });

  it('portrait 480x640: the padding moves to the left and right', () => {
    const m = letterboxAffine(480, 640);
    expect(applyAffine(m, 0, 0)).to.deep.equal([-78, 2]);
  });

  it('square images need no padding and use the plain half-pixel grid', () => {
    const m = letterboxAffine(256, 256);
    expect(applyAffine(m, 0, 0)).to.deep.equal([0.5, 0.5]);
  });

  it('is the crop of the padded-square ROI', () => {
    expect(letterboxRoi(640, 480)).to.deep.equal({ xCenter: 0.5, yCenter: 0.5, width: 1, height: 640 / 480, rotation: 0 });
  });
});

describe('letterboxToImage / imageToLetterbox', () => {
  it('maps tensor edges to the padded square edges', () => {
    // 640x480: tensor top (y = 0) is 80 px above the image
    const [x0, y0] = letterboxToImage(0, 0, 640, 480);
    expect(x0).to.equal(0);
    expect(y0 * 480).to.be.closeTo(-80, 1e-9);
    const [x1, y1] = letterboxToImage(1, 1, 640, 480);
    expect(x1).to.equal(1);
    expect(y1 * 480).to.be.closeTo(560, 1e-9);
  });

  it('agrees with the sampling grid: tensor pixel centre (u + 0.5)/128 -> sampled source point', () => {
    for (const [w, h] of [[640, 480], [480, 640], [1920, 1080]]) {
      const m = letterboxAffine(w, h);
      const [sx, sy] = applyAffine(m, 17, 101);
      const [x, y] = letterboxToImage(17.5 / 128, 101.5 / 128, w, h);
      expect(x * w).to.be.closeTo(sx + 0.5, 1e-9);
      expect(y * h).to.be.closeTo(sy + 0.5, 1e-9);
    }
  });

  it('round-trips for landscape and portrait images', () => {
    for (const [w, h] of [[640, 480], [480, 640]]) {
      for (const [x, y] of [[0.1, 0.9], [0.5, 0.5], [0.77, 0.03]]) {
        const [tx, ty] = imageToLetterbox(x, y, w, h);
        const [bx, by] = letterboxToImage(tx, ty, w, h);
        expect(bx).to.be.closeTo(x, 1e-12);
        expect(by).to.be.closeTo(y, 1e-12);
      }
    }
  });
});

describe('projectDetection', () => {
  it('projects the box corners and keypoints to normalized image coordinates', () => {
    const keypoints = new Float32Array(12);
    keypoints.set([0.25, 0.5, 0.5, 0.125]);
    const det: Detection = { score: 0.8, xMin: 0.25, yMin: 0.125, xMax: 0.75, yMax: 0.875, keypoints };
    const p = projectDetection(det, 480, 640);
    // portrait: S = 640, x = ((x_t - 0.5)·640 + 240)/480; y unchanged
    expect(p.score).to.equal(0.8);
    expect(p.xMin).to.be.closeTo((-0.25 * 640 + 240) / 480, 1e-12);
    expect(p.xMax).to.be.closeTo((0.25 * 640 + 240) / 480, 1e-12);
    expect(p.yMin).to.be.closeTo(0.125, 1e-12);
    expect(p.yMax).to.be.closeTo(0.875, 1e-12);
    expect(p.keypoints[0]).to.be.closeTo((-0.25 * 640 + 240) / 480, 1e-6);
    expect(p.keypoints[1]).to.be.closeTo(0.5, 1e-6);
    expect(p.keypoints[3]).to.be.closeTo(0.125, 1e-6);
    expect(det.keypoints[0]).to.equal(0.25);
  });
});
