/**
 * <face-mesh> in every engine `npm test` runs (Chromium, Firefox, WebKit): still and video `src`,
 * detect(), events and their typed arrays, error codes, removal, the engine's own fake camera.
 * Where an engine lacks something (an H.264 decoder, MediaStreamTrackProcessor), the fallback or
 * the error it gives is what is tested. (What pages throw at it: page_cases.test.ts.)
 */
import { expect } from 'chai';
import { ASSETS, engine, expectNoWorkersLeft, faceBitmap, nextEvent, removalSettled } from './helpers.js';
import { MP4, SAMPLE6, CLIP, create, eventsDuring, expectFaceArrays, nextError, shownStream, useBuiltWorkerAndCleanUp, withFace } from './engine_support.js';
import { liveWorkers } from '../src/runtime_client.js';
import { KERNELS_RELAXED_WASM_BASE64 } from '../../tflite/src/plan/kernels.generated.js';
import { FaceMeshElement, type LandmarksEvent, type ReadyEvent } from '../src/index.js';
import '../src/define.js';

describe(`<face-mesh> in ${engine}`, function () {
  this.timeout(30_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured
  useBuiltWorkerAndCleanUp();

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
      expect(mode).to.include({ backend: 'wasm', simd: true, crossOriginIsolated: true, overlay: 'on', ownKernels: true });
      // Our kernels' relaxed-SIMD build runs exactly where this engine validates it (detected in the worker).
      const relaxed = WebAssembly.validate(Uint8Array.from(atob(KERNELS_RELAXED_WASM_BASE64), (c) => c.charCodeAt(0)));
      expect(mode.kernelFamily).to.equal(relaxed ? 'relaxed-simd' : 'simd');
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

      const nowhere = create({ 'asset-base': '/nowhere/', 'asset-cache': 'off' });
      expect(await code(nowhere.detect(await faceBitmap()))).to.equal('wasm-load-failed');

      const camera = create();
      // (on the prototype, with defineProperty: WebKitGTK now and then called its own getUserMedia
      // after a plain assignment to the instance)
      const real = Object.getOwnPropertyDescriptor(MediaDevices.prototype, 'getUserMedia')!;
      Object.defineProperty(MediaDevices.prototype, 'getUserMedia', { configurable: true, writable: true, value: () => Promise.reject(new DOMException('denied in this test', 'NotAllowedError')) });
      try {
        expect(await code(camera.start())).to.equal('camera-denied');
      } finally {
        Object.defineProperty(MediaDevices.prototype, 'getUserMedia', real);
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
});
