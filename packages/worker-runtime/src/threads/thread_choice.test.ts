import { expect } from 'chai';
import { autoThreadCandidates, GOVERNOR_DEFAULTS, pickThreads, ThreadGovernor, type ThreadChoice } from './thread_choice.js';

const start = (threads: number, one: number, two: number): ThreadChoice => ({ threads, binary: threads > 1 ? 'threaded-simd' : 'simd', candidates: [1, 2], measuredMs: { 1: one, 2: two }, reason: '' });

/** Feeds `n` frames of `ms` each, 33 ms apart from `t0`; returns the switches asked for and the next time. */
function feed(g: ThreadGovernor, ms: number, n: number, t0: number, untilSwitch = false): { switches: number[]; t: number } {
  const switches: number[] = [];
  let t = t0;
  for (let i = 0; i < n; i++) {
    const s = g.sample(ms, t);
    t += 33;
    if (s) switches.push(s.to);
    if (s && untilSwitch) break;
  }
  return { switches, t };
}

describe('thread_choice', () => {
  it('auto compares one thread with half the cores (2 to 4), and nothing below 4 cores', () => {
    expect(autoThreadCandidates(2)).to.deep.equal([1]);
    expect(autoThreadCandidates(3)).to.deep.equal([1]);
    expect(autoThreadCandidates(4)).to.deep.equal([1, 2]);
    expect(autoThreadCandidates(8)).to.deep.equal([1, 4]);
    expect(autoThreadCandidates(32)).to.deep.equal([1, 4]);
    expect(autoThreadCandidates(NaN)).to.deep.equal([1]);
  });

  it('picks more threads only when 20% faster than one, by the medians, and says why', () => {
    const faster = pickThreads({ 1: [10, 11, 30], 2: [7, 7.5, 50] });
    expect(faster.threads).to.equal(2);
    expect(faster.measuredMs).to.deep.equal({ 1: 11, 2: 7.5 });
    expect(faster.reason).to.match(/2 threads/);
    expect(pickThreads({ 1: [10], 2: [9] }).threads).to.equal(1);
    const slower = pickThreads({ 1: [5.7], 2: [76] });
    expect(slower.threads).to.equal(1);
    expect(slower.reason).to.match(/76\.0 ms .* 5\.7 ms/);
  });

  it('drops to one thread when a window of frames is slower than one thread was', () => {
    const g = new ThreadGovernor(2, start(2, 10, 6), { window: 5 });
    expect(feed(g, 7, 10, 0).switches).to.deep.equal([]);
    const busy = feed(g, 30, 5, 1000);
    expect(busy.switches).to.deep.equal([1]);
    expect(g.threads).to.equal(1);
    expect(g.measuredMs[2]).to.equal(30);
  });

  it('has hysteresis: threads between 80% and 100% of one thread are kept, not adopted', () => {
    const kept = new ThreadGovernor(2, start(2, 10, 6), { window: 5 });
    expect(feed(kept, 9.5, 20, 0).switches).to.deep.equal([]);
    // On one thread, a probe at 9.5 ms against 10 loses: back to one, and the next try waits twice as long.
    const g = new ThreadGovernor(2, start(1, 10, 12), { window: 5, probeAfterMs: 1000 });
    let r = feed(g, 10, 40, 0, true); // after 1 s on one thread a probe starts
    expect(r.switches).to.deep.equal([2]);
    r = feed(g, 9.5, 5, r.t);
    expect(r.switches).to.deep.equal([1]);
    expect(feed(g, 10, 40, r.t).switches, 'no probe before 2 s').to.deep.equal([]);
    expect(feed(g, 10, 40, r.t + 40 * 33, true).switches).to.deep.equal([2]);
  });

  it('goes back to more threads when a probe finds them faster again, and stays', () => {
    const g = new ThreadGovernor(2, start(2, 5, 4), { window: 5, probeAfterMs: 1000 });
    let r = feed(g, 40, 5, 0);
    expect(r.switches).to.deep.equal([1]);
    r = feed(g, 6, 40, r.t, true);
    expect(r.switches).to.deep.equal([2]);
    r = feed(g, 3, 5, r.t);
    expect(r.switches, 'kept (reported)').to.deep.equal([2]);
    expect(g.threads).to.equal(2);
    expect(feed(g, 3, 50, r.t).switches).to.deep.equal([]);
  });

  it('ends a probe at its first frame three times slower than one thread', () => {
    const g = new ThreadGovernor(2, start(1, 5, 70), { window: 9, probeAfterMs: 100 });
    expect(feed(g, 5, 10, 0, true).switches).to.deep.equal([2]);
    expect(g.sample(40, 1000)?.to).to.equal(1);
  });

  it('by default tries more threads again rarely: after 20 s on one thread, then 40, 80, 160 s (each try restarts the backend)', () => {
    const g = new ThreadGovernor(2, start(1, 5, 70));
    const probes: number[] = [];
    let t = 0;
    for (; t < 700_000; t += 100) {
      const s = g.sample(5, t);
      if (s?.probe) probes.push(t);
      if (s?.probe) g.sample(40, (t += 100)); // the probe loses at its first frame
    }
    expect(GOVERNOR_DEFAULTS.probeAfterMs).to.equal(20_000);
    // (each wait counts from the frame that ended the previous probe)
    expect(probes.map((p, i) => Math.round((p - (i ? probes[i - 1]! + 100 : 0)) / 1000))).to.deep.equal([20, 40, 80, 160, 160, 160]);
  });

  it('stops probing once a switch could not be made, and stays on the threads that still run', () => {
    const g = new ThreadGovernor(2, start(1, 10, 20), { window: 5, probeAfterMs: 100 });
    const r = feed(g, 10, 20, 0, true);
    expect(r.switches).to.deep.equal([2]);
    g.failed(1, 'the threaded binary did not start', r.t);
    expect(g.threads).to.equal(1);
    expect(feed(g, 10, 100, r.t).switches).to.deep.equal([]);
    expect(g.stoppedProbing).to.match(/did not start/);
  });

  it('does nothing with one candidate', () => {
    const g = new ThreadGovernor(1, { threads: 1, measuredMs: {} }, { window: 3, probeAfterMs: 10 });
    expect(feed(g, 50, 30, 0).switches).to.deep.equal([]);
  });
});
