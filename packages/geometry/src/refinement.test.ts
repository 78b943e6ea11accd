import { expect } from 'chai';
import {
  LEFT_EYE_INDICES,
  LEFT_IRIS_INDICES,
  LEFT_IRIS_Z_AVERAGE_INDICES,
  LIPS_INDICES,
  REFINEMENT_GROUPS,
  RIGHT_EYE_INDICES,
  RIGHT_IRIS_INDICES,
  RIGHT_IRIS_Z_AVERAGE_INDICES,
  refineLandmarks,
  type MeshOutputs,
} from './refinement.js';

/** Mesh point i at (i, 1000 + i, -i) px192; head point k of group g at (10000·g + k, 20000·g + k). */
function syntheticOutputs(): MeshOutputs {
  const mesh = new Float32Array(468 * 3);
  for (let i = 0; i < 468; i++) mesh.set([i, 1000 + i, -i], 3 * i);
  const head = (g: number, n: number) => {
    const a = new Float32Array(n * 2);
    for (let k = 0; k < n; k++) a.set([10000 * g + k, 20000 * g + k], 2 * k);
    return a;
  };
  return { mesh, lips: head(1, 80), leftEye: head(2, 71), rightEye: head(3, 71), leftIris: head(4, 5), rightIris: head(5, 5) };
}

describe('refinement index lists', () => {
  it('have the pbtxt sizes and spot values', () => {
    expect(LIPS_INDICES).to.have.length(80);
    expect(LEFT_EYE_INDICES).to.have.length(71);
    expect(RIGHT_EYE_INDICES).to.have.length(71);
    expect([LIPS_INDICES[0], LIPS_INDICES[79], LEFT_EYE_INDICES[0], LEFT_EYE_INDICES[70], RIGHT_EYE_INDICES[70]]).to.deep.equal([61, 407, 33, 193, 417]);
    expect(LEFT_IRIS_INDICES).to.deep.equal([468, 469, 470, 471, 472]);
    expect(RIGHT_IRIS_INDICES).to.deep.equal([473, 474, 475, 476, 477]);
  });

  it('average iris z over the first 16 eye indices (the eyelid contours)', () => {
    expect(LEFT_IRIS_Z_AVERAGE_INDICES).to.deep.equal(LEFT_EYE_INDICES.slice(0, 16));
    expect(RIGHT_IRIS_Z_AVERAGE_INDICES).to.deep.equal(RIGHT_EYE_INDICES.slice(0, 16));
  });

  it('cover 0..477 without gaps, and each head hits distinct mesh indices', () => {
    const all = new Set(REFINEMENT_GROUPS.flatMap((g) => [...g.indexesMapping]));
    expect(all.size).to.equal(478);
    expect(Math.min(...all)).to.equal(0);
    expect(Math.max(...all)).to.equal(477);
    for (const g of REFINEMENT_GROUPS) expect(new Set(g.indexesMapping).size).to.equal(g.indexesMapping.length);
  });
});

describe('refineLandmarks', () => {
  const out = refineLandmarks(syntheticOutputs());

  it('copies the mesh, x, y and z divided by 192', () => {
    expect(out).to.have.length(478 * 3);
    // 1 is in no head
    expect(out[3]).to.be.closeTo(1 / 192, 1e-7);
    expect(out[4]).to.be.closeTo(1001 / 192, 1e-5);
    expect(out[5]).to.be.closeTo(-1 / 192, 1e-7);
  });

  it('overwrites x, y of the lips and eye indices and keeps the mesh z there', () => {
    const check = (indices: readonly number[], g: number) => {
      indices.forEach((idx, k) => {
        expect(out[3 * idx], `x of ${idx}`).to.be.closeTo((10000 * g + k) / 192, 1e-4);
        expect(out[3 * idx + 1], `y of ${idx}`).to.be.closeTo((20000 * g + k) / 192, 1e-4);
        expect(out[3 * idx + 2], `z of ${idx}`).to.be.closeTo(-idx / 192, 1e-6);
      });
    };
    check(LIPS_INDICES, 1);
    check(LEFT_EYE_INDICES, 2);
    check(RIGHT_EYE_INDICES, 3);
  });

  it('writes the irises to 468..477 with z = mean mesh z of their 16 eyelid points', () => {
    const meanZ = (idx: readonly number[]) => idx.reduce((s, i) => s - i / 192, 0) / idx.length;
    for (let k = 0; k < 5; k++) {
      expect(out[3 * (468 + k)]).to.be.closeTo((40000 + k) / 192, 1e-4);
      expect(out[3 * (473 + k) + 1]).to.be.closeTo((100000 + k) / 192, 1e-3);
      expect(out[3 * (468 + k) + 2]).to.be.closeTo(meanZ(LEFT_IRIS_Z_AVERAGE_INDICES), 1e-6);
      expect(out[3 * (473 + k) + 2]).to.be.closeTo(meanZ(RIGHT_IRIS_Z_AVERAGE_INDICES), 1e-6);
    }
    // the two sides differ, so a swap would show
    expect(meanZ(LEFT_IRIS_Z_AVERAGE_INDICES)).to.not.be.closeTo(meanZ(RIGHT_IRIS_Z_AVERAGE_INDICES), 1e-3);
  });

  it('clears a reused output buffer and writes into it', () => {
    const buf = new Float32Array(478 * 3).fill(7);
    const mesh = new Float32Array(468 * 3);
    const heads = { lips: new Float32Array(160), leftEye: new Float32Array(142), rightEye: new Float32Array(142) };
    const r = refineLandmarks({ mesh, ...heads, leftIris: new Float32Array(10), rightIris: new Float32Array(10) }, 192, buf);
    expect(r).to.equal(buf);
    expect(buf.every((v) => v === 0)).to.equal(true);
  });

  it('refuses a head of the wrong size', () => {
    const bad = { ...syntheticOutputs(), lips: new Float32Array(158) };
    expect(() => refineLandmarks(bad)).to.throw(/output_lips/);
  });
});
