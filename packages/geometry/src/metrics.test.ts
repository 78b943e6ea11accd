import { expect } from 'chai';
import { compareFaces, eyeCentres, interOcularDistance, matchFaces, meanErrorIod, METRIC_REGIONS } from './metrics.js';

/** 478-point face: eye corners 33 (0,0,0), 133 (2,0,0), 362 (8,0,0), 263 (10,0,6); nose tip 1 at (5, 5). */
function face(dx = 0, dy = 0, points = 478): Float32Array {
  const f = new Float32Array(points * 3); // points >= 468
  for (let i = 0; i < points; i++) f.set([100 + (i % 20), 100 + Math.floor(i / 20), 0], 3 * i);
  f.set([0, 0, 0], 3 * 33);
  f.set([2, 0, 0], 3 * 133);
  f.set([8, 0, 0], 3 * 362);
  f.set([10, 0, 6], 3 * 263);
  f.set([5, 5, 1], 3 * 1);
  for (let i = 0; i < points; i++) {
    f[3 * i] += dx;
    f[3 * i + 1] += dy;
  }
  return f;
}

const IOD = Math.hypot(8, 0, 3); // centres (1, 0, 0) and (9, 0, 3)

describe('interOcularDistance', () => {
  it('is the 3-D distance between the midpoints of 33/133 and 362/263', () => {
    expect(interOcularDistance(face())).to.be.closeTo(IOD, 1e-6);
    const { left, right } = eyeCentres(face());
    expect(Array.from(left)).to.deep.equal([1, 0, 0]);
    expect(Array.from(right)).to.deep.equal([9, 0, 3]);
  });
});

describe('meanErrorIod / compareFaces', () => {
  it('is the mean 2-D distance in % of the reference IOD (z ignored)', () => {
    const ref = face();
    const cand = face(3, 4);
    for (let i = 2; i < cand.length; i += 3) cand[i] += 50;
    expect(meanErrorIod(ref, cand)).to.be.closeTo((100 * 5) / IOD, 1e-4);
    expect(meanErrorIod(ref, ref)).to.equal(0);
  });

  it('averages over the region only', () => {
    const ref = face();
    const cand = face();
    cand[3 * 470] += 10; // one iris point off by 10
    const e = compareFaces(ref, cand);
    expect(e.irises).to.be.closeTo((100 * 10) / 10 / IOD, 1e-4);
    expect(e.all).to.be.closeTo((100 * 10) / 478 / IOD, 1e-4);
    expect(e.mesh468).to.equal(0);
    expect(e.lips).to.equal(0);
    expect(e.eyes).to.equal(0);
  });

  it('scores only the points both faces have (468 for the plain mesh)', () => {
    const e = compareFaces(face(), face(1, 0, 468));
    expect(e.irises).to.equal(undefined);
    expect(e.all).to.be.closeTo(100 / IOD, 1e-4);
  });

  it('uses the compare.mjs regions', () => {
    expect(METRIC_REGIONS.all).to.have.length(478);
    expect(METRIC_REGIONS.eyes).to.have.length(32);
    expect(METRIC_REGIONS.irises[0]).to.equal(468);
  });
});

describe('matchFaces', () => {
  it('pairs each reference face with the nearest remaining nose tip', () => {
    const refs = [face(0, 0), face(100, 0)];
    const cands = [face(101, 0), face(1, 0)];
    const m = matchFaces(refs, cands);
    expect(m.matches.map((x) => [x.ref, x.cand])).to.deep.equal([[0, 1], [1, 0]]);
    expect(m.matches[0].errors.all).to.be.closeTo(100 / IOD, 1e-4);
    expect(m).to.include({ missed: 0, extra: 0 });
  });

  it('is greedy in reference order: a taken candidate is gone for later faces', () => {
    // both references are nearest to candidate 0; ref 0 takes it, ref 1 falls back to candidate 1
    const m = matchFaces([face(0, 0), face(2, 0)], [face(1, 0), face(7, 0)]);
    expect(m.matches.map((x) => [x.ref, x.cand])).to.deep.equal([[0, 0], [1, 1]]);
  });

  it('misses a face whose nearest nose tip is 1 IOD away or more, and counts the leftovers as extra', () => {
    const m = matchFaces([face()], [face(IOD * 1.001, 0), face(500, 500)]);
    expect(m.matches).to.have.length(0);
    expect(m).to.include({ missed: 1, extra: 2 });
    expect(matchFaces([face()], [face(IOD * 0.99, 0)]).matches).to.have.length(1);
  });

  it('ignores candidates with fewer than 468 points entirely (neither matched nor extra)', () => {
    const m = matchFaces([face()], [face().slice(0, 467 * 3)]);
    expect(m).to.include({ missed: 1, extra: 0 });
  });
});
