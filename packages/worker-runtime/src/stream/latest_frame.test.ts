import { expect } from 'chai';
import { LatestFrameProcessor, pumpStream } from './latest_frame.js';

class FakeFrame {
  closed = false;
  constructor(readonly id: number) {}
  close(): void {
    this.closed = true;
  }
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('LatestFrameProcessor', () => {
  it('processes one frame at a time and keeps only the newest waiting frame', async () => {
    const seen: number[] = [];
    let release: () => void = () => {};
    const p = new LatestFrameProcessor<FakeFrame>(
      (f) => new Promise<void>((resolve) => { seen.push(f.id); release = resolve; }),
      () => {},
    );
    const frames = [0, 1, 2, 3].map((i) => new FakeFrame(i));
    for (const f of frames) p.push(f);
    await tick();
    expect(seen).to.deep.equal([0]); // 0 in flight, 3 waiting, 1 and 2 dropped
    expect(frames[1].closed && frames[2].closed).to.equal(true);
    expect(p.dropped).to.equal(2);
    release();
    await tick();
    expect(seen).to.deep.equal([0, 3]);
    expect(frames[0].closed).to.equal(true);
    release();
    await tick();
    expect(frames[3].closed).to.equal(true);
    expect(p.processed).to.equal(2);
    expect(p.idle).to.equal(true);
  });

  it('reports a failing frame and goes on with the next', async () => {
    const errors: unknown[] = [];
    const p = new LatestFrameProcessor<FakeFrame>(async (f) => { if (f.id === 0) throw new Error('bad'); }, (e) => errors.push(e));
    const a = new FakeFrame(0);
    p.push(a);
    await tick();
    const b = new FakeFrame(1);
    p.push(b);
    await tick();
    expect(errors.length).to.equal(1);
    expect(a.closed && b.closed).to.equal(true);
    expect(p.processed).to.equal(1);
  });

  it('after stop, closes what waits and whatever is pushed', async () => {
    const p = new LatestFrameProcessor<FakeFrame>(() => new Promise(() => {}), () => {});
    p.push(new FakeFrame(0));
    const waiting = new FakeFrame(1);
    p.push(waiting);
    p.stop();
    const late = new FakeFrame(2);
    p.push(late);
    expect(waiting.closed && late.closed).to.equal(true);
  });

  it('pumpStream drains a stream into the processor and stops on abort', async () => {
    const got: number[] = [];
    const p = new LatestFrameProcessor<FakeFrame>(async (f) => { got.push(f.id); }, () => {});
    let i = 0;
    const readable = new ReadableStream<FakeFrame>({ pull: async (c) => { await tick(1); c.enqueue(new FakeFrame(i++)); } });
    const ac = new AbortController();
    const done = pumpStream(readable, p, ac.signal);
    await tick(30);
    ac.abort();
    await done;
    const n = got.length;
    expect(n).to.be.greaterThan(2);
    await tick(20);
    expect(got.length).to.be.at.most(n + 1);
  });
});
