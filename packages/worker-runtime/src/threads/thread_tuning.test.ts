import { expect } from 'chai';
import { ThreadTuning, type TuningHost } from './thread_tuning.js';

/** A worker as the tuning sees it: mesh runs that take `msOn[threads]`, and a log of what it was asked. */
function fakeHost(msOn: Record<number, number>, failSwitchTo: string | null = null): TuningHost & { log: string[]; threads: number } {
  const host = {
    log: [] as string[],
    threads: 1,
    meshRun: () => msOn[host.threads]!,
    resizePool: (n: number) => {
      host.log.push(`resize ${n}`);
      host.threads = n;
      return n;
    },
    switchBinary: async (binary: string, n: number) => {
      host.log.push(`switch ${binary} ${n}`);
      if (binary === failSwitchTo) throw new Error('the pool never started');
      host.threads = n;
    },
  };
  return host;
}

describe('ThreadTuning', () => {
  it('one thread measured faster: the backend restarts on the SIMD binary, and the choice says so', async () => {
    const host = fakeHost({ 1: 5, 2: 70 });
    const tuning = new ThreadTuning([1, 2], host);
    let switching = 0;
    const choice = await tuning.measure(() => switching++);
    expect(host.log).to.deep.equal(['resize 2', 'resize 1', 'switch simd 1']);
    expect(switching, "the 'thread-switch' stage is reported").to.equal(1);
    expect(choice).to.include({ threads: 1, binary: 'simd' });
    expect(choice.reason).to.match(/SIMD binary/);
  });

  it('more threads measured faster: they stay on the threaded binary, no restart', async () => {
    const host = fakeHost({ 1: 10, 2: 5 });
    const choice = await new ThreadTuning([1, 2], host).measure(() => expect.fail('no switch'));
    expect(host.log).to.deep.equal(['resize 2']);
    expect(choice).to.include({ threads: 2, binary: 'threaded-simd' });
  });

  it('while frames run: dropping to one thread and trying more again restart the backend each way', async () => {
    const host = fakeHost({ 1: 10, 2: 5 });
    const tuning = new ThreadTuning([1, 2], host, { window: 3, probeAfterMs: 1000 });
    await tuning.measure();
    host.log.length = 0;
    let t = 0;
    const changes = [];
    for (const ms of [30, 30, 30]) changes.push(await tuning.frame(ms, (t += 33)));
    expect(changes.at(-1)).to.include({ threads: 1, binary: 'simd' });
    expect(host.log).to.deep.equal(['switch simd 1']);
    for (let i = 0; i < 40 && tuning.choice.threads === 1; i++) await tuning.frame(10, (t += 33));
    expect(host.log).to.deep.equal(['switch simd 1', 'switch threaded-simd 2']);
    expect(tuning.choice).to.include({ threads: 2, binary: 'threaded-simd' });
    expect(tuning.choice.reason).to.match(/Trying 2 threads again/);
  });

  it('a binary that does not start: the running one goes on, the choice says why, and no more tries', async () => {
    const host = fakeHost({ 1: 5, 2: 70 }, 'threaded-simd');
    const tuning = new ThreadTuning([1, 2], host, { window: 3, probeAfterMs: 100 });
    await tuning.measure();
    let t = 0;
    let change = null;
    for (let i = 0; i < 20 && !change; i++) change = await tuning.frame(5, (t += 33));
    expect(change).to.include({ threads: 1, binary: 'simd' });
    expect(change!.reason).to.match(/threaded-simd binary could not be started \(the pool never started\)/);
    for (let i = 0; i < 100; i++) expect(await tuning.frame(5, (t += 33))).to.equal(null);
    expect(host.log.filter((l) => l.startsWith('switch'))).to.deep.equal(['switch simd 1', 'switch threaded-simd 2']);
  });
});
