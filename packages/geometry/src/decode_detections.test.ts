import { expect } from 'chai';
import { generateAnchors } from './anchors.js';
import { decodeBox, decodeDetections, scoreFromLogit, sigmoid } from './decode_detections.js';

describe('scoreFromLogit', () => {
  it('is the sigmoid of the logit', () => {
    expect(scoreFromLogit(0)).to.equal(0.5);
    expect(scoreFromLogit(Math.log(3))).to.be.closeTo(0.75, 1e-12);
    expect(sigmoid(-Math.log(3))).to.be.closeTo(0.25, 1e-12);
  });

  it('clips the logit to +-100 first', () => {
    expect(scoreFromLogit(-1000)).to.equal(sigmoid(-100));
    expect(scoreFromLogit(-1000)).to.be.greaterThan(0);
    expect(scoreFromLogit(-1000, 5)).to.be.closeTo(sigmoid(-5), 1e-15);
  });
});

/** 896x16 regressors, all-zero except the given rows; logits -10 except the given ones. */
function rawOutputs(rows: Record<number, { logit: number; values: number[] }>) {
  const regressors = new Float32Array(896 * 16);
  const logits = new Float32Array(896).fill(-10);
  for (const [i, { logit, values }] of Object.entries(rows)) {
    regressors.set(values, Number(i) * 16);
    logits[Number(i)] = logit;
  }
  return { regressors, logits };
}

describe('decodeBox', () => {
  it('decodes XYWH and keypoints relative to the anchor with scale 128', () => {
    // dx = 12.8 px -> +0.1, dy = -6.4 -> -0.05, w = 32 -> 0.25, h = 64 -> 0.5; keypoints k: (k, -k) px
    const values = [12.8, -6.4, 32, 64, 0, 0, 12.8, -12.8, 25.6, -25.6, 38.4, -38.4, 51.2, -51.2, 64, -64];
    const regressors = new Float32Array(32);
    regressors.set(values, 16);
    const d = decodeBox(regressors, 1, 0.25, 0.75, 0.9);
    expect(d).to.not.equal(null);
    expect(d!.score).to.equal(0.9);
    expect(d!.xMin).to.be.closeTo(0.35 - 0.125, 1e-6);
    expect(d!.xMax).to.be.closeTo(0.35 + 0.125, 1e-6);
    expect(d!.yMin).to.be.closeTo(0.7 - 0.25, 1e-6);
    expect(d!.yMax).to.be.closeTo(0.7 + 0.25, 1e-6);
    expect(d!.keypoints.length).to.equal(12);
    for (let k = 0; k < 6; k++) {
      expect(d!.keypoints[2 * k]).to.be.closeTo(0.25 + 0.1 * k, 1e-6);
      expect(d!.keypoints[2 * k + 1]).to.be.closeTo(0.75 - 0.1 * k, 1e-6);
    }
  });

  it('drops negative or NaN sizes', () => {
    const r = new Float32Array(16);
    r[2] = -1;
    r[3] = 10;
    expect(decodeBox(r, 0, 0.5, 0.5, 1)).to.equal(null);
    r[2] = 10;
    r[3] = NaN;
    expect(decodeBox(r, 0, 0.5, 0.5, 1)).to.equal(null);
    r[3] = 0;
    expect(decodeBox(r, 0, 0.5, 0.5, 1)).to.not.equal(null);
  });
});

describe('decodeDetections', () => {
  const anchors = generateAnchors();

  it('keeps rows with score >= 0.5 in anchor order, against their own anchor', () => {
    const box = [0, 0, 16, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    // anchor 3 = cell (1, 0) of the stride-8 map: centre (1.5/16, 0.5/16); anchor 600 in the stride-16 map
    const { regressors, logits } = rawOutputs({
      600: { logit: 2, values: box },
      3: { logit: 0, values: box }, // sigmoid(0) = 0.5 exactly: kept (>=)
      10: { logit: -0.01, values: box }, // just below
    });
    const dets = decodeDetections(regressors, logits, anchors);
    expect(dets.map((d) => d.score)).to.deep.equal([0.5, sigmoid(2)]);
    expect((dets[0].xMin + dets[0].xMax) / 2).to.be.closeTo(1.5 / 16, 1e-6);
    expect((dets[0].yMin + dets[0].yMax) / 2).to.be.closeTo(0.5 / 16, 1e-6);
    expect(dets[0].xMax - dets[0].xMin).to.be.closeTo(0.125, 1e-6);
    // anchor 600: (600 - 512) / 6 = cell 14 -> x = 6, y = 1 of the 8x8 map
    expect((dets[1].xMin + dets[1].xMax) / 2).to.be.closeTo(6.5 / 8, 1e-6);
    expect((dets[1].yMin + dets[1].yMax) / 2).to.be.closeTo(1.5 / 8, 1e-6);
    expect(dets[1].keypoints[0]).to.be.closeTo(6.5 / 8, 1e-6);
  });

  it('skips a confident row with an invalid box', () => {
    const { regressors, logits } = rawOutputs({ 5: { logit: 5, values: [0, 0, -3, 4] } });
    expect(decodeDetections(regressors, logits, anchors)).to.have.length(0);
  });

  it('checks the tensor sizes', () => {
    expect(() => decodeDetections(new Float32Array(16), new Float32Array(896), anchors)).to.throw(/regressors/);
    expect(() => decodeDetections(new Float32Array(16), new Float32Array(1), anchors)).to.throw(/anchors/);
  });
});
