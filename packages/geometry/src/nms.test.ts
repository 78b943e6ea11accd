import { expect } from 'chai';
import type { Detection } from './detection.js';
import { weightedNonMaxSuppression } from './nms.js';

function det(score: number, xMin: number, yMin: number, xMax: number, yMax: number, kp: number): Detection {
  return { score, xMin, yMin, xMax, yMax, keypoints: new Float32Array(12).fill(kp) };
}

describe('weightedNonMaxSuppression', () => {
  it('merges overlapping boxes into the score-weighted mean and keeps the top score', () => {
    // IoU of a and b: intersection 0.9 x 1 over union 1.1 -> 0.818 > 0.3
    const a = det(0.6, 0, 0, 1, 1, 0.25);
    const b = det(0.9, 0.1, 0, 1.1, 1, 0.5);
    const [m, ...rest] = weightedNonMaxSuppression([a, b]);
    expect(rest).to.have.length(0);
    expect(m.score).to.equal(0.9);
    expect(m.xMin).to.be.closeTo((0.6 * 0 + 0.9 * 0.1) / 1.5, 1e-12);
    expect(m.xMax).to.be.closeTo((0.6 * 1 + 0.9 * 1.1) / 1.5, 1e-12);
    expect(m.yMin).to.be.closeTo(0, 1e-12);
    expect(m.yMax).to.be.closeTo(1, 1e-12);
    expect(m.keypoints[7]).to.be.closeTo((0.6 * 0.25 + 0.9 * 0.5) / 1.5, 1e-7);
  });

  it('keeps separate boxes, sorted by score, and does not touch the input', () => {
    const a = det(0.7, 0, 0, 0.2, 0.2, 1);
    const b = det(0.8, 0.5, 0.5, 0.7, 0.7, 2);
    const out = weightedNonMaxSuppression([a, b]);
    expect(out.map((d) => d.score)).to.deep.equal([0.8, 0.7]);
    expect(out[0].xMin).to.equal(0.5);
    expect(out[1].keypoints[0]).to.equal(1);
    expect(out[1].keypoints).to.not.equal(a.keypoints);
    expect(a.xMin).to.equal(0);
  });

  it('suppresses only above IoU 0.3 (strict)', () => {
    // IoU 1/3 > 0.3 -> merged; with threshold 0.34 -> separate
    const a = det(0.9, 0, 0, 2, 2, 0);
    const b = det(0.8, 1, 0, 3, 2, 0);
    expect(weightedNonMaxSuppression([a, b])).to.have.length(1);
    expect(weightedNonMaxSuppression([a, b], 0.34)).to.have.length(2);
  });

  it('averages only against the top box, not transitively', () => {
    // a absorbs b (IoU 0.54); c touches both below 0.3 and survives unmerged
    const a = det(0.9, 0, 0, 1, 1, 0);
    const b = det(0.8, 0.3, 0, 1.3, 1, 0);
    const c = det(0.7, 0.9, 0, 1.9, 1, 0);
    const out = weightedNonMaxSuppression([c, b, a]);
    expect(out).to.have.length(2);
    expect(out[1].score).to.equal(0.7);
    expect(out[1].xMin).to.be.closeTo(0.9, 1e-12);
  });

  it('returns nothing for nothing', () => {
    expect(weightedNonMaxSuppression([])).to.deep.equal([]);
  });
});
