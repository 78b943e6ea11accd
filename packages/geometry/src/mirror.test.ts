import { expect } from 'chai';
import { MIRROR_INDEX_MAP, MIRROR_SWAP_PAIRS, mirrorLandmarks, mirrorPoints2d } from './mirror.js';

describe('mirrorLandmarks', () => {
  function face(): Float32Array {
    const f = new Float32Array(478 * 3);
    for (let i = 0; i < 478; i++) f.set([i, 1000 + i, -i], 3 * i);
    return f;
  }

  it('flips x about the width and keeps y and z of points that are not swapped', () => {
    const m = mirrorLandmarks(face(), 640);
    expect([m[3], m[4], m[5]]).to.deep.equal([639, 1001, -1]); // landmark 1, nose tip, on no swap list
  });

  it('swaps the eye contour pairs and the two irises', () => {
    const m = mirrorLandmarks(face(), 640);
    // 33 (image-left outer eye corner) now holds 263's point, mirrored
    expect([m[3 * 33], m[3 * 33 + 1], m[3 * 33 + 2]]).to.deep.equal([640 - 263, 1263, -263]);
    expect([m[3 * 263], m[3 * 263 + 1]]).to.deep.equal([640 - 33, 1033]);
    expect(m[3 * 468]).to.equal(640 - 473);
    expect(m[3 * 477]).to.equal(640 - 472);
  });

  it('is its own inverse', () => {
    const f = face();
    expect(Array.from(mirrorLandmarks(mirrorLandmarks(face(), 640), 640))).to.deep.equal(Array.from(f));
  });

  it('swap pairs are disjoint: no index is swapped twice', () => {
    const all = MIRROR_SWAP_PAIRS.flat();
    expect(new Set(all).size).to.equal(all.length);
    expect(MIRROR_SWAP_PAIRS.length).to.equal(71 + 5);
  });

  it('MIRROR_INDEX_MAP finds every flipped landmark in the mirrored view (so meshes keep their topology)', () => {
    const original = face();
    const m = mirrorLandmarks(face(), 640);
    for (let i = 0; i < 478; i++) {
      const j = MIRROR_INDEX_MAP[i];
      expect([m[3 * j], m[3 * j + 1], m[3 * j + 2]]).to.deep.equal([640 - original[3 * i], original[3 * i + 1], original[3 * i + 2]]);
    }
    expect(MIRROR_INDEX_MAP[33]).to.equal(263);
    expect(MIRROR_INDEX_MAP[1]).to.equal(1);
  });

  it('mirrorPoints2d flips x only', () => {
    expect(Array.from(mirrorPoints2d(Float32Array.from([1, 2, 3, 4]), 1))).to.deep.equal([0, 2, -2, 4]);
  });
});
