/**
 * Closed-form checks of the crop geometry: landmarks laid out on a known rotated rectangle
 * (centre c, half extents hw, hh, L->R axis at angle theta). With target rotation 0 the crop
 * matrix must map the crop centre to c and the crop corners onto the rectangle scaled by
 * scale_x/scale_y around c, in the rotated frame.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { landmarksToTransformMatrix, parseLandmarks2TransformMatrixOptions } from '../../src/ops/custom/landmarks_to_transform_matrix.js';
import { transformLandmarks } from '../../src/ops/custom/transform_landmarks.js';
import { rng, useWasmBackend } from './support.js';

describe('crop geometry (closed form)', () => {
  before(useWasmBackend);

  const angles = [0, 0.4, 1.2, Math.PI / 2, 2.0, 2.9, Math.PI, -0.7, -1.9, -2.6];
  angles.forEach((theta, i) => {
    it(`a rectangle rotated by ${theta.toFixed(3)} rad`, () => {
      const rand = rng(500 + i);
      const [cx, cy] = [10 + 28 * rand(), 10 + 28 * rand()];
      const [hw, hh] = [2 + 6 * rand(), 1 + 5 * rand()];
      const [ow, oh] = i % 2 ? [16, 16] : [20, 12];
      const [sx, sy] = i % 3 ? [1.5, 1.5] : [1.25, 2.0];
      const cos = Math.cos(theta);
      const sin = Math.sin(theta);
      const place = (u: number, v: number) => [cx + cos * u - sin * v, cy + sin * u + cos * v, 7 * rand()];
      // 0: L, 1: R, 2-5: corners, 6..: interior points
      const pts = [place(-hw * 0.8, 0.3), place(hw * 0.8, 0.3), place(-hw, -hh), place(hw, -hh), place(hw, hh), place(-hw, hh)];
      for (let k = 0; k < 5; k++) pts.push(place((2 * rand() - 1) * hw, (2 * rand() - 1) * hh));
      const n = pts.length;
      const o = parseLandmarks2TransformMatrixOptions({
        subset_idxs: [2, 3, 4, 5, 6, 7, 8, 9, 10], // odd count
        left_rotation_idx: 0,
        right_rotation_idx: 1,
        target_rotation_radians: 0,
        output_width: ow,
        output_height: oh,
        scale_x: sx,
        scale_y: sy,
      });

      const before = tf.memory().numTensors;
      const lm = tf.tensor3d(pts.flat(), [1, n, 3]);
      const m = landmarksToTransformMatrix(lm, o);
      // crop centre + corners (with a z to check it is copied), through TransformLandmarks
      const crop = tf.tensor3d([ow / 2, oh / 2, 1, 0, 0, 2, ow, 0, 3, ow, oh, 4, 0, oh, 5], [1, 5, 3]);
      const mapped = transformLandmarks(crop, m);
      const got = mapped.dataSync();
      const mat = m.dataSync();
      tf.dispose([lm, m, crop, mapped]);
      expect(tf.memory().numTensors).to.equal(before);

      const expectAt = (j: number, u: number, v: number, z: number) => {
        const [x, y] = place(u, v);
        expect(got[j * 3], `point ${j} x`).to.be.closeTo(x, 1e-4);
        expect(got[j * 3 + 1], `point ${j} y`).to.be.closeTo(y, 1e-4);
        expect(got[j * 3 + 2], `point ${j} z`).to.equal(z);
      };
      expectAt(0, 0, 0, 1); // centre -> c
      expectAt(1, -sx * hw, -sy * hh, 2);
      expectAt(2, sx * hw, -sy * hh, 3);
      expectAt(3, sx * hw, sy * hh, 4);
      expectAt(4, -sx * hw, sy * hh, 5);

      // the 2x2 block is Rot(theta)·diag(sx·2hw/ow, sy·2hh/oh)
      const kx = (sx * 2 * hw) / ow;
      const ky = (sy * 2 * hh) / oh;
      expect(mat[0]).to.be.closeTo(cos * kx, 1e-5);
      expect(mat[1]).to.be.closeTo(-sin * ky, 1e-5);
      expect(mat[4]).to.be.closeTo(sin * kx, 1e-5);
      expect(mat[5]).to.be.closeTo(cos * ky, 1e-5);
    });
  });

  it('the model wiring: translation x4 of the matrix maps a 64x64 crop frame to px192 (docs/pipeline.md §2.3)', () => {
    // p192 = c192 + Rot(theta)·diag(1.5·w192/64, 1.5·h192/64)·(p − (32,32)), c192 = 4·c48
    const theta = 0.3;
    const [cx, cy, hw, hh] = [20, 25, 4, 3]; // in 48-map units
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const place = (u: number, v: number) => [cx + cos * u - sin * v, cy + sin * u + cos * v, 0];
    const pts = [place(-1, 0), place(1, 0), place(-hw, -hh), place(hw, -hh), place(hw, hh), place(-hw, hh)];
    const o = parseLandmarks2TransformMatrixOptions({
      subset_idxs: [2, 3, 4, 5], left_rotation_idx: 0, right_rotation_idx: 1, target_rotation_radians: 0,
      output_width: 16, output_height: 16, scale_x: 1.5, scale_y: 1.5,
    });
    const before = tf.memory().numTensors;
    const lm = tf.tensor3d(pts.flat(), [1, 6, 3]);
    const m = landmarksToTransformMatrix(lm, o);
    const k = [1, 1, 4, 4, 1, 1, 4, 4, 0.25, 0.25, 1, 1, 0.25, 0.25, 1, 1];
    const scaled = tf.tensor3d(Array.from(m.dataSync(), (v, i) => v * k[i]), [1, 4, 4]);
    const p = tf.tensor3d([32, 32, 0, 0, 64, 64], [1, 3, 2]);
    const out = transformLandmarks(p, scaled);
    const got = out.dataSync();
    tf.dispose([lm, m, scaled, p, out]);
    expect(tf.memory().numTensors).to.equal(before);
    const want = (u: number, v: number) => {
      const du = 1.5 * (8 * hw / 64) * (u - 32); // w192 = 4·2hw
      const dv = 1.5 * (8 * hh / 64) * (v - 32);
      return [4 * cx + cos * du - sin * dv, 4 * cy + sin * du + cos * dv];
    };
    const exp = [...want(32, 32), ...want(0, 0), ...want(64, 64)];
    exp.forEach((v, i) => expect(got[i], `value ${i}`).to.be.closeTo(v, 1e-4));
  });
});
