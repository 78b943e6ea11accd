/**
 * A `src` video that stops without an error: its time stands still while it says it is playing (the
 * network stopped delivering it; WebKitGTK's media player was seen to freeze so). In every engine.
 * (A file of its own, so a page of its own: WebKitGTK's media stack stalled late in long pages.)
 */
import { expect } from 'chai';
import { engine, nextEvent } from './helpers.js';
import { create, sleep, useBuiltWorkerAndCleanUp } from './engine_support.js';
import { runtimeSettings } from '../src/runtime_client.js';
import type { ErrorDetail, LandmarksEvent } from '../src/index.js';
import '../src/define.js';

describe(`<face-mesh> in ${engine}: a src video that stalls`, function () {
  this.timeout(120_000);
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

  it('a video that plays on gives no such event', async () => {
    const el = create({ src: '/demo/media/sample-clip.webm' });
    await nextEvent<LandmarksEvent>(el, 'landmarks');
    const errors = errorsOf(el);
    await sleep(5_000);
    expect(errors).to.deep.equal([]);
  });
});
