import { expect } from 'chai';
import { boxIou } from './detection.js';

describe('boxIou', () => {
  it('is intersection over union of two overlapping boxes', () => {
    // 2x2 and 2x2 shifted by 1 in x: intersection 1x2 = 2, union 4 + 4 - 2 = 6
    expect(boxIou({ xMin: 0, yMin: 0, xMax: 2, yMax: 2 }, { xMin: 1, yMin: 0, xMax: 3, yMax: 2 })).to.be.closeTo(1 / 3, 1e-12);
  });

  it('is 1 for identical boxes and 0 for disjoint or touching ones', () => {
    const a = { xMin: 0.1, yMin: 0.2, xMax: 0.4, yMax: 0.6 };
    expect(boxIou(a, a)).to.be.closeTo(1, 1e-12);
    expect(boxIou(a, { xMin: 0.4, yMin: 0.2, xMax: 0.5, yMax: 0.6 })).to.equal(0);
    expect(boxIou(a, { xMin: 0.5, yMin: 0.7, xMax: 0.9, yMax: 0.9 })).to.equal(0);
  });

  it('is 0 for a zero-area box, even against itself', () => {
    const p = { xMin: 0.3, yMin: 0.3, xMax: 0.3, yMax: 0.5 };
    expect(boxIou(p, p)).to.equal(0);
  });
});
