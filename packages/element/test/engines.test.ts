/**
 * <face-mesh> in every engine `npm test` runs (Chromium, Firefox, WebKit): still and video `src`,
 * detect(), events and their typed arrays, error codes, removal, the engine's own fake camera, and
 * what pages throw at it: sources on other origins, URLs that do not say what they are, hidden
 * pages, moves in the DOM, browsers without an offscreen overlay or requestVideoFrameCallback.
 * Where an engine lacks something (an H.264 decoder, MediaStreamTrackProcessor), the fallback or
 * the error it gives is what is tested.
 */
import { expect } from 'chai';
import { ASSETS, BUILT_WORKER, ONE_THREAD, createFaceMesh, engine, expectNoWorkersLeft, faceBitmap, nextEvent, removalSettled } from './helpers.js';
import { liveWorkers, runtimeSettings } from '../src/runtime-client.js';
import { FaceMeshElement, type ErrorDetail, type LandmarksDetail, type LandmarksEvent, type ReadyEvent } from '../src/index.js';
import '../src/define.js';

const SAMPLE6 = '/node_modules/@vladmandic/face-api/demo/sample6.jpg';
const CLIP = '/demo/media/sample-clip.webm';
/** Made by the test config (tools/test-clip.mjs): the still face as H.264. */
const MP4 = '/node_modules/.cache/face-mesh/still-face.mp4';
/** The test server on its other name: another origin (see originTestMirrors in tools/dev-server-plugins.mjs). */
const OTHER_ORIGIN = location.origin.replace('//localhost:', '//127.0.0.1:');

const create = (attrs: Record<string, string> = {}) => createFaceMesh({ ...ONE_THREAD, ...attrs });
const nextError = (el: EventTarget) => nextEvent<CustomEvent<ErrorDetail>>(el, 'error').then((e) => e.detail);
const withFace = (el: EventTarget) => nextEvent<LandmarksEvent>(el, 'landmarks', (e) => e.detail.faces.length > 0).then((e) => e.detail);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every `type` event `el` fires during `ms`. */
async function eventsDuring<T extends Event>(el: EventTarget, type: string, ms: number): Promise<T[]> {
  const seen: T[] = [];
  const on = (e: Event) => seen.push(e as T);
  el.addEventListener(type, on);
  await sleep(ms);
  el.removeEventListener(type, on);
  return seen;
}

function expectFaceArrays(detail: LandmarksDetail): void {
  const face = detail.faces[0];
  expect(face.landmarks).to.be.instanceOf(Float32Array).with.length(478 * 3);
  expect(face.normalized).to.be.instanceOf(Float32Array).with.length(478 * 3);
  expect(face.regions.lips).to.be.instanceOf(Float32Array).with.length(160);
  expect(face.regions.leftIris).to.be.instanceOf(Float32Array).with.length(10);
  expect(face.score).to.be.within(0.5, 1);
  for (let i = 0; i < face.landmarks.length; i += 3) {
    expect(face.landmarks[i]).to.be.within(0, detail.width);
    expect(face.landmarks[i + 1]).to.be.within(0, detail.height);
  }
}

/** The stream the element shows (camera or video), from its shadow DOM. */
const shownStream = (el: FaceMeshElement) => el.shadowRoot!.querySelector('video')!.srcObject as MediaStream | null;

describe(`<face-mesh> in ${engine}`, function () {
  this.timeout(180_000);
  // The built worker (one file, what users run): from source, Firefox took seconds to load its
  // ~100 modules through the dev server, long enough for the heartbeat to call it hung.
  before(() => {
    runtimeSettings.workerUrl = BUILT_WORKER;
  });
  after(() => {
    runtimeSettings.workerUrl = '';
  });

  afterEach(async () => {
    for (const el of document.querySelectorAll('face-mesh')) el.remove();
    await removalSettled();
    await expectNoWorkersLeft();
  });

  describe('sources, events, errors', () => {
    it('a still src: ready, landmarks with typed arrays, facefound per face', async () => {
      const el = document.createElement('face-mesh') as FaceMeshElement;
      el.setAttribute('asset-base', ASSETS);
      el.setAttribute('max-faces', '4');
      const ready = nextEvent<ReadyEvent>(el, 'ready');
      const landmarks = nextEvent<LandmarksEvent>(el, 'landmarks');
      const found: Event[] = [];
      el.addEventListener('facefound', (e) => found.push(e));
      el.src = SAMPLE6;
      document.body.append(el);
      const mode = (await ready).detail;
      console.log(`${engine}: ${JSON.stringify(mode)}`);
      expect(mode).to.include({ backend: 'wasm', simd: true, crossOriginIsolated: true, overlay: 'on' });
      const { detail } = await landmarks;
      expect([detail.width, detail.height]).to.deep.equal([1920, 1537]);
      expect(detail.faces).to.have.length(4);
      expectFaceArrays(detail);
      expect(found).to.have.length(4);
      expect(el.shadowRoot!.querySelector('img')?.getAttribute('src')).to.equal(SAMPLE6);
    });

    it('a WebM video src: landmarks of the moving face, frame after frame', async () => {
      const el = create({ src: CLIP });
      const first = await withFace(el);
      expect([first.width, first.height]).to.deep.equal([640, 480]);
      expectFaceArrays(first);
      const more = await eventsDuring<LandmarksEvent>(el, 'landmarks', 1500);
      expect(more.length, 'frames in 1.5 s').to.be.greaterThan(2);
      expect(el.running).to.equal(true);
    });

    it('an H.264 MP4 src: landmarks where the engine decodes H.264, else source-failed naming what it plays', async () => {
      const h264 = document.createElement('video').canPlayType('video/mp4; codecs="avc1.42E01E"') !== '';
      const el = create({ src: MP4 });
      if (h264) {
        expectFaceArrays(await withFace(el));
        return;
      }
      const error = await nextError(el);
      console.log(`${engine}, MP4: ${error.code}: ${error.message}`);
      expect(error.code).to.equal('source-failed');
      expect(error.message).to.contain(MP4).and.contain('WebM/VP9').and.not.contain('MP4/H.264,');
      expect(el.running).to.equal(false);
    });

    it('detect(): ImageBitmap, ImageData and VideoFrame give identical landmarks', async () => {
      const el = create();
      const fromBitmap = await el.detect(await faceBitmap());
      expect(fromBitmap.faces).to.have.length(1);
      expectFaceArrays(fromBitmap);
      const canvas = new OffscreenCanvas(640, 480);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(await faceBitmap(), 0, 0);
      const fromImageData = await el.detect(ctx.getImageData(0, 0, 640, 480));
      // (from the canvas: Firefox 153 makes a VideoFrame of a cropped ImageBitmap's whole source image)
      const fromVideoFrame = await el.detect(new VideoFrame(canvas, { timestamp: 0 }));
      for (const r of [fromImageData, fromVideoFrame]) {
        expect(Array.from(r.faces[0].landmarks)).to.deep.equal(Array.from(fromBitmap.faces[0].landmarks));
      }
    });

    it('error codes: empty-frame, bad-frame, closed-frame, source-failed (404), wasm-load-failed, camera-denied', async () => {
      const el = create();
      const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string }) => e.code);
      expect(await code(el.detect({ data: new Uint8Array(0), width: 0, height: 0 }))).to.equal('empty-frame');
      expect(await code(el.detect('picture.jpg' as unknown as ImageData))).to.equal('bad-frame');
      const bitmap = await faceBitmap();
      bitmap.close();
      expect(await code(el.detect(bitmap))).to.equal('closed-frame');
      const gone = await nextError(create({ src: '/no-such-image.jpg' }));
      expect(gone.code).to.equal('source-failed');
      expect(gone.message).to.contain('/no-such-image.jpg').and.contain('404');

      const nowhere = create({ 'asset-base': '/nowhere/' });
      expect(await code(nowhere.detect(await faceBitmap()))).to.equal('wasm-load-failed');

      const camera = create();
      // (defineProperty: WebKitGTK kept calling its own getUserMedia after a plain assignment)
      Object.defineProperty(navigator.mediaDevices, 'getUserMedia', { configurable: true, writable: true, value: () => Promise.reject(new DOMException('denied in this test', 'NotAllowedError')) });
      try {
        expect(await code(camera.start())).to.equal('camera-denied');
      } finally {
        delete (navigator.mediaDevices as { getUserMedia?: unknown }).getUserMedia;
      }
    });
  });

  describe("the engine's fake camera", () => {
    it(`streams frames${'MediaStreamTrackProcessor' in globalThis ? ' through MediaStreamTrackProcessor' : ' through the <video> fallback (no MediaStreamTrackProcessor)'}; removal stops the camera and the worker`, async () => {
      const el = create();
      await el.start();
      const { detail } = await nextEvent<LandmarksEvent>(el, 'landmarks');
      const track = shownStream(el)!.getVideoTracks()[0];
      const { width, height } = track.getSettings();
      console.log(`${engine} camera: ${track.label}, ${width}x${height}, frame ${detail.width}x${detail.height}, faces ${detail.faces.length}`);
      expect([detail.width, detail.height]).to.deep.equal([width, height]);
      const more = await eventsDuring<LandmarksEvent>(el, 'landmarks', 1500);
      expect(more.length, 'frames in 1.5 s').to.be.greaterThan(2);
      expect(liveWorkers.size).to.equal(1);
      el.remove();
      await removalSettled();
      expect(track.readyState).to.equal('ended');
      expect(el.running).to.equal(false);
      await expectNoWorkersLeft();
    });
  });

  describe('what pages throw at it', () => {
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

      it('stops processing with a suspend event while document.hidden, and resumes when visible', async () => {
        const el = create({ src: CLIP });
        await withFace(el);
        const suspend = nextEvent<CustomEvent<{ reason: string }>>(el, 'suspend');
        setHidden(true);
        expect((await suspend).detail.reason).to.equal('hidden');
        await sleep(300); // a frame already in the worker may still arrive
        expect(await eventsDuring(el, 'landmarks', 1500), 'frames while hidden').to.deep.equal([]);
        expect(el.shadowRoot!.querySelector('video')!.paused, 'the video is paused').to.equal(true);
        const resume = nextEvent<CustomEvent<{ reason: string }>>(el, 'resume');
        setHidden(false);
        expect((await resume).detail.reason).to.equal('hidden');
        expectFaceArrays(await withFace(el));
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
        const el = create({ src: CLIP });
        const ready = nextEvent<ReadyEvent>(el, 'ready');
        const { detail } = await ready;
        expect(detail.overlay).to.equal('off');
        expect(detail.note).to.contain('transferControlToOffscreen');
        expectFaceArrays(await withFace(el));
        expect(el.shadowRoot!.querySelector('canvas'), 'no overlay canvas').to.equal(null);
      } finally {
        Object.defineProperty(HTMLCanvasElement.prototype, 'transferControlToOffscreen', saved);
      }
    });

    it('no requestVideoFrameCallback: a video src still streams (animation frames watch the video time)', async () => {
      const proto = HTMLVideoElement.prototype as { requestVideoFrameCallback?: unknown };
      const saved = Object.getOwnPropertyDescriptor(HTMLVideoElement.prototype, 'requestVideoFrameCallback')!;
      delete proto.requestVideoFrameCallback;
      try {
        const el = create({ src: CLIP });
        expectFaceArrays(await withFace(el));
        expect((await eventsDuring(el, 'landmarks', 1500)).length, 'frames in 1.5 s').to.be.greaterThan(2);
      } finally {
        Object.defineProperty(HTMLVideoElement.prototype, 'requestVideoFrameCallback', saved);
      }
    });
  });
});
