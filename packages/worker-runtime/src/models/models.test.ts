/** MeshModel / DetectorModel: named outputs from the right positions, signature checks. */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { DetectorModel, MeshModel, sigmoid } from './models.js';
import { parseModel, type ModelGraph } from '@face-mesh/tflite';
import { fixtureInput, loadFixtures, type ModelFixtures } from '../../test/fixtures.js';
import { expectClose, useWasmInPage } from '../../../tflite/test/helpers.js';

const TOL = 1e-3; // as in test/model.test.ts

async function graph(file: string): Promise<ModelGraph> {
  return parseModel(await (await fetch(`/models/dist/${file}`)).arrayBuffer());
}

describe('typed model wrappers (wasm SIMD in the page)', () => {
  let fx: ModelFixtures;
  before(async () => {
    await useWasmInPage();
    fx = await loadFixtures();
  });

  it('MeshModel (attention): mesh, lips, eyes, irises in px192 and the face flag with its sigmoid', async () => {
    const m = new MeshModel(await graph('face_landmark_with_attention.tflite'));
    try {
      expect(m.hasAttention).to.equal(true);
      const r = m.run(await fixtureInput(fx.mesh.input));
      const o = fx.mesh.outputs;
      expectClose(r.mesh, o.mesh, TOL, 'mesh');
      expectClose(r.lips, o.lips, TOL, 'lips');
      expectClose(r.leftEye, o.leftEye, TOL, 'leftEye');
      expectClose(r.rightEye, o.rightEye, TOL, 'rightEye');
      expectClose(r.leftIris, o.leftIris, TOL, 'leftIris');
      expectClose(r.rightIris, o.rightIris, TOL, 'rightIris');
      expect(r.faceFlag).to.be.closeTo(o.faceFlag[0]!, TOL);
      expect(r.faceScore).to.equal(sigmoid(r.faceFlag));
      expect(r.faceScore).to.be.greaterThan(0.99);
    } finally {
      m.dispose();
    }
  });

  it('MeshModel (face_landmark.tflite): mesh + flag, empty region arrays', async () => {
    const m = new MeshModel(await graph('face_landmark.tflite'));
    try {
      expect(m.hasAttention).to.equal(false);
      const r = m.run(await fixtureInput(fx.mesh.input));
      expectClose(r.mesh, fx.plainMesh.outputs.mesh, TOL, 'mesh');
      expect(r.faceFlag).to.be.closeTo(fx.plainMesh.outputs.faceFlag[0]!, TOL);
      expect([r.lips.length, r.leftEye.length, r.rightIris.length]).to.deep.equal([0, 0, 0]);
    } finally {
      m.dispose();
    }
  });

  it('DetectorModel: regressors 896x16 and 896 score logits', async () => {
    const before = tf.memory().numTensors;
    const d = new DetectorModel(await graph('face_detection_short_range.tflite'));
    const r = d.run(await fixtureInput(fx.detector.input));
    d.dispose();
    expect(tf.memory().numTensors).to.equal(before);
    expect(r.regressors.length).to.equal(896 * 16);
    expectClose(r.scores, fx.detector.scores, TOL, 'scores');
    const best = fx.detector.topAnchors[0]!;
    expectClose(r.regressors.subarray(best * 16, best * 16 + 16), fx.detector.topRegressors.slice(0, 16), TOL, 'best anchor');
  });

  it('refuses a model with the wrong signature', async () => {
    const det = await graph('face_detection_short_range.tflite');
    expect(() => new MeshModel(det)).to.throw(/face mesh model: expected one input \[1,192,192,3\], found \[1,128,128,3\]/);
    const mesh = await graph('face_landmark.tflite');
    expect(() => new DetectorModel(mesh)).to.throw(/face detector model/);
  });
});
