import { expect } from 'chai';
import { generateAnchors } from './anchors.js';

describe('generateAnchors (BlazeFace short range)', () => {
  const anchors = generateAnchors();

  it('makes 896 anchors: 16x16x2 at stride 8, then 8x8x6 at stride 16', () => {
    expect(anchors.length).to.equal(896 * 2);
  });

  it('orders them layer group, row, column, anchor', () => {
    // first two anchors share the first stride-8 cell
    expect([anchors[0], anchors[1], anchors[2], anchors[3]]).to.deep.equal([0.5 / 16, 0.5 / 16, 0.5 / 16, 0.5 / 16]);
    // anchor 2 is the next cell to the right
    expect(anchors[4]).to.be.closeTo(1.5 / 16, 1e-7);
    // anchor 512 starts the stride-16 map, 6 anchors per cell
    expect(anchors[1024]).to.be.closeTo(0.5 / 8, 1e-7);
    expect(anchors[1024 + 2 * 5]).to.be.closeTo(0.5 / 8, 1e-7);
    expect(anchors[1024 + 2 * 6]).to.be.closeTo(1.5 / 8, 1e-7);
    // last anchor: bottom-right stride-16 cell
    expect(anchors[1790]).to.be.closeTo(7.5 / 8, 1e-7);
    expect(anchors[1791]).to.be.closeTo(7.5 / 8, 1e-7);
  });
});
