/**
 * `threads="auto"` decides by measuring, with the page claiming 4 cores (navigator.hardwareConcurrency
 * overridden on the page before the element starts: the element passes the page's count to the
 * worker), so auto compares 1 and 2 threads on this machine. Quiet, and with a busy Worker spinning
 * on the page (another program wanting a core): auto must end no slower than one thread beyond this
 * test's own noise (its median tracking mesh time within threads="off"'s 90th percentile, the two
 * elements timed in alternating windows), and say what it chose, on which binary, and why (one thread: the SIMD binary,
 * what threads="off" runs).
 */
import { expect } from 'chai';
import type { FaceMeshElement, LandmarksEvent, ReadyEvent, ThreadsChangeEvent } from '../src/index.js';
import { createFaceMesh, nextEvent } from './helpers.js';
import '../src/define.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

interface Run {
  ready: ReadyEvent['detail'];
  meshMs: number[];
  /** Each tracking frame's `detail.threads`, and the thread count in force when its event arrived. */
  threads: { used: number; inForce: number }[];
  changes: ThreadsChangeEvent['detail'][];
}

/** An element with `threads` on the fake camera, started: its ready detail, its tracking frames from `measure()` on. */
async function startElement(threads: string) {
  const el = createFaceMesh({ threads, overlay: 'none' }) as FaceMeshElement;
  const changes: ThreadsChangeEvent['detail'][] = [];
  el.addEventListener('threadschange', (e) => changes.push((e as ThreadsChangeEvent).detail));
  const ready = nextEvent<ReadyEvent>(el, 'ready');
  await el.start();
  const detail = (await ready).detail;
  await nextEvent<LandmarksEvent>(el, 'landmarks', (e) => e.detail.faces.length === 1);
  const result: Run = { ready: detail, meshMs: [], threads: [], changes };
  let measuring = false;
  el.addEventListener('landmarks', (e) => {
    const d = (e as LandmarksEvent).detail;
    if (measuring && d.faces.length === 1 && !d.detectorRan) {
      result.meshMs.push(d.timings.meshMs);
      result.threads.push({ used: d.threads, inForce: changes.at(-1)?.threads ?? detail.threads });
    }
  });
  return { el, result, measure: (on: boolean) => { measuring = on; } };
}

/**
 * Auto, then threads="off", on the same page: auto's start-up measures under the test's condition
 * alone. Then the two take turns in short windows, the other one paused (its camera stays open), so
 * each is timed on the machine as the test's condition leaves it, without the other competing for
 * the cores (side by side, two workers and a busy Worker on 2 cores, one element could get the
 * smaller share for a whole window), and whatever drifts over the seconds falls on both alike.
 * Checks auto's report, and its speed against one thread.
 */
async function compare(label: string): Promise<void> {
  const a = await startElement('auto');
  const o = await startElement('off');
  try {
    o.el.paused = true;
    await sleep(3000); // auto settles (it may move threads after its start-up measurement)
    for (let turn = 0; turn < 5; turn++) {
      for (const [run, other] of [[a, o], [o, a]] as const) {
        other.el.paused = true;
        run.el.paused = false;
        await sleep(200); // frames flowing again before timing
        run.measure(true);
        await sleep(700);
        run.measure(false);
      }
    }
  } finally {
    a.el.remove();
    o.el.remove();
  }
  const [auto, off] = [a.result, o.result];
  const choice = auto.ready.threadChoice!;
  const autoMedian = quantile(auto.meshMs, 0.5);
  const offMedian = quantile(off.meshMs, 0.5);
  const offP90 = quantile(off.meshMs, 0.9);
  console.log(`${label}: start-up ${JSON.stringify(choice)}; changes ${JSON.stringify(auto.changes.map((c) => [c.threads, c.reason]))}; auto mesh median ${autoMedian.toFixed(2)} ms (threads ${[...new Set(auto.threads.map((t) => t.used))].join(',')}), off median ${offMedian.toFixed(2)} / p90 ${offP90.toFixed(2)} ms`);
  expect(choice.candidates).to.deep.equal([1, 2]);
  expect(Object.keys(choice.measuredMs).map(Number)).to.deep.equal([1, 2]);
  expect(choice.reason).to.match(/thread/);
  expect(auto.ready.threads).to.equal(choice.threads);
  // One thread runs on the SIMD binary, as threads="off" does; more on the threaded one.
  expect(choice.binary).to.equal(choice.threads === 1 ? 'simd' : 'threaded-simd');
  expect(auto.ready.binary).to.equal(choice.binary);
  expect(off.ready.binary).to.equal('simd');
  for (const c of auto.changes) expect(c.binary, 'each change says which binary runs').to.equal(c.threads === 1 ? 'simd' : 'threaded-simd');
  for (const c of auto.changes) expect(c.reason, 'each change says why').to.match(/thread/);
  // A frame's result is sent before the change it caused: each detail.threads is the count in force
  // when its event arrived, or (the frame that decided a switch) the count before that change.
  const counts = [choice.threads, ...auto.changes.map((c) => c.threads)];
  for (const t of auto.threads) expect(t.used === t.inForce || counts.includes(t.used), `detail.threads ${t.used}, in force ${t.inForce}`).to.equal(true);
  expect(auto.threads.filter((t) => t.used !== t.inForce).length, 'frames on another count than the one in force').to.be.at.most(auto.changes.length);
  expect(off.ready.threadChoice!.reason).to.contain('threads="off"');
  expect(auto.meshMs.length, 'tracking frames measured').to.be.greaterThan(10);
  expect(off.meshMs.length).to.be.greaterThan(10);
  expect(autoMedian, "auto's median mesh ms vs one thread's p90").to.be.at.most(offP90);
}

describe('<face-mesh threads="auto"> measures (the page claims 4 cores)', function () {
  this.timeout(120_000);

  before(() => {
    Object.defineProperty(navigator, 'hardwareConcurrency', { value: 4, configurable: true });
  });
  after(() => {
    delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
  });

  it('quiet: compares 1 and 2 threads at start-up, reports its choice and why, and is no slower than one thread', async () => {
    await compare('quiet');
  });

  it('with a busy Worker on the page: no slower than one thread, and says why', async () => {
    const spin = URL.createObjectURL(new Blob(['for(;;){}'], { type: 'text/javascript' }));
    const busy = new Worker(spin);
    try {
      await sleep(300);
      await compare('busy');
    } finally {
      busy.terminate();
      URL.revokeObjectURL(spin);
    }
  });
});
