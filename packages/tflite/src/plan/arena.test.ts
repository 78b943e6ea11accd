import { expect } from 'chai';
import { planArena, type BufferLifetime } from './arena.js';

const overlaps = (a: BufferLifetime, b: BufferLifetime) => a.first <= b.last && b.first <= a.last;

describe('planArena', () => {
  it('buffers alive at the same time never share memory; a chain reuses memory', () => {
    // A chain: each step reads the previous output only (plus a long-lived skip connection).
    const buffers: BufferLifetime[] = [
      { size: 100, first: -1, last: 0 },
      { size: 100, first: 0, last: 1 },
      { size: 100, first: 1, last: 2 },
      { size: 100, first: 2, last: 3 },
      { size: 10, first: 0, last: 3 },
      { size: 50, first: 3, last: Infinity },
    ];
    const { offsets, size } = planArena(buffers);
    for (let i = 0; i < buffers.length; i++) {
      expect(offsets[i]! % 4, `buffer ${i} aligned to 16 bytes`).to.equal(0);
      expect(offsets[i]! + buffers[i]!.size).to.be.at.most(size);
      for (let j = 0; j < i; j++) {
        if (!overlaps(buffers[i]!, buffers[j]!)) continue;
        const disjoint = offsets[i]! + buffers[i]!.size <= offsets[j]! || offsets[j]! + buffers[j]!.size <= offsets[i]!;
        expect(disjoint, `buffers ${i} and ${j} live together`).to.equal(true);
      }
    }
    // Two 100-float buffers are alive at any step, plus the skip connection: far below the 460 of all.
    expect(size).to.be.at.most(212);
  });

  it('an empty plan has size 0', () => {
    expect(planArena([])).to.deep.equal({ offsets: [], size: 0 });
  });
});
