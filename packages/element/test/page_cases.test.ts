/**
 * What pages throw at <face-mesh>, in every engine: sources on other origins (with and without
 * CORS), URLs that do not say what they are (blob:, data:, no extension), hidden pages, moves in
 * the DOM, browsers without transferControlToOffscreen or requestVideoFrameCallback. (A separate
 * file, so a separate page: WebKitGTK's media stack stalled now and then late in a long page.)
 */
import { expect } from 'chai';
import { engine, faceBitmap, nextEvent, removalSettled } from './helpers.js';
import { CLIP, OTHER_ORIGIN, SAMPLE6, create, eventsDuring, expectFaceArrays, nextError, shownStream, sleep, useBuiltWorkerAndCleanUp, withFace } from './engine_support.js';
import { liveWorkers } from '../src/runtime_client.js';
import type { LandmarksEvent, ReadyEvent } from '../src/index.js';
import '../src/define.js';

describe(`<face-mesh> in ${engine}: what pages throw at it`, function () {
  this.timeout(30_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured
  useBuiltWorkerAndCleanUp();

    it('blob:, data: and extension-less URLs are sniffed: a video plays as a video, an image is read as an image', async () => {
      const clip = await (await fetch(CLIP)).blob();
      const blobUrl = URL.createObjectURL(clip);
      try {
        const video = create({ src: blobUrl });
        expectFaceArrays(await withFace(video));
        expect((await eventsDuring(video, 'landmarks', 1000)).length, 'a stream of frames, not one still').to.be.greaterThan(1);
        expect(video.shadowRoot!.querySelector('video')!.src).to.equal(blobUrl);
        video.remove();
      } finally {
        URL.revokeObjectURL(blobUrl);
      }
      const extensionless = create({ src: '/no-extension/demo/media/sample-clip' });
      expectFaceArrays(await withFace(extensionless));
      expect(extensionless.shadowRoot!.querySelector('video')!.src).to.contain('/no-extension/');
      extensionless.remove();

      const jpeg = new Uint8Array(await (await fetch(SAMPLE6)).arrayBuffer());
      let binary = '';
      for (let i = 0; i < jpeg.length; i += 0x8000) binary += String.fromCharCode(...jpeg.subarray(i, i + 0x8000));
      const image = create({ 'max-faces': '4', src: `data:image/jpeg;base64,${btoa(binary)}` });
      expect((await nextEvent<LandmarksEvent>(image, 'landmarks')).detail.faces).to.have.length(4);
    });

    it('src-type overrides the guess: an extension-less image URL with src-type="image"', async () => {
      const el = create({ 'src-type': 'image', 'max-faces': '4', src: '/no-extension/node_modules/@vladmandic/face-api/demo/sample6' });
      const { detail } = await nextEvent<LandmarksEvent>(el, 'landmarks');
      expect(detail.faces).to.have.length(4);
    });

    describe('a hidden page', () => {
      const setHidden = (hidden: boolean) => {
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
        document.dispatchEvent(new Event('visibilitychange'));
      };
      afterEach(() => {
        // back to the Document.prototype getters
        delete (document as { hidden?: boolean }).hidden;
        delete (document as { visibilityState?: string }).visibilityState;
      });

      // The camera (every engine's fake one), not a video file: WebKitGTK's media stack stalled
      // video files now and then in long runs (README, browser support), which is not what this tests.
      it('stops processing with a suspend event while document.hidden, and resumes when visible; the camera stays open', async () => {
        const el = create();
        await el.start();
        await nextEvent<LandmarksEvent>(el, 'landmarks');
        const track = shownStream(el)!.getVideoTracks()[0];
        const suspend = nextEvent<CustomEvent<{ reason: string }>>(el, 'suspend');
        setHidden(true);
        expect((await suspend).detail.reason).to.equal('hidden');
        await sleep(300); // a frame already in the worker may still arrive
        expect(await eventsDuring(el, 'landmarks', 1500), 'frames while hidden').to.deep.equal([]);
        expect(track.readyState, 'the camera stays open').to.equal('live');
        const resume = nextEvent<CustomEvent<{ reason: string }>>(el, 'resume');
        setHidden(false);
        expect((await resume).detail.reason).to.equal('hidden');
        expect((await eventsDuring(el, 'landmarks', 1500)).length, 'frames in 1.5 s after resuming').to.be.greaterThan(2);
      });
    });

    it('a move in the DOM (removed and inserted in the same task) keeps the camera and the worker running', async () => {
      const el = create();
      await el.start();
      await nextEvent<LandmarksEvent>(el, 'landmarks');
      const track = shownStream(el)!.getVideoTracks()[0];
      const other = document.createElement('div');
      document.body.append(other);
      el.remove();
      other.append(el);
      await sleep(100);
      expect(el.running, 'still running').to.equal(true);
      expect(track.readyState, 'the same camera track').to.equal('live');
      expect(shownStream(el)?.getVideoTracks()[0]).to.equal(track);
      await nextEvent<LandmarksEvent>(el, 'landmarks');
      expect(liveWorkers.size).to.equal(1);
      // a real removal still stops everything
      el.remove();
      await removalSettled();
      expect(track.readyState).to.equal('ended');
      other.remove();
    });

    it('no transferControlToOffscreen: ready says the overlay is off; landmarks still come', async () => {
      const proto = HTMLCanvasElement.prototype as { transferControlToOffscreen?: unknown };
      const saved = Object.getOwnPropertyDescriptor(HTMLCanvasElement.prototype, 'transferControlToOffscreen')!;
      delete proto.transferControlToOffscreen;
      try {
        const el = create();
        const ready = nextEvent<ReadyEvent>(el, 'ready');
        const result = await el.detect(await faceBitmap());
        const { detail } = await ready;
        expect(detail.overlay).to.equal('off');
        expect(detail.note).to.contain('transferControlToOffscreen');
        expect(result.faces).to.have.length(1);
        expect(el.shadowRoot!.querySelector('canvas'), 'no overlay canvas').to.equal(null);
      } finally {
        Object.defineProperty(HTMLCanvasElement.prototype, 'transferControlToOffscreen', saved);
      }
    });

    it('no requestVideoFrameCallback (nor MediaStreamTrackProcessor): the camera still streams through the <video>, animation frames watching its time', async () => {
      const proto = HTMLVideoElement.prototype as { requestVideoFrameCallback?: unknown };
      const saved = Object.getOwnPropertyDescriptor(HTMLVideoElement.prototype, 'requestVideoFrameCallback')!;
      const global = globalThis as { MediaStreamTrackProcessor?: unknown };
      const processor = global.MediaStreamTrackProcessor;
      delete proto.requestVideoFrameCallback;
      delete global.MediaStreamTrackProcessor;
      try {
        const el = create();
        await el.start();
        await nextEvent<LandmarksEvent>(el, 'landmarks');
        expect((await eventsDuring(el, 'landmarks', 1500)).length, 'frames in 1.5 s').to.be.greaterThan(2);
      } finally {
        Object.defineProperty(HTMLVideoElement.prototype, 'requestVideoFrameCallback', saved);
        if (processor) global.MediaStreamTrackProcessor = processor;
      }
    });

  // Last: in WebKitGTK 2.50 the next video after these stalled (playing, time 0, no frame) in 5 of 5 runs.
  it('a video from another origin without CORS: one source-failed naming CORS, no per-frame errors', async () => {
      const el = create({ src: `${OTHER_ORIGIN}/no-cors${CLIP}` });
      const error = await nextError(el);
      console.log(`${engine}, cross-origin video without CORS: ${error.code}: ${error.message}`);
      expect(error.code).to.equal('source-failed');
      expect(error.message).to.contain('CORS').and.contain(OTHER_ORIGIN);
      expect(await eventsDuring(el, 'error', 1500), 'more errors').to.deep.equal([]);
      expect(el.running).to.equal(false);
    });

    it('an image from another origin without CORS: source-failed naming CORS', async () => {
      const el = create({ src: `${OTHER_ORIGIN}/no-cors${SAMPLE6}` });
      const error = await nextError(el);
      expect(error.code).to.equal('source-failed');
      expect(error.message).to.contain('CORS').and.contain(OTHER_ORIGIN);
    });

    it('crossorigin="anonymous" is passed to the video: a CORS-enabled video from another origin gives landmarks', async () => {
      const el = create({ crossorigin: 'anonymous', src: `${OTHER_ORIGIN}/cors${CLIP}` });
      expectFaceArrays(await withFace(el));
      expect(el.shadowRoot!.querySelector('video')!.crossOrigin).to.equal('anonymous');
    });
});
