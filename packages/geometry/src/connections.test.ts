import { expect } from 'chai';
import { CONTOURS, FACE_OVAL, IRISES } from './connections.js';

describe('contours', () => {
  it('every polyline indexes the 478 landmarks and rings are closed', () => {
    for (const line of CONTOURS) {
      expect(line.every((i) => Number.isInteger(i) && i >= 0 && i < 478)).to.equal(true);
    }
    for (const ringLine of CONTOURS.slice(0, 5)) expect(ringLine[0]).to.equal(ringLine[ringLine.length - 1]);
  });

  it('the eye rings run corner to corner through both eyelids', () => {
    const leftEye = CONTOURS[3];
    expect(leftEye.length).to.equal(17);
    expect(leftEye[0]).to.equal(33);
    expect(leftEye[8]).to.equal(133);
    expect(new Set(leftEye).size).to.equal(16);
  });

  it('the lip rings meet at the mouth corners 61/291 (outer) and 78/308 (inner)', () => {
    const [outer, inner] = [CONTOURS[1], CONTOURS[2]];
    expect([outer[0], outer[10]]).to.deep.equal([61, 291]);
    expect([inner[0], inner[10]]).to.deep.equal([78, 308]);
  });

  it('face oval has 36 distinct points; irises have a centre and 4 edge points', () => {
    expect(new Set(FACE_OVAL).size).to.equal(36);
    expect(IRISES.map((i) => i.centre)).to.deep.equal([468, 473]);
    expect(IRISES[1].ring).to.deep.equal([474, 475, 476, 477, 474]);
  });
});
