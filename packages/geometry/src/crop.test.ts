import { expect } from 'chai';
import { applyAffine } from './affine.js';
import { cropAffine } from './crop.js';
import type { Roi } from './roi.js';

const W = 640;
const H = 480;
// 300 px square ROI centred at (320, 240) px, rotated 30°
const roi: Roi = { xCenter: 0.5, yCenter: 0.5, width: 300 / W, height: 300 / H, rotation: Math.PI / 6 };

function close(actual: [number, number], expected: [number, number], tol = 1e-9) {
  expect(actual[0]).to.be.closeTo(expected[0], tol);
  expect(actual[1]).to.be.closeTo(expected[1], tol);
}

describe('cropAffine', () => {
  const m = cropAffine(roi, W, H);

  it('maps the crop centre (pixel 95.5) to the ROI centre, in pixel-centre coordinates', () => {
    close(applyAffine(m, 95.5, 95.5), [320 - 0.5, 240 - 0.5]);
  });

  it('maps the crop corners (pixel edges -0.5 and 191.5) to the rotated ROI corners', () => {
    const c = Math.cos(roi.rotation);
    const s = Math.sin(roi.rotation);
    const corner = (sx: number, sy: number): [number, number] => [
      320 + c * sx * 150 - s * sy * 150 - 0.5,
      240 + s * sx * 150 + c * sy * 150 - 0.5,
    ];
    close(applyAffine(m, -0.5, -0.5), corner(-1, -1));
    close(applyAffine(m, 191.5, -0.5), corner(1, -1));
    close(applyAffine(m, 191.5, 191.5), corner(1, 1));
    close(applyAffine(m, -0.5, 191.5), corner(-1, 1));
  });

  it('samples the first output pixel half an output pixel inside the corner (GPU texel centres)', () => {
    const upright = cropAffine({ ...roi, rotation: 0 }, W, H);
    // x = cx - w/2 + (w/192)/2 - 0.5
    close(applyAffine(upright, 0, 0), [320 - 150 + 150 / 192 - 0.5, 240 - 150 + 150 / 192 - 0.5]);
    expect(upright[0]).to.be.closeTo(300 / 192, 1e-12);
    expect(upright[1]).to.be.closeTo(0, 1e-15);
    expect(upright[3]).to.be.closeTo(0, 1e-15);
  });

  it('equals the spec §3.4 tf.image.transform coefficients', () => {
    const c = Math.cos(roi.rotation);
    const s = Math.sin(roi.rotation);
    const [w, h, cx, cy] = [300, 300, 320, 240];
    const spec = [
      (c * w) / 192,
      (-s * h) / 192,
      cx - 0.5 - c * (w / 2 - w / 384) + s * (h / 2 - h / 384),
      (s * w) / 192,
      (c * h) / 192,
      cy - 0.5 - s * (w / 2 - w / 384) - c * (h / 2 - h / 384),
    ];
    m.forEach((v, i) => expect(v).to.be.closeTo(spec[i], 1e-9));
  });

  it('handles any output size and non-square ROIs', () => {
    const r: Roi = { xCenter: 0.25, yCenter: 0.75, width: 0.5, height: 0.25, rotation: 0 };
    const m2 = cropAffine(r, 100, 200, 10, 5);
    // 50 x 50 px ROI into 10 x 5: 5 px per output column, 10 px per output row
    close(applyAffine(m2, 0, 0), [25 - 25 + 2.5 - 0.5, 150 - 25 + 5 - 0.5]);
    close(applyAffine(m2, 9, 4), [25 + 25 - 2.5 - 0.5, 150 + 25 - 5 - 0.5]);
  });
});
