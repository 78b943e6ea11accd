/** Lifecycle and main-thread cost of <face-mesh>, with Chromium's fake camera. */
import { expect } from 'chai';
import { BUILT_WORKER, createFaceMesh, ONE_THREAD, expectNoWorkersLeft, removalSettled, workersSettleAt } from './helpers.js';
import { liveWorkers, runtimeSettings } from '../src/runtime_client.js';
import type { FaceMeshElement, LandmarksEvent } from '../src/index.js';
import '../src/define.js';


const create = () => createFaceMesh(ONE_THREAD);

function landmarks(el: FaceMeshElement, withFace = false): Promise<LandmarksEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no landmarks event within 60 s')), 60_000);
    const on = (e: LandmarksEvent) => {
      if (withFace && e.detail.faces.length === 0) return;
      clearTimeout(timer);
      el.removeEventListener('landmarks', on);
      resolve(e);
    };
    el.addEventListener('landmarks', on);
  });
}



describe('<face-mesh> lifecycle', function () {
  this.timeout(30_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured
  before(() => {
    runtimeSettings.workerUrl = BUILT_WORKER;
  });
  after(() => {
    runtimeSettings.workerUrl = '';
  });

  it('streams without long tasks (> 50 ms) on the main thread after start-up', async () => {
    const el = create();
    await el.start();
    await landmarks(el, true);
    const long: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) long.push(entry.duration);
    });
    observer.observe({ type: 'longtask', buffered: false });
    let frames = 0;
    const count = () => frames++;
    el.addEventListener('landmarks', count);
    await new Promise((r) => setTimeout(r, 4000));
    observer.disconnect();
    el.removeEventListener('landmarks', count);
    console.log(`4 s of streaming: ${frames} landmarks events, long tasks on the main thread: ${long.length ? long.map((d) => d.toFixed(0)).join(', ') + ' ms' : 'none'}`);
    expect(frames, 'frames processed').to.be.greaterThan(10);
    expect(long, 'long tasks').to.deep.equal([]);
    el.remove();
  });

  it('removing the element terminates its worker and stops the camera; adding it back works again', async () => {
    const el = create();
    await el.start();
    await landmarks(el);
    expect(liveWorkers.size, 'workers the elements hold').to.equal(1);
    expect(await workersSettleAt(1)).to.have.length(1);
    const track = (el.shadowRoot!.querySelector('video')!.srcObject as MediaStream).getVideoTracks()[0];
    el.remove();
    await removalSettled();
    expect(track.readyState).to.equal('ended');
    await expectNoWorkersLeft('workers after removal');
    document.body.append(el);
    await el.start();
    const again = await landmarks(el);
    expect(again.detail.width).to.equal(640);
    expect(liveWorkers.size, 'workers the elements hold').to.equal(1);
    expect(await workersSettleAt(1)).to.have.length(1);
    el.remove();
  });

  it('several elements on one page each get their own worker and events', async () => {
    const a = create();
    const b = create();
    await Promise.all([a.start(), b.start()]);
    const [ea, eb] = await Promise.all([landmarks(a), landmarks(b)]);
    expect(ea.detail.width).to.equal(640);
    expect(eb.detail.width).to.equal(640);
    expect(liveWorkers.size, 'workers the elements hold').to.equal(2);
    expect(await workersSettleAt(2)).to.have.length(2);
    a.remove();
    b.remove();
    await removalSettled();
    await expectNoWorkersLeft();
  });

  it('paused stops frames; unpausing resumes them', async () => {
    const el = create();
    await el.start();
    await landmarks(el);
    el.paused = true;
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 300));
    let during = 0;
    const count = () => during++;
    el.addEventListener('landmarks', count);
    await new Promise((r) => setTimeout(r, 1000));
    expect(during, 'events while paused').to.equal(0);
    el.paused = false;
    await landmarks(el);
    el.removeEventListener('landmarks', count);
    el.remove();
  });
});
