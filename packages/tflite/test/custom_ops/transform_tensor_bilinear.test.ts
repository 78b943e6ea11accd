import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { parseTransformTensorBilinearOptions, transformTensorBilinear } from '../../src/ops/custom/transform_tensor_bilinear.js';
import { flatten, naiveTransformTensorBilinear, nest, toMat4 } from './naive_reference.js';
import { expectAllClose, noLeak, rng, uniform, useWasmBackend } from './support.js';

/** Row-major 4x4 with rows 0 and 1 given, rows 2 and 3 identity. */
function affine(a: number[], b: number[]): Float32Array {
  return Float32Array.from([...a, ...b, 0, 0, 1, 0, 0, 0, 0, 1]);
}

function run(img: Float32Array, shape: [number, number, number, number], m: Float32Array, oh: number, ow: number) {
  return noLeak(() => transformTensorBilinear(tf.tensor4d(img, shape), tf.tensor3d(m, [1, 4, 4]), oh, ow));
}

function naive(img: Float32Array, shape: number[], m: Float32Array, oh: number, ow: number): number[] {
  return flatten(naiveTransformTensorBilinear(nest(img, shape.slice(1)), toMat4(m), oh, ow));
}

/** The input pixel (y, x) as a channel vector. */
function pixel(img: Float32Array, w: number, c: number, y: number, x: number): number[] {
  return Array.from(img.slice((y * w + x) * c, (y * w + x + 1) * c));
}

describe('TransformTensorBilinear v2', () => {
  before(useWasmBackend);

  describe('parseTransformTensorBilinearOptions', () => {
    it('reads output_height and output_width', () => {
      expect(parseTransformTensorBilinearOptions({ output_height: 16, output_width: 16 })).to.deep.equal({ outputHeight: 16, outputWidth: 16 });
      expect(parseTransformTensorBilinearOptions({ output_height: 8n, output_width: 5 })).to.deep.equal({ outputHeight: 8, outputWidth: 5 });
    });

    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['a zero height', { output_height: 0, output_width: 16 }, /"output_height" must be an integer >= 1 \(got 0\)/],
      ['a negative width', { output_height: 16, output_width: -2 }, /"output_width" must be an integer >= 1 \(got -2\)/],
      ['a fractional width', { output_height: 16, output_width: 15.5 }, /"output_width" must be an integer >= 1/],
      ['a missing height', { output_width: 16 }, /"output_height" .* \(got missing\)/],
      ['a vector size', { output_height: [16], output_width: 16 }, /"output_height" .* \(got an array of length 1\)/],
    ];
    for (const [what, map, message] of bad) {
      it(`rejects ${what}`, () => {
        expect(() => parseTransformTensorBilinearOptions(map)).to.throw(/^TransformTensorBilinear: custom option/);
        expect(() => parseTransformTensorBilinearOptions(map)).to.throw(message);
      });
    }
  });

  describe('exact border behaviour', () => {
    const H = 5;
    const W = 6;
    const C = 3;
    const img = uniform(rng(1), H * W * C, -2, 2);
    const shape: [number, number, number, number] = [1, H, W, C];

    it('identity: copies the map, samples exactly on tx = W-1 / ty = H-1, zeros one cell beyond', () => {
      const oh = H + 1;
      const ow = W + 1;
      const got = run(img, shape, affine([1, 0, 0, 0], [0, 1, 0, 0]), oh, ow);
      expect(got.shape).to.deep.equal([1, oh, ow, C]);
      for (let y = 0; y < oh; y++) {
        for (let x = 0; x < ow; x++) {
          const px = Array.from(got.data.slice((y * ow + x) * C, (y * ow + x + 1) * C));
          const want = y < H && x < W ? pixel(img, W, C, y, x) : [0, 0, 0];
          expect(px, `(${y},${x})`).to.deep.equal(want);
        }
      }
      expectAllClose(got.data, naive(img, shape, affine([1, 0, 0, 0], [0, 1, 0, 0]), oh, ow), 1e-6);
    });

    it('a translation by -1: tx = -1 is zero, tx = 0 (exactly on the border) is the first column', () => {
      const m = affine([1, 0, 0, -1], [0, 1, 0, -1]);
      const got = run(img, shape, m, H + 1, W + 1);
      const ow = W + 1;
      const at = (y: number, x: number) => Array.from(got.data.slice((y * ow + x) * C, (y * ow + x + 1) * C));
      expect(at(0, 3)).to.deep.equal([0, 0, 0]); // ty = -1
      expect(at(3, 0)).to.deep.equal([0, 0, 0]); // tx = -1
      expect(at(1, 1)).to.deep.equal(pixel(img, W, C, 0, 0));
      expect(at(H, W)).to.deep.equal(pixel(img, W, C, H - 1, W - 1));
      expectAllClose(got.data, naive(img, shape, m, H + 1, ow), 1e-6);
    });

    it('just beyond the border (by 1e-3) on either side is all-zero, not blended', () => {
      for (const [dx, dy] of [[1e-3, 0], [-1e-3, 0], [0, 1e-3], [0, -1e-3]]) {
        const m = affine([1, 0, 0, dx], [0, 1, 0, dy]);
        const got = run(img, shape, m, H, W);
        const at = (y: number, x: number) => Array.from(got.data.slice((y * W + x) * C, (y * W + x + 1) * C));
        for (let y = 0; y < H; y++) {
          for (let x = 0; x < W; x++) {
            const outside = (dx > 0 && x === W - 1) || (dx < 0 && x === 0) || (dy > 0 && y === H - 1) || (dy < 0 && y === 0);
            if (outside) expect(at(y, x), `dx ${dx} dy ${dy} (${y},${x})`).to.deep.equal([0, 0, 0]);
            else expect(at(y, x).some((v) => v !== 0), `(${y},${x}) sampled`).to.equal(true);
          }
        }
        expectAllClose(got.data, naive(img, shape, m, H, W), 1e-5);
      }
    });

    it('on the right border with a fractional ty: interpolates along y only (the outside corners weigh 0)', () => {
      // tx = W-1 for ox = 0, ty = oy + 0.25
      const m = affine([1, 0, 0, W - 1], [0, 1, 0, 0.25]);
      const got = run(img, shape, m, H, 1);
      for (let y = 0; y < H - 1; y++) {
        const want = pixel(img, W, C, y, W - 1).map((v, k) => 0.75 * v + 0.25 * pixel(img, W, C, y + 1, W - 1)[k]);
        expectAllClose(got.data.slice(y * C, (y + 1) * C), want, 1e-6, `row ${y}`);
      }
      expect(Array.from(got.data.slice((H - 1) * C))).to.deep.equal([0, 0, 0]); // ty = H - 0.75 > H-1
    });

    it('the half-pixel correction: a 2x downscale is a 2x2 average', () => {
      const m = affine([2, 0, 0, 0], [0, 2, 0, 0]);
      const got = run(img, shape, m, 2, 3);
      for (let y = 0; y < 2; y++) {
        for (let x = 0; x < 3; x++) {
          const want = [0, 1, 2].map(
            (k) =>
              (pixel(img, W, C, 2 * y, 2 * x)[k] + pixel(img, W, C, 2 * y, 2 * x + 1)[k] +
                pixel(img, W, C, 2 * y + 1, 2 * x)[k] + pixel(img, W, C, 2 * y + 1, 2 * x + 1)[k]) / 4,
          );
          expectAllClose(got.data.slice((y * 3 + x) * C, (y * 3 + x + 1) * C), want, 1e-6, `(${y},${x})`);
        }
      }
    });

    it('a NaN matrix gives zeros', () => {
      const got = run(img, shape, affine([NaN, 0, 0, 0], [0, 1, 0, 0]), 2, 2);
      expect(Array.from(got.data).every((v) => v === 0)).to.equal(true);
    });
  });

  describe('against the naive reference', () => {
    const angles = [0, 0.3, -0.9, 1.6, 2.4, -2.2, 3.0, Math.PI];
    angles.forEach((angle, ai) => {
      it(`a crop rotated by ${angle.toFixed(3)} rad (partly outside the map)`, () => {
        const rand = rng(100 + ai);
        const H = 9;
        const W = 11;
        const C = 5;
        const oh = 7;
        const ow = 6;
        const img = uniform(rand, H * W * C, -3, 3);
        for (let trial = 0; trial < 4; trial++) {
          const s = 0.5 + 1.5 * rand();
          const t = 0.5 + 1.5 * rand();
          const cos = Math.cos(angle);
          const sin = Math.sin(angle);
          // crop centre somewhere in (or near) the map
          const cx = -1 + (W + 2) * rand();
          const cy = -1 + (H + 2) * rand();
          const a = [cos * s, -sin * t, 0, cx - (cos * s * ow) / 2 + (sin * t * oh) / 2];
          const b = [sin * s, cos * t, 0, cy - (sin * s * ow) / 2 - (cos * t * oh) / 2];
          const m = affine(a, b);
          const got = run(img, [1, H, W, C], m, oh, ow);
          expectAllClose(got.data, naive(img, [1, H, W, C], m, oh, ow), 1e-5, `trial ${trial}`);
        }
      });
    });

    it('the model size: 16x16x32 from a 48x48x32 map (and timing)', () => {
      const rand = rng(5);
      const img = uniform(rand, 48 * 48 * 32, -1, 4);
      const angle = 0.37;
      const s = 1.5 * (20 / 16);
      const a = [Math.cos(angle) * s, -Math.sin(angle) * s, 0, 10];
      const b = [Math.sin(angle) * s, Math.cos(angle) * s, 0, 2];
      const m = affine(a, b);
      const got = run(img, [1, 48, 48, 32], m, 16, 16);
      expect(got.shape).to.deep.equal([1, 16, 16, 32]);
      expectAllClose(got.data, naive(img, [1, 48, 48, 32], m, 16, 16), 1e-5);

      const input = tf.tensor4d(img, [1, 48, 48, 32]);
      const matrix = tf.tensor3d(m, [1, 4, 4]);
      for (let i = 0; i < 5; i++) transformTensorBilinear(input, matrix, 16, 16).dispose();
      const n = 50;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) transformTensorBilinear(input, matrix, 16, 16).dispose();
      const ms = (performance.now() - t0) / n;
      console.log(`transformTensorBilinear 48x48x32 -> 16x16x32: ${ms.toFixed(3)} ms per call`);
      input.dispose();
      matrix.dispose();
    });
  });

  describe('errors', () => {
    it('rejects bad shapes and sizes, creating no tensors', () => {
      const img = tf.zeros([1, 4, 4, 2]);
      const m = tf.tensor3d(affine([1, 0, 0, 0], [0, 1, 0, 0]), [1, 4, 4]);
      const rank3 = tf.zeros([4, 4, 2]);
      const batch2 = tf.zeros([2, 4, 4, 2]);
      const m3 = tf.zeros([1, 3, 3]);
      const m16 = tf.zeros([1, 16]);
      const before = tf.memory().numTensors;
      expect(() => transformTensorBilinear(rank3, m, 2, 2)).to.throw(/input must have shape \[1,H,W,C\]/);
      expect(() => transformTensorBilinear(batch2, m, 2, 2)).to.throw(/input must have shape \[1,H,W,C\]/);
      expect(() => transformTensorBilinear(img, m3, 2, 2)).to.throw(/matrix input must have shape \[1,4,4\]/);
      expect(() => transformTensorBilinear(img, m16, 2, 2)).to.throw(/matrix input must have shape \[1,4,4\]/);
      expect(() => transformTensorBilinear(img, m, 0, 2)).to.throw(/output size must be positive integers/);
      expect(() => transformTensorBilinear(img, m, 2, 1.5)).to.throw(/output size must be positive integers/);
      expect(tf.memory().numTensors).to.equal(before);
      tf.dispose([img, m, rank3, batch2, m3, m16]);
    });
  });
});
