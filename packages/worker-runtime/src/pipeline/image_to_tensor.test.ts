import { expect } from 'chai';
import type { Affine } from '@face-mesh/geometry';
import { imageToTensorData, type RgbaImage } from './image_to_tensor.js';

/** A W x H image whose red channel is 10·x + y, green 100, blue 200 - x. */
function ramp(W: number, H: number): RgbaImage {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = (y * W + x) * 4;
      data.set([10 * x + y, 100, 200 - x, 255], p);
    }
  }
  return { data, width: W, height: H };
}

const identity: Affine = [1, 0, 0, 0, 1, 0];
const raw = { scale: 1, offset: 0 };

describe('imageToTensorData', () => {
  it('reads texel centres exactly and drops alpha', () => {
    const img = ramp(4, 3);
    const out = imageToTensorData(img, identity, { width: 4, height: 3, border: 'replicate', ...raw });
    expect(Array.from(out.subarray(0, 6))).to.deep.equal([0, 100, 200, 10, 100, 199]);
    expect(out[(2 * 4 + 3) * 3]).to.equal(32);
  });

  it('interpolates bilinearly between texel centres', () => {
    const img = ramp(4, 3);
    // sample point (0.25, 0.5): red = 10·0.25 + 0.5
    const out = imageToTensorData(img, [0, 0, 0.25, 0, 0, 0.5], { width: 1, height: 1, border: 'replicate', ...raw });
    expect(out[0]).to.be.closeTo(3, 1e-9);
    expect(out[2]).to.be.closeTo(199.75, 1e-9);
  });

  it('replicates the edge texels outside the image', () => {
    const img = ramp(4, 3);
    const out = imageToTensorData(img, [0, 0, -5.3, 0, 0, 7.9], { width: 1, height: 1, border: 'replicate', ...raw });
    expect(out[0]).to.equal(2); // texel (0, 2)
  });

  it('zero border: 0 beyond half a pixel outside, clamp-to-edge within it', () => {
    const img = ramp(4, 3);
    const o = { width: 1, height: 1, border: 'zero' as const, scale: 2 / 255, offset: -1 };
    expect(imageToTensorData(img, [0, 0, -0.6, 0, 0, 1], o)[0]).to.equal(-1);
    expect(imageToTensorData(img, [0, 0, 1, 0, 0, 2.6], o)[0]).to.equal(-1);
    // x = -0.4 is inside: both neighbours clamp to column 0, red = 10·0 + 1
    expect(imageToTensorData(img, [0, 0, -0.4, 0, 0, 1], o)[0]).to.be.closeTo((1 * 2) / 255 - 1, 1e-9);
  });

  it('applies the value range', () => {
    const img = ramp(2, 2);
    const out = imageToTensorData(img, identity, { width: 2, height: 2, border: 'replicate', scale: 1 / 255, offset: 0 });
    // float32 arithmetic: 100 times the float32 nearest 1/255, rounded to float32 (exactly; 1e-9 is
    // below float32 resolution here): two roundings of relative size 2^-24 each, so within two
    // float32 steps (2^-25 each here) of 100/255.
    expect(out[1]).to.equal(Math.fround(100 * Math.fround(1 / 255)));
    expect(Math.abs(out[1]! - 100 / 255)).to.be.at.most(2 * 2 ** -25);
  });

  it('rejects empty and short buffers with a message', () => {
    expect(() => imageToTensorData({ data: new Uint8Array(0), width: 0, height: 0 }, identity, { width: 1, height: 1, border: 'zero', ...raw })).to.throw(/0x0/);
    expect(() => imageToTensorData({ data: new Uint8Array(4), width: 2, height: 2 }, identity, { width: 1, height: 1, border: 'zero', ...raw })).to.throw(/needs 16/);
  });
});
