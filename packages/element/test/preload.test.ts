/**
 * `preload`: with 'auto' (the default) the element loads the runtime and the models when it is
 * connected, so start() waits only for its source; 'none' and the browser's Save-Data setting wait
 * for start(). A preloaded element that is never started leaves no worker when removed.
 */
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { BUILT_WORKER, createFaceMesh, expectNoWorkersLeft, faceBitmap, nextEvent, ONE_THREAD, removalSettled } from './helpers.js';
import { liveWorkers, runtimeSettings } from '../src/runtime_client.js';
import type { FaceMeshElement, LandmarksEvent, ProgressDetail, ReadyDetail } from '../src/index.js';
import '../src/define.js';

const create = (attrs: Record<string, string> = {}) => createFaceMesh({ ...ONE_THREAD, ...attrs });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every `progress` event's detail, from now on. */
function progressOf(el: FaceMeshElement): ProgressDetail[] {
  const seen: ProgressDetail[] = [];
  el.addEventListener('progress', (e) => seen.push((e as unknown as CustomEvent<ProgressDetail>).detail));
  return seen;
}

/** Requests for the wasm binaries and model files among `urls`. */
const assetRequests = (urls: string[]) => urls.filter((u) => /\.(wasm|tflite|binarypb)($|\?)/.test(u));

describe('<face-mesh preload>', function () {
  this.timeout(60_000);
  before(() => {
    runtimeSettings.workerUrl = BUILT_WORKER;
  });
  after(() => {
    runtimeSettings.workerUrl = '';
  });
  afterEach(async () => {
    for (const el of document.querySelectorAll('face-mesh')) el.remove();
    await removalSettled();
  });

  it('auto (the default): loads when connected, without start(); start() then loads nothing more and fires no second ready', async () => {
    const el = document.createElement('face-mesh') as FaceMeshElement;
    expect(el.preload, 'the default').to.equal('auto');
    const progress = progressOf(el);
    const ready = nextEvent<CustomEvent<ReadyDetail>>(el, 'ready');
    for (const [k, v] of Object.entries({ ...ONE_THREAD, 'asset-base': '/packages/element/dist/' })) el.setAttribute(k, v);
    document.body.append(el);
    const detail = (await ready).detail;
    expect(detail.backend).to.equal('wasm');
    expect(progress.at(-1), 'progress reached ready').to.deep.equal({ stage: 'ready', progress: 1 });
    expect(liveWorkers.size, 'one worker, loaded').to.equal(1);

    let readies = 0;
    el.addEventListener('ready', () => readies++);
    const before = progress.length;
    const recording = await executeServerCommand('record-requests', { action: 'start' });
    const t0 = performance.now();
    const landmarks = nextEvent<LandmarksEvent>(el, 'landmarks');
    await el.start();
    await landmarks;
    const startMs = performance.now() - t0;
    const urls = recording === true ? ((await executeServerCommand<string[], object>('record-requests', { action: 'stop' })) ?? []) : [];
    console.log(`preloaded: ready after ${detail.loadMs.toFixed(0)} ms; start() to the first landmarks: ${startMs.toFixed(0)} ms; requests during start: ${urls.length}`);
    expect(assetRequests(urls), 'wasm or model requests after start()').to.deep.equal([]);
    expect(progress.length, 'progress events after start()').to.equal(before);
    expect(readies, 'ready events after start()').to.equal(0);
    expect(liveWorkers.size, 'still the one worker').to.equal(1);
  });

  it('none: nothing is loaded until detect(), which then loads with progress and ready', async () => {
    const el = create({ preload: 'none' });
    const progress = progressOf(el);
    await sleep(1_000);
    expect(liveWorkers.size, 'workers before detect()').to.equal(0);
    expect(progress, 'progress before detect()').to.deep.equal([]);
    const ready = nextEvent(el, 'ready');
    const result = await el.detect(await faceBitmap());
    await ready;
    expect(result.faces).to.have.length(1);
    expect(progress[0], 'the first progress').to.deep.equal({ stage: 'wasm', progress: 0 });
    expect(progress.at(-1)).to.deep.equal({ stage: 'ready', progress: 1 });
  });

  it('the browser asks to save data (navigator.connection.saveData): no preload', async () => {
    const own = Object.getOwnPropertyDescriptor(navigator, 'connection');
    Object.defineProperty(navigator, 'connection', { configurable: true, value: { saveData: true } });
    try {
      const el = create();
      await sleep(1_000);
      expect(liveWorkers.size, 'workers before detect()').to.equal(0);
      expect((await el.detect(await faceBitmap())).faces).to.have.length(1);
    } finally {
      if (own) Object.defineProperty(navigator, 'connection', own);
      else delete (navigator as { connection?: unknown }).connection;
    }
  });

  it('preload switched on later loads then; switched to none, nothing is dropped', async () => {
    const el = create({ preload: 'none' });
    await sleep(300);
    expect(liveWorkers.size).to.equal(0);
    const ready = nextEvent(el, 'ready');
    el.preload = 'auto';
    await ready;
    expect(liveWorkers.size).to.equal(1);
    el.preload = 'none';
    await el.updateComplete;
    expect(liveWorkers.size, 'the loaded worker stays').to.equal(1);
  });

  it('a preloaded element removed without start() leaves no worker; so does one removed while still loading', async () => {
    const loaded = create();
    await nextEvent(loaded, 'ready');
    expect(liveWorkers.size).to.equal(1);
    loaded.remove();
    await removalSettled();
    await expectNoWorkersLeft('after removing a preloaded element');

    const loading = create();
    await nextEvent<CustomEvent<ProgressDetail>>(loading, 'progress', (e) => e.detail.stage === 'wasm');
    expect(liveWorkers.size, 'loading').to.equal(1);
    loading.remove();
    await removalSettled();
    await expectNoWorkersLeft('after removing an element still preloading');
  });

  it('a new asset-base on a preloaded element preloads again, from there', async () => {
    // (asset-cache off: the files must come from the new folder, not from Cache Storage)
    const el = create({ 'asset-cache': 'off' });
    await nextEvent(el, 'ready');
    const recording = await executeServerCommand('record-requests', { action: 'start' });
    const ready = nextEvent(el, 'ready');
    el.assetBase = '/offline/';
    await ready;
    const urls = recording === true ? ((await executeServerCommand<string[], object>('record-requests', { action: 'stop' })) ?? []) : [];
    expect(liveWorkers.size, 'the new worker only').to.equal(1);
    if (recording === true) expect(assetRequests(urls).filter((u) => u.includes('/offline/')), 'files loaded from the new asset-base').to.have.length.at.least(3);
  });
});
