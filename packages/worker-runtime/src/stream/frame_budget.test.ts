import { expect } from 'chai';
import { FrameBudget } from './frame_budget.js';

/** Frames taken out of `seconds` of a `fps` source with +-`jitter` ms on each timestamp. */
function taken(budget: FrameBudget, fps: number, seconds: number, jitter = 0): number {
  let n = 0;
  for (let i = 0; i < fps * seconds; i++) {
    const t = 1000 + (i * 1000) / fps + (i % 2 ? jitter : -jitter);
    if (budget.admit(t)) n++;
  }
  return n;
}

describe('FrameBudget', () => {
  it('takes every frame without a limit (0, negative, not finite)', () => {
    for (const fps of [0, -3, NaN, Infinity]) expect(taken(new FrameBudget(fps), 30, 2)).to.equal(60);
  });

  it('gives max-fps frames a second from a faster source, jitter or not', () => {
    expect(taken(new FrameBudget(10), 30, 10)).to.be.within(99, 101);
    expect(taken(new FrameBudget(10), 30, 10, 4)).to.be.within(99, 101);
    expect(taken(new FrameBudget(10), 15, 10)).to.be.within(99, 101);
    expect(taken(new FrameBudget(24), 30, 10, 3)).to.be.within(238, 241);
  });

  it('takes every frame of a source slower than the budget', () => {
    expect(taken(new FrameBudget(30), 15, 4, 2)).to.equal(60);
  });

  it('starts over after a gap instead of catching up', () => {
    const b = new FrameBudget(10);
    expect(b.admit(0)).to.equal(true);
    expect(b.admit(50)).to.equal(false);
    expect(b.admit(5000)).to.equal(true);
    expect(b.admit(5033)).to.equal(false);
    expect(b.admit(5066)).to.equal(false);
    expect(b.admit(5100)).to.equal(true);
  });
});
