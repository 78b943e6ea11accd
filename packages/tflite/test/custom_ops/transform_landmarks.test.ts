import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { transformLandmarks } from '../../src/ops/custom/transform_landmarks.js';
import { flatten, naiveTransformLandmarks, nest, toMat4 } from './naive_reference.js';
import { expectAllClose, noLeak, rng, uniform, useWasmBackend } from './support.js';

function run(points: Float32Array, n: number, d: number, m: Float32Array) {
  return noLeak(() => transformLandmarks(tf.tensor3d(points, [1, n, d]), tf.tensor3d(m, [1, 4, 4])));
}

describe('TransformLandmarks v2', () => {
  before(useWasmBackend);

  for (const d of [2, 3]) {
    it(`D = ${d}: matches the naive reference for random full 4x4 matrices (rows 2-3 and column 2 ignored)`, () => {
      for (let trial = 0; trial < 6; trial++) {
        const rand = rng(40 + 10 * d + trial);
        const n = [1, 5, 71, 80, 3, 468][trial];
        const points = uniform(rand, n * d, -10, 80);
        const m = uniform(rand, 16, -5, 5);
        const got = run(points, n, d, m);
        expect(got.shape).to.deep.equal([1, n, d]);
        expect(got.dtype).to.equal('float32');
        expectAllClose(got.data, flatten(naiveTransformLandmarks(nest(points, [n, d]), toMat4(m))), 1e-5, `trial ${trial}`);
        if (d === 3) {
          for (let i = 0; i < n; i++) expect(got.data[i * 3 + 2]).to.equal(points[i * 3 + 2]);
        }
      }
    });
  }

  it('identity leaves points unchanged; a translation moves them', () => {
    const points = Float32Array.from([1, 2, 3, 4, -5, 6.5]);
    const id = Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(Array.from(run(points, 3, 2, id).data)).to.deep.equal(Array.from(points));
    const tr = Float32Array.from([1, 0, 9, 10, 0, 1, 9, -20, 9, 9, 9, 9, 9, 9, 9, 9]);
    expect(Array.from(run(points, 3, 2, tr).data)).to.deep.equal([11, -18, 13, -16, 5, -13.5]);
  });

  it('handles N = 0', () => {
    const got = run(new Float32Array(0), 0, 2, new Float32Array(16));
    expect(got.shape).to.deep.equal([1, 0, 2]);
  });

  it('rejects bad shapes, creating no tensors', () => {
    const m = tf.zeros([1, 4, 4]);
    const bad = [tf.zeros([1, 4, 4]), tf.zeros([1, 4, 1]), tf.zeros([4, 2]), tf.zeros([2, 4, 2]), tf.zeros([1, 1, 4, 2])];
    const ok = tf.zeros([1, 4, 2]);
    const badM = [tf.zeros([1, 3, 4]), tf.zeros([16]), tf.zeros([1, 2, 8])];
    const before = tf.memory().numTensors;
    for (const t of bad) expect(() => transformLandmarks(t, m)).to.throw(/TransformLandmarks: landmarks must have shape \[1,N,2\] or \[1,N,3\]/);
    for (const t of badM) expect(() => transformLandmarks(ok, t)).to.throw(/TransformLandmarks: the matrix input must have shape \[1,4,4\]/);
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([m, ok, ...bad, ...badM]);
  });
});
