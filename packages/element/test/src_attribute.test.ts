/**
 * `src` behaves like `<img src>` and `<video src>`: setting or changing it on an element that is in
 * the page loads it, whether or not anything ran before (frameworks render `<face-mesh src="">` and
 * fill the URL in later); clearing it stops the source.
 */
import { expect } from 'chai';
import { BUILT_WORKER, createFaceMesh, nextEvent, ONE_THREAD, removalSettled } from './helpers.js';
import { runtimeSettings } from '../src/runtime_client.js';
import type { FaceMeshElement, LandmarksEvent } from '../src/index.js';
import '../src/define.js';

const IMAGE = '/node_modules/@vladmandic/face-api/demo/sample6.jpg';
const OTHER_IMAGE = '/node_modules/@vladmandic/face-api/demo/sample1.jpg';
const VIDEO = '/demo/media/sample-clip.webm';

describe('<face-mesh src> like <img src>', function () {
  this.timeout(30_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured
  const elements: FaceMeshElement[] = [];
  const create = () => {
    const el = createFaceMesh({ ...ONE_THREAD, 'max-faces': '4' });
    elements.push(el);
    return el;
  };
  before(() => {
    runtimeSettings.workerUrl = BUILT_WORKER;
  });
  after(() => {
    runtimeSettings.workerUrl = '';
  });
  afterEach(async () => {
    for (const el of elements.splice(0)) el.remove();
    await removalSettled();
  });

  it('an element in the page with an empty src, never started, loads the src set later (property)', async () => {
    const el = create();
    await el.updateComplete;
    expect(el.running).to.equal(false);
    const landmarks = nextEvent<LandmarksEvent>(el, 'landmarks');
    el.src = IMAGE;
    const { detail } = await landmarks;
    expect(detail.width).to.equal(1920);
    expect(detail.faces.length).to.equal(4);
  });

  it('the same through the attribute, and a changed src loads the new picture after stop()', async () => {
    const el = create();
    await el.updateComplete;
    const first = nextEvent<LandmarksEvent>(el, 'landmarks');
    el.setAttribute('src', IMAGE);
    expect((await first).detail.height).to.not.equal(1280);
    el.stop();
    const second = nextEvent<LandmarksEvent>(el, 'landmarks');
    el.setAttribute('src', OTHER_IMAGE);
    expect((await second).detail.height, 'sample1, 1280 high').to.equal(1280);
  });

  it('a video src set on a connected element runs; clearing src stops it', async () => {
    const el = create();
    await el.updateComplete;
    const landmarks = nextEvent<LandmarksEvent>(el, 'landmarks');
    el.src = VIDEO;
    await landmarks;
    expect(el.running).to.equal(true);
    const video = el.shadowRoot!.querySelector('video')!;
    expect(video.getAttribute('src')).to.contain('sample-clip.webm');
    el.src = '';
    await el.updateComplete;
    expect(el.running).to.equal(false);
    expect(video.hasAttribute('src'), 'the video released').to.equal(false);
    let after = 0;
    el.addEventListener('landmarks', () => after++);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(after, 'no landmarks after src was cleared').to.equal(0);
  });
});
