/**
 * A start-up that stalls, stage by stage (startup.ts), in every engine: a worker made to stall at
 * one stage (fixtures/stage_stall.worker.ts) is given up at that stage's deadline and replaced once;
 * stalled twice, the element fires `startup-stalled` naming the stage, and no worker is left.
 */
import { expect } from 'chai';
import { STARTUP_STAGES, type StartupStage } from '@face-mesh/worker-runtime/startup';
import { BUILT_WORKER, engine, faceBitmap, nextEvent, removalSettled } from './helpers.js';
import { create, SAMPLE6 } from './engine_support.js';
import { liveWorkers, runtimeSettings } from '../src/runtime_client.js';
import type { ErrorDetail, FaceMeshError, ReadyDetail } from '../src/index.js';
import '../src/define.js';

/**
 * The deadline floor here: every real stage of these workers takes well under it, also with both
 * cores busy (docs/browser-support.md), so only the stage made to stall passes it.
 */
const FLOOR_MS = 3_000;

const stallingWorker = (stage: StartupStage, threaded = false) =>
  new URL(`./fixtures/stage_stall.worker.js?stall=${stage}${threaded ? '&threaded' : ''}`, import.meta.url).href;

describe(`<face-mesh> in ${engine}: a start-up that stalls`, function () {
  this.timeout(40_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured
  let saved = { ...runtimeSettings };
  let face: ImageData;

  before(async () => {
    const bitmap = await faceBitmap();
    const canvas = new OffscreenCanvas(640, 480);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
    face = canvas.getContext('2d')!.getImageData(0, 0, 640, 480);
  });
  beforeEach(() => {
    saved = { ...runtimeSettings };
    Object.assign(runtimeSettings, { startupFloorMs: FLOOR_MS, fetchStallMs: FLOOR_MS });
  });
  afterEach(async () => {
    Object.assign(runtimeSettings, saved);
    for (const el of document.querySelectorAll('face-mesh')) el.remove();
    await removalSettled();
    expect(liveWorkers.size, 'workers started and not terminated').to.equal(0);
  });

  for (const stage of STARTUP_STAGES) {
    it(`stalled at ${stage} in two workers: startup-stalled naming the stage, and no worker left`, async () => {
      runtimeSettings.workerUrl = stallingWorker(stage);
      const el = create();
      const t0 = performance.now();
      const err = (await el.detect(face).then(() => null, (e: unknown) => e)) as FaceMeshError | null;
      console.log(`${engine}, stalled at ${stage}: ${((performance.now() - t0) / 1000).toFixed(1)} s, ${err?.message}`);
      expect(err).to.include({ code: 'startup-stalled', stage });
      expect(err?.message).to.contain(`stage ${stage}`).and.contain('stalled twice');
      expect(liveWorkers.size, 'both stalled workers were terminated').to.equal(0);
    });
  }

  it('start() with a src: the error event names the stage', async () => {
    runtimeSettings.workerUrl = stallingWorker('model-compile');
    const el = create({ src: SAMPLE6 });
    const errorEvent = nextEvent<CustomEvent<ErrorDetail>>(el, 'error');
    await el.start().catch(() => {});
    expect((await errorEvent).detail).to.include({ code: 'startup-stalled', stage: 'model-compile' });
    expect(el.running).to.equal(false);
  });

  it('stalled once (at wasm-compile): a second worker starts, ready says so, and faces are found', async () => {
    runtimeSettings.workerUrl = stallingWorker('wasm-compile');
    const el = create();
    // The first worker answered (its start-up has begun): the next one is the real worker.
    el.addEventListener('progress', () => (runtimeSettings.workerUrl = BUILT_WORKER), { once: true });
    const readyEvent = nextEvent<CustomEvent<ReadyDetail>>(el, 'ready');
    const detected = el.detect(face);
    const ready = await readyEvent;
    expect(ready.detail.note).to.match(/A first worker stalled \(.*stage wasm-compile.*\); a second one started/);
    expect((await detected).faces).to.have.length(1);
    expect(liveWorkers.size, 'the stalled worker was terminated').to.equal(1);
  });

  it('a threaded wasm start-up that stalls is retried on one thread: ready says why, and faces are found', async () => {
    runtimeSettings.workerUrl = stallingWorker('wasm-start', true);
    const el = create({ threads: '2' });
    const progress: number[] = [];
    el.addEventListener('progress', (e) => progress.push((e as unknown as CustomEvent<{ progress: number }>).detail.progress));
    const readyEvent = nextEvent<CustomEvent<ReadyDetail>>(el, 'ready');
    const detected = el.detect(face);
    const ready = await readyEvent;
    expect(ready.detail).to.include({ binary: 'simd', threads: 1 });
    expect(ready.detail.note).to.match(/threaded wasm start-up stalled \(.*stage wasm-start.*\), so face-mesh runs the SIMD binary on one thread/);
    expect(liveWorkers.size, 'the stalled worker was terminated').to.equal(1);
    expect(progress, 'progress never goes backwards').to.deep.equal([...progress].sort((x, y) => x - y));
    expect((await detected).faces).to.have.length(1);
  });
});
