import { expect } from 'chai';
import { applyAffine } from './affine.js';
import { cropAffine, sampledRect, unionRect } from './crop.js';
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

  it('equals the affine coefficients of docs/pipeline.md §3.4', () => {
    const c = Math.cos(roi.rotation);
    const s = Math.sin(roi.rotation);
    const [w, h, cx, cy] = [300, 300, 320, 240];
    const documented = [
      (c * w) / 192,
      (-s * h) / 192,
      cx - 0.5 - c * (w / 2 - w / 384) + s * (h / 2 - h / 384),
      (s * w) / 192,
      (c * h) / 192,
      cy - 0.5 - s * (w / 2 - w / 384) - c * (h / 2 - h / 384),
    ];
    m.forEach((v, i) => expect(v).to.be.closeTo(documented[i], 1e-9));
  });

  it('handles any output size and non-square ROIs', () => {
    const r: Roi = { xCenter: 0.25, yCenter: 0.75, width: 0.5, height: 0.25, rotation: 0 };
    const m2 = cropAffine(r, 100, 200, 10, 5);
    // 50 x 50 px ROI into 10 x 5: 5 px per output column, 10 px per output row
    close(applyAffine(m2, 0, 0), [25 - 25 + 2.5 - 0.5, 150 - 25 + 5 - 0.5]);
    close(applyAffine(m2, 9, 4), [25 + 25 - 2.5 - 0.5, 150 + 25 - 5 - 0.5]);
  });
});

describe('sampledRect', () => {
  /** Every texel a bilinear sample of the crop reads (replicate border: indices clamped). */
  function texelsRead(m: ReturnType<typeof cropAffine>, out: number, w: number, h: number) {
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let v = 0; v < out; v++) {
      for (let u = 0; u < out; u++) {
        const [sx, sy] = applyAffine(m, u, v);
        for (const tx of [Math.floor(sx), Math.floor(sx) + 1]) { const c = Math.min(w - 1, Math.max(0, tx)); x0 = Math.min(x0, c); x1 = Math.max(x1, c); }
        for (const ty of [Math.floor(sy), Math.floor(sy) + 1]) { const c = Math.min(h - 1, Math.max(0, ty)); y0 = Math.min(y0, c); y1 = Math.max(y1, c); }
      }
    }
    return { x0, x1, y0, y1 };
  }

  const cases: [string, Roi][] = [
    ['rotated, inside', roi],
    ['half outside on the left and top', { xCenter: 0.05, yCenter: 0.02, width: 0.4, height: 0.5, rotation: 0.3 }],
    ['beyond the right and bottom edges', { xCenter: 0.98, yCenter: 1.1, width: 0.3, height: 0.4, rotation: -0.7 }],
    ['entirely outside', { xCenter: -1, yCenter: 2, width: 0.1, height: 0.1, rotation: 0 }],
    ['small, unrotated', { xCenter: 0.3, yCenter: 0.6, width: 0.05, height: 0.07, rotation: 0 }],
  ];
  for (const [name, r] of cases) {
    for (const align of [1, 2]) {
      it(`${name}, align ${align}: holds every texel the crop reads, inside the image, aligned`, () => {
        const m = cropAffine(r, W, H, 64);
        const rect = sampledRect(m, 64, 64, W, H, align);
        const t = texelsRead(m, 64, W, H);
        expect(rect.x).to.be.at.most(t.x0);
        expect(rect.y).to.be.at.most(t.y0);
        expect(rect.x + rect.width - 1).to.be.at.least(t.x1);
        expect(rect.y + rect.height - 1).to.be.at.least(t.y1);
        expect(rect.x).to.be.at.least(0);
        expect(rect.y).to.be.at.least(0);
        expect(rect.x + rect.width).to.be.at.most(W);
        expect(rect.y + rect.height).to.be.at.most(H);
        expect(rect.x % align + rect.y % align + rect.width % align + rect.height % align).to.equal(0);
        // Not much more than needed: the texels plus a margin of one (plus alignment) on each side.
        expect(rect.width).to.be.at.most(t.x1 - t.x0 + 1 + 2 + 2 * align);
        expect(rect.height).to.be.at.most(t.y1 - t.y0 + 1 + 2 + 2 * align);
      });
    }
  }

  it('unionRect holds both rectangles', () => {
    expect(unionRect({ x: 10, y: 5, width: 4, height: 4 }, { x: 2, y: 7, width: 3, height: 10 })).to.deep.equal({ x: 2, y: 5, width: 12, height: 12 });
  });
});
