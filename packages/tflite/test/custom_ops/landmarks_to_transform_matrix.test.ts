import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import {
  landmarksToTransformMatrix,
  parseLandmarks2TransformMatrixOptions,
  type Landmarks2TransformMatrixOptions,
} from '../../src/ops/custom/landmarks_to_transform_matrix.js';
import { flatten, naiveLandmarksToTransformMatrix, nest } from './naive_reference.js';
import { expectAllClose, noLeak, rng, uniform, useWasmBackend } from './support.js';

const LIPS_OPTIONS = {
  left_rotation_idx: 61,
  output_height: 16,
  output_width: 16,
  right_rotation_idx: 291,
  scale_x: 1.5,
  scale_y: 1.5,
  subset_idxs: [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 185, 40, 39, 37, 0],
  target_rotation_radians: 0.0,
};

function run(lm: Float32Array, n: number, o: Landmarks2TransformMatrixOptions, d = 3) {
  return noLeak(() => {
    const input = tf.tensor3d(lm, [1, n, d]);
    return landmarksToTransformMatrix(input, o);
  });
}

function naive(lm: Float32Array, n: number, o: Landmarks2TransformMatrixOptions, d = 3) {
  const m = naiveLandmarksToTransformMatrix(nest(lm, [n, d]), {
    subset: o.subsetIdxs,
    left: o.leftRotationIdx,
    right: o.rightRotationIdx,
    target: o.targetRotationRadians,
    outW: o.outputWidth,
    outH: o.outputHeight,
    scaleX: o.scaleX,
    scaleY: o.scaleY,
  });
  return flatten(m);
}

describe('Landmarks2TransformMatrix v2', () => {
  before(useWasmBackend);

  it('runs on the wasm backend', () => {
    expect(tf.getBackend()).to.equal('wasm');
  });

  describe('parseLandmarks2TransformMatrixOptions', () => {
    it('reads the TFLite keys', () => {
      expect(parseLandmarks2TransformMatrixOptions(LIPS_OPTIONS)).to.deep.equal({
        subsetIdxs: LIPS_OPTIONS.subset_idxs,
        leftRotationIdx: 61,
        rightRotationIdx: 291,
        targetRotationRadians: 0,
        outputWidth: 16,
        outputHeight: 16,
        scaleX: 1.5,
        scaleY: 1.5,
      });
    });

    it('accepts typed-array vectors and bigint integers, and defaults the target rotation to 0', () => {
      const { target_rotation_radians: _, ...rest } = LIPS_OPTIONS;
      const o = parseLandmarks2TransformMatrixOptions({
        ...rest,
        subset_idxs: Int32Array.from([1, 2, 3]),
        left_rotation_idx: 4n,
        output_width: 12n,
      });
      expect(o.subsetIdxs).to.deep.equal([1, 2, 3]);
      expect(o.leftRotationIdx).to.equal(4);
      expect(o.outputWidth).to.equal(12);
      expect(o.targetRotationRadians).to.equal(0);
    });

    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['a negative left index', { left_rotation_idx: -1 }, /"left_rotation_idx" must be an integer >= 0 \(got -1\)/],
      ['a negative right index', { right_rotation_idx: -3 }, /"right_rotation_idx" must be an integer >= 0/],
      ['a fractional index', { left_rotation_idx: 1.5 }, /"left_rotation_idx" must be an integer/],
      ['a negative subset index', { subset_idxs: [1, -2, 3] }, /"subset_idxs"\[1\] must be an integer >= 0 \(got -2\)/],
      ['an empty subset', { subset_idxs: [] }, /"subset_idxs" must be a non-empty vector/],
      ['a missing subset', { subset_idxs: undefined }, /"subset_idxs" .* \(got missing\)/],
      ['a scalar subset', { subset_idxs: 5 }, /"subset_idxs" must be a non-empty vector/],
      ['output_width 0', { output_width: 0 }, /"output_width" must be an integer >= 1 \(got 0\)/],
      ['output_height -16', { output_height: -16 }, /"output_height" must be an integer >= 1/],
      ['a missing output_height', { output_height: undefined }, /"output_height" .* \(got missing\)/],
      ['scale_x 0', { scale_x: 0 }, /"scale_x" must be a finite number > 0 \(got 0\)/],
      ['scale_y -1.5', { scale_y: -1.5 }, /"scale_y" must be a finite number > 0/],
      ['scale_x NaN', { scale_x: NaN }, /"scale_x" must be a finite number > 0/],
      ['a string target rotation', { target_rotation_radians: '0' }, /"target_rotation_radians" must be a finite number/],
    ];
    for (const [what, patch, message] of bad) {
      it(`rejects ${what}`, () => {
        expect(() => parseLandmarks2TransformMatrixOptions({ ...LIPS_OPTIONS, ...patch })).to.throw(
          /^Landmarks2TransformMatrix: custom option/,
        );
        expect(() => parseLandmarks2TransformMatrixOptions({ ...LIPS_OPTIONS, ...patch })).to.throw(message);
      });
    }

    it('rejects something that is not a map', () => {
      expect(() => parseLandmarks2TransformMatrixOptions(null as never)).to.throw(/must be a FlexBuffer map/);
      expect(() => parseLandmarks2TransformMatrixOptions([1, 2] as never)).to.throw(/must be a FlexBuffer map/);
    });
  });

  describe('landmarksToTransformMatrix against the naive reference', () => {
    const cases: [string, number, Partial<Landmarks2TransformMatrixOptions>, number][] = [
      ['even subset, target 0, 16x16', 25, { targetRotationRadians: 0 }, 6],
      ['odd subset (7), target 0', 25, {}, 7],
      ['odd subset (1): a single point', 12, {}, 1],
      ['target 0.8, non-square 12x20, scales 1.2/2.5', 30, { targetRotationRadians: 0.8, outputHeight: 12, outputWidth: 20, scaleX: 1.2, scaleY: 2.5 }, 9],
      ['target 2.5 (> 90 deg)', 30, { targetRotationRadians: 2.5 }, 11],
      ['target -3.0', 18, { targetRotationRadians: -3.0, outputWidth: 5, outputHeight: 7 }, 5],
      ['target pi', 18, { targetRotationRadians: Math.PI }, 8],
    ];
    cases.forEach(([what, n, patch, k], ci) => {
      it(what, () => {
        for (let trial = 0; trial < 5; trial++) {
          const rand = rng(1000 * ci + trial);
          const lm = uniform(rand, n * 3, -10, 60);
          const idx = Array.from({ length: n }, (_, i) => i).sort(() => rand() - 0.5);
          const o: Landmarks2TransformMatrixOptions = {
            subsetIdxs: idx.slice(0, k),
            leftRotationIdx: idx[n - 1],
            rightRotationIdx: idx[n - 2],
            targetRotationRadians: 0,
            outputWidth: 16,
            outputHeight: 16,
            scaleX: 1.5,
            scaleY: 1.5,
            ...patch,
          };
          const got = run(lm, n, o);
          expect(got.shape).to.deep.equal([1, 4, 4]);
          expect(got.dtype).to.equal('float32');
          expectAllClose(got.data, naive(lm, n, o), 1e-5, `${what} trial ${trial}`);
          // rows 2 and 3 are identity
          expect(Array.from(got.data.slice(8))).to.deep.equal([0, 0, 1, 0, 0, 0, 0, 1]);
        }
      });
    });

    it('the subset order and duplicated indices do not matter', () => {
      const n = 20;
      const lm = uniform(rng(7), n * 3, 0, 48);
      const o = parseLandmarks2TransformMatrixOptions({ ...LIPS_OPTIONS, subset_idxs: [3, 9, 4, 17, 11], left_rotation_idx: 0, right_rotation_idx: 1 });
      const a = run(lm, n, o).data;
      const b = run(lm, n, { ...o, subsetIdxs: [11, 17, 4, 9, 3, 11] }).data;
      expect(Array.from(a)).to.deep.equal(Array.from(b));
    });

    it('uses x and y only (z may be anything)', () => {
      const n = 10;
      const lm = uniform(rng(8), n * 3, 0, 48);
      const o = parseLandmarks2TransformMatrixOptions({ ...LIPS_OPTIONS, subset_idxs: [2, 3, 4, 5], left_rotation_idx: 0, right_rotation_idx: 1 });
      const a = run(lm, n, o).data;
      const lm2 = lm.slice();
      for (let i = 2; i < lm2.length; i += 3) lm2[i] = 1e6 * (i % 7);
      expect(Array.from(run(lm2, n, o).data)).to.deep.equal(Array.from(a));
    });
  });

  describe('errors', () => {
    const o = parseLandmarks2TransformMatrixOptions({ ...LIPS_OPTIONS, subset_idxs: [0, 1, 2], left_rotation_idx: 0, right_rotation_idx: 1 });

    it('rejects indices beyond the landmark count, without leaking', () => {
      const lm = tf.zeros([1, 3, 3]);
      const before = tf.memory().numTensors;
      expect(() => landmarksToTransformMatrix(lm, { ...o, rightRotationIdx: 3 })).to.throw(/right_rotation_idx 3 is out of range for 3 landmarks/);
      expect(() => landmarksToTransformMatrix(lm, { ...o, leftRotationIdx: 7 })).to.throw(/left_rotation_idx 7 is out of range/);
      expect(() => landmarksToTransformMatrix(lm, { ...o, subsetIdxs: [0, 5] })).to.throw(/subset index 5 is out of range/);
      expect(tf.memory().numTensors).to.equal(before);
      lm.dispose();
    });

    it('rejects a landmarks tensor that is not [1,N,3]', () => {
      for (const shape of [[3, 3], [2, 3, 3], [1, 3, 1], [1, 1, 3, 3]]) {
        const lm = tf.zeros(shape);
        expect(() => landmarksToTransformMatrix(lm, o)).to.throw(/landmarks must have shape \[1,N,3\]/);
        lm.dispose();
      }
    });
  });
});
