import { expect } from 'chai';
import { associateDetectionsWithTracked, associateRois, roiIou } from './association.js';
import type { Roi } from './roi.js';

const roi = (xCenter: number, yCenter: number, size: number, rotation = 0): Roi => ({ xCenter, yCenter, width: size, height: size, rotation });

describe('roiIou', () => {
  it('is the IoU of the upright rects', () => {
    // 0.2-squares offset by 0.1 in x: intersection 0.1·0.2, union 2·0.04 − 0.02
    expect(roiIou(roi(0.5, 0.5, 0.2), roi(0.6, 0.5, 0.2))).to.be.closeTo(0.02 / 0.06, 1e-12);
    expect(roiIou(roi(0.2, 0.2, 0.1), roi(0.8, 0.8, 0.1))).to.equal(0);
  });

  it('ignores rotation', () => {
    expect(roiIou(roi(0.5, 0.5, 0.2, 0.7), roi(0.5, 0.5, 0.2, -1.2))).to.be.closeTo(1, 1e-12);
  });
});

describe('associateDetectionsWithTracked', () => {
  it('keeps the tracked ROI when a detection overlaps it (IoU > 0.5)', () => {
    const det = roi(0.5, 0.5, 0.3);
    const tracked = roi(0.52, 0.5, 0.3, 0.4); // IoU 0.28/0.32 = 0.875
    expect(associateDetectionsWithTracked([det], [tracked])).to.deep.equal([tracked]);
  });

  it('keeps both when the overlap is at most 0.5, detections first', () => {
    const det = roi(0.2, 0.5, 0.2);
    const tracked = roi(0.8, 0.5, 0.2);
    const touching = roi(0.3, 0.5, 0.2); // IoU with det = 1/3
    expect(associateDetectionsWithTracked([det], [tracked, touching])).to.deep.equal([det, tracked, touching]);
  });

  it('lets a later element replace every earlier one it overlaps, also within one input', () => {
    const a = roi(0.3, 0.5, 0.2);
    const b = roi(0.7, 0.5, 0.2);
    const c = roi(0.31, 0.5, 0.2);
    expect(associateRois([[a, b, c]])).to.deep.equal([b, c]);
    // one tracked ROI replacing two detections that barely overlap each other (IoU 0.05) but each
    // overlap it with IoU 0.51
    const wide = roi(0.5, 0.5, 0.2);
    const top: Roi = { xCenter: 0.5, yCenter: 0.45, width: 0.2, height: 0.11, rotation: 0 };
    const bottom: Roi = { ...top, yCenter: 0.55 };
    expect(roiIou(top, wide)).to.be.closeTo(0.021 / 0.041, 1e-9);
    expect(roiIou(top, bottom)).to.be.below(0.5);
    expect(associateRois([[top, bottom]])).to.deep.equal([top, bottom]);
    expect(associateRois([[top, bottom], [wide]])).to.deep.equal([wide]);
  });

  it('handles empty inputs', () => {
    expect(associateDetectionsWithTracked([], [])).to.deep.equal([]);
    expect(associateDetectionsWithTracked([roi(0.5, 0.5, 0.1)], [])).to.have.length(1);
  });
});
