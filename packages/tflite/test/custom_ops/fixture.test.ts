/**
 * The three ops against outputs of the NumPy reference interpreter, stored in
 * fixtures/custom_ops_fixture.json by fixtures/make_fixture.py (never the spec folder at test time).
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { landmarksToTransformMatrix, parseLandmarks2TransformMatrixOptions } from '../../src/ops/custom/landmarks_to_transform_matrix.js';
import { parseTransformTensorBilinearOptions, transformTensorBilinear } from '../../src/ops/custom/transform_tensor_bilinear.js';
import { transformLandmarks } from '../../src/ops/custom/transform_landmarks.js';
import { expectAllClose, noLeak, useWasmBackend, type Diff } from './support.js';

interface Fixture {
  landmarks_to_transform_matrix: { name: string; landmarks: number[]; shape: number[]; options: Record<string, unknown>; matrix: number[] }[];
  transform_tensor_bilinear: { name: string; input: number[]; shape: number[]; matrix: number[]; output_height: number; output_width: number; output: number[] }[];
  transform_landmarks: { name: string; landmarks: number[]; shape: number[]; matrix: number[]; output: number[] }[];
}

const TOL = 1e-5;

describe('custom ops vs the NumPy reference fixture', () => {
  let fixture: Fixture;
  const worst: Record<string, Diff> = {};
  const note = (op: string, d: Diff) => {
    const w = (worst[op] ??= { maxAbs: 0, maxRel: 0 });
    w.maxAbs = Math.max(w.maxAbs, d.maxAbs);
    w.maxRel = Math.max(w.maxRel, d.maxRel);
  };

  before(async () => {
    await useWasmBackend();
    const res = await fetch(new URL('../fixtures/custom_ops/custom_ops_fixture.json', import.meta.url));
    expect(res.ok, 'fixture served').to.equal(true);
    fixture = (await res.json()) as Fixture;
  });

  after(() => {
    for (const [op, d] of Object.entries(worst)) {
      console.log(`${op}: max |diff| ${d.maxAbs.toExponential(3)}, max relative diff ${d.maxRel.toExponential(3)}`);
    }
  });

  it('Landmarks2TransformMatrix', () => {
    expect(fixture.landmarks_to_transform_matrix.length).to.be.greaterThan(3);
    for (const c of fixture.landmarks_to_transform_matrix) {
      const o = parseLandmarks2TransformMatrixOptions(c.options);
      const got = noLeak(() => landmarksToTransformMatrix(tf.tensor3d(c.landmarks, c.shape as [number, number, number]), o));
      expect(got.shape).to.deep.equal([1, 4, 4]);
      note('Landmarks2TransformMatrix', expectAllClose(got.data, c.matrix, TOL, c.name));
    }
  });

  it('TransformTensorBilinear', () => {
    expect(fixture.transform_tensor_bilinear.length).to.be.greaterThan(3);
    for (const c of fixture.transform_tensor_bilinear) {
      const { outputHeight, outputWidth } = parseTransformTensorBilinearOptions({ output_height: c.output_height, output_width: c.output_width });
      const got = noLeak(() =>
        transformTensorBilinear(
          tf.tensor4d(c.input, c.shape as [number, number, number, number]),
          tf.tensor3d(c.matrix, [1, 4, 4]),
          outputHeight,
          outputWidth,
        ),
      );
      expect(got.shape).to.deep.equal([1, outputHeight, outputWidth, c.shape[3]]);
      note('TransformTensorBilinear', expectAllClose(got.data, c.output, TOL, c.name));
      // the zeroed (out of bounds) samples agree exactly
      for (let i = 0; i < c.output.length; i++) if (c.output[i] === 0) expect(got.data[i], `${c.name} zero at ${i}`).to.equal(0);
    }
  });

  it('TransformLandmarks', () => {
    expect(fixture.transform_landmarks.length).to.be.greaterThan(2);
    for (const c of fixture.transform_landmarks) {
      const got = noLeak(() =>
        transformLandmarks(tf.tensor3d(c.landmarks, c.shape as [number, number, number]), tf.tensor3d(c.matrix, [1, 4, 4])),
      );
      expect(got.shape).to.deep.equal(c.shape);
      note('TransformLandmarks', expectAllClose(got.data, c.output, TOL, c.name));
    }
  });
});
