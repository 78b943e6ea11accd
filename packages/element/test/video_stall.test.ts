/**
 * A `src` video that stops while it runs. Without an error: its time stands still while it says it
 * is playing (the network stopped delivering it; WebKitGTK's media player was seen to freeze so).
 * With one: the browser's media player fails on a corrupt file. In every engine.
 * (A file of its own, so a page of its own: WebKitGTK's media stack stalled late in long pages.)
 */
import { expect } from 'chai';
import { engine, nextEvent } from './helpers.js';
import { create, sleep, useBuiltWorkerAndCleanUp } from './engine_support.js';
import { runtimeSettings } from '../src/runtime_client.js';
import type { ErrorDetail, LandmarksEvent } from '../src/index.js';
import '../src/define.js';

describe(`<face-mesh> in ${engine}: a src video that stalls or fails`, function () {
  this.timeout(40_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured
  useBuiltWorkerAndCleanUp();
  let saved = { ...runtimeSettings };
  beforeEach(() => {
    saved = { ...runtimeSettings };
    runtimeSettings.videoStallMs = 1_500;
  });
  afterEach(() => {
    runtimeSettings.videoStallMs = saved.videoStallMs;
  });
  const errorsOf = (el: HTMLElement) => {
    const errors: ErrorDetail[] = [];
    el.addEventListener('error', (e) => errors.push((e as unknown as CustomEvent<ErrorDetail>).detail));
    return errors;
  };

  it('its time standing still while it plays is one source-failed event naming it', async () => {
    // The server sends the first third of the clip, then nothing: Chromium and WebKit play a little
    // and then wait for good; Firefox waits for more before it starts at all.
    const url = new URL('/stall-video/demo/media/sample-clip.webm', location.href).href;
    const el = create({ src: url });
    const errors = errorsOf(el);
    const error = await nextEvent<CustomEvent<ErrorDetail>>(el, 'error', () => true, 30_000);
    console.log(`${engine}, stalled video: ${error.detail.code}: ${error.detail.message}`);
    expect(error.detail.code).to.equal('source-failed');
    expect(error.detail.message).to.match(new RegExp(`^The video ${url} (stopped|has not started): its time has not moved for`));
    await sleep(3_000);
    expect(errors, 'one event per stall').to.have.length(1);
  });

  it('a media error while it plays is one source-failed event with the browser\'s words, and the source closes', async () => {
    // The server sends the clip with its last 60% turned to garbage: it plays, then the decoder fails.
    const url = new URL('/corrupt-video/demo/media/sample-clip.webm', location.href).href;
    runtimeSettings.videoStallMs = 60_000; // (this is not the stall watch's event)
    const el = create({ src: url });
    const errors = errorsOf(el);
    await nextEvent<LandmarksEvent>(el, 'landmarks');
    const error = await nextEvent<CustomEvent<ErrorDetail>>(el, 'error', () => true, 30_000);
    console.log(`${engine}, corrupt video: ${error.detail.code}: ${error.detail.message}`);
    expect(error.detail.code).to.equal('source-failed');
    expect(error.detail.message).to.match(new RegExp(`^The video ${url} stopped: the browser reports: \\S`));
    expect(el.running).to.equal(false);
    await sleep(2_000);
    expect(errors, 'one event').to.have.length(1);
  });

  it('a video that plays on gives no such event', async () => {
    const el = create({ src: '/demo/media/sample-clip.webm' });
    await nextEvent<LandmarksEvent>(el, 'landmarks');
    const errors = errorsOf(el);
    await sleep(5_000);
    expect(errors).to.deep.equal([]);
  });
});
