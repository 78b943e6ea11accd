import { expect } from 'chai';
import { affineToTransformRow, applyAffine, invertAffine, type Affine } from './affine.js';

describe('affine', () => {
  const m: Affine = [2, -1, 5, 0.5, 3, -7];

  it('applies a row-major 2x3 matrix to a point', () => {
    expect(applyAffine(m, 1, 2)).to.deep.equal([2 - 2 + 5, 0.5 + 6 - 7]);
  });

  it('inverts: m^-1(m(p)) = p', () => {
    const inv = invertAffine(m);
    const [x, y] = applyAffine(m, 3.25, -4.5);
    const [u, v] = applyAffine(inv, x, y);
    expect(u).to.be.closeTo(3.25, 1e-12);
    expect(v).to.be.closeTo(-4.5, 1e-12);
  });

  it('refuses a singular matrix', () => {
    expect(() => invertAffine([1, 2, 0, 2, 4, 0])).to.throw(/singular/);
  });

  it('pads to the 8 parameters of tf.image.transform', () => {
    expect(affineToTransformRow(m)).to.deep.equal([2, -1, 5, 0.5, 3, -7, 0, 0]);
  });
});
