/**
 * Failure modes of <face-mesh> in headless Chromium: bad frames, broken assets, camera errors,
 * worker crashes, start/stop storms, dropped frames, leaks, a strict CSP, and the network.
 * Every failure must be an `error` event or a rejected promise with a stable code and a message a
 * person can act on, and the element must work afterwards.
 */
import { expect } from 'chai';
import { BUILT_WORKER, createFaceMesh, ONE_THREAD, expectNoWorkersLeft, faceBitmap, faceMeshWorkers, nextEvent as next, removalSettled, workersSettleAt, workerClientOf, ASSETS } from './helpers.js';
import { executeServerCommand } from '@web/test-runner-commands';
import { FaceMeshElement, FaceMeshError, type ErrorDetail, type LandmarksDetail, type LandmarksEvent, type ReadyDetail } from '../src/index.js';
import { liveWorkers, runtimeSettings } from '../src/runtime_client.js';
import { toFaceMeshError } from '../src/frame_input.js';
import '../src/define.js';
import { ASSET_CACHE_NAME } from '../../worker-runtime/src/assets/asset_cache.js';

const ORIGIN = location.origin;

const create = (attrs: Record<string, string> = {}) => createFaceMesh({ ...ONE_THREAD, ...attrs });


const nextError = (el: EventTarget, code?: string) =>
  next<CustomEvent<ErrorDetail>>(el, 'error', (e) => !code || e.detail.code === code).then((e) => e.detail);

async function rejection(p: Promise<unknown>): Promise<{ name: string; code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as FaceMeshError;
    return { name: err.name, code: err.code, message: err.message };
  }
  expect.fail('expected a rejection');
}




function assetVariant(name: string, change: { remove?: string[]; truncate?: string[]; text?: string[] }): Promise<string> {
  return executeServerCommand<string, object>('asset-variant', { name, ...change }) as Promise<string>;
}

/** Errors and rejections that escape to the page while a test runs. */
const escaped: string[] = [];
window.addEventListener('error', (e) => escaped.push(`error: ${e.message}`));
window.addEventListener('unhandledrejection', (e) => escaped.push(`unhandledrejection: ${String((e.reason as Error)?.message ?? e.reason)}`));

/** Every camera stream the element opened, to check that none is left running. */
const openedStreams: MediaStream[] = [];
const realGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
function stubGetUserMedia(impl: (c?: MediaStreamConstraints) => Promise<MediaStream>): void {
  navigator.mediaDevices.getUserMedia = impl;
}
stubGetUserMedia(async (c) => {
  const stream = await realGetUserMedia(c);
  openedStreams.push(stream);
  return stream;
});
const recordingGetUserMedia = navigator.mediaDevices.getUserMedia;
const liveTracks = () => openedStreams.flatMap((s) => s.getTracks()).filter((t) => t.readyState === 'live');

/** The element's worker also answers the diagnostics API (tensor and memory counts). */
const diagnosticsOf = (el: FaceMeshElement) => workerClientOf(el)!.api;

function greyFrame(width: number, height: number): ImageData {
  return new ImageData(new Uint8ClampedArray(width * height * 4).fill(128), width, height);
}

describe('<face-mesh> failure modes', function () {
  this.timeout(70_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured
  let face: ImageData;

  before(async () => {
    runtimeSettings.workerUrl = BUILT_WORKER;
    const bitmap = await faceBitmap();
    const canvas = new OffscreenCanvas(640, 480);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    face = ctx.getImageData(0, 0, 640, 480);
  });

  beforeEach(() => {
    escaped.length = 0;
  });

  afterEach(async function () {
    expect(escaped, 'errors or rejections that escaped to the page').to.deep.equal([]);
    for (const el of document.querySelectorAll('face-mesh')) el.remove();
    await removalSettled();
    expect(liveTracks(), 'camera tracks left running').to.deep.equal([]);
    await expectNoWorkersLeft();
  });

  describe('bad frames', () => {
    it('a 0x0 frame rejects with empty-frame; the next detect() works', async () => {
      const el = create();
      const err = await rejection(el.detect({ data: new Uint8Array(0), width: 0, height: 0 }));
      console.log(`0x0: ${err.code}: ${err.message}`);
      expect(err.name).to.equal('FaceMeshError');
      expect(err.code).to.equal('empty-frame');
      expect(err.message).to.contain('0x0');
      expect((await el.detect(face)).faces).to.have.length(1);
    });

    it('a 1x1 frame is valid and has no face', async () => {
      const el = create();
      const r = await el.detect(greyFrame(1, 1));
      expect([r.width, r.height]).to.deep.equal([1, 1]);
      expect(r.faces).to.deep.equal([]);
    });

    it('an 8000x8000 frame (64 MP) rejects with frame-too-large; the worker survives and the next detect() works', async () => {
      const el = create();
      await el.detect(face);
      const worker = await faceMeshWorkers();
      const big = await rejection(el.detect(new ImageData(8000, 8000)));
      console.log(`8000x8000: ${big.code}: ${big.message}`);
      expect(big.code).to.equal('frame-too-large');
      expect(big.message).to.contain('8000x8000').and.contain('64.0 MP').and.contain('40 MP');
      // a VideoFrame shown at 8000x8000 (a few pixels, a large display size) is refused the same way
      const small = await createImageBitmap(face);
      const frame = new VideoFrame(small, { timestamp: 0, displayWidth: 8000, displayHeight: 8000 });
      small.close();
      expect((await rejection(el.detect(frame))).code).to.equal('frame-too-large');
      expect((await el.detect(face)).faces).to.have.length(1);
      expect(await faceMeshWorkers(), 'the same worker').to.deep.equal(worker);
    });

    it('a closed VideoFrame, a closed or already transferred ImageBitmap reject with closed-frame', async () => {
      const el = create();
      const frame = new VideoFrame(await createImageBitmap(face), { timestamp: 0 });
      frame.close();
      const closed = await rejection(el.detect(frame));
      console.log(`closed VideoFrame: ${closed.code}: ${closed.message}`);
      expect(closed.code).to.equal('closed-frame');
      expect(closed.message).to.contain('VideoFrame is closed');
      const bitmap = await createImageBitmap(face);
      expect((await el.detect(bitmap)).faces).to.have.length(1);
      const again = await rejection(el.detect(bitmap)); // detect() took it
      expect(again.code).to.equal('closed-frame');
      expect(again.message).to.contain('ImageBitmap');
      // The browser's own refusal to post a detached frame (DataCloneError) maps to the same code.
      const other = new VideoFrame(await createImageBitmap(face), { timestamp: 0 });
      expect(toFaceMeshError(new DOMException('detached', 'DataCloneError'), 'bad-frame', other).code).to.equal('closed-frame');
      other.close();
      expect((await el.detect(face)).faces).to.have.length(1);
    });

    it('something that is not a frame rejects with bad-frame', async () => {
      const el = create();
      const err = await rejection(el.detect('picture.jpg' as unknown as ImageData));
      expect(err.code).to.equal('bad-frame');
      expect(err.message).to.contain('got String');
      expect((await rejection(el.detect({ data: new Uint8Array(10), width: 64, height: 48 }))).code).to.equal('bad-frame');
    });

    it('a src that is not an image fires source-failed naming the URL; a good src works afterwards', async () => {
      const el = document.createElement('face-mesh') as FaceMeshElement;
      el.setAttribute('asset-base', ASSETS);
      el.src = '/package.json';
      const error = nextError(el);
      document.body.append(el);
      const detail = await error;
      console.log(`src=/package.json: ${detail.code}: ${detail.message}`);
      expect(detail.code).to.equal('source-failed');
      expect(detail.message).to.contain(`${ORIGIN}/package.json`);
      const missing = nextError(el);
      el.src = '/no-such-image.jpg';
      const gone = await missing;
      expect(gone.code).to.equal('source-failed');
      expect(gone.message).to.contain('/no-such-image.jpg').and.contain('404');
      const landmarks = next<LandmarksEvent>(el, 'landmarks');
      el.src = '/node_modules/@vladmandic/face-api/demo/sample6.jpg';
      expect((await landmarks).detail.faces.length).to.be.greaterThan(0);
    });
  });

  describe('broken assets', () => {
    // A truncated or replaced file fails its SHA-256 first (hostile_assets.test.ts); with the check off
    // (asset-integrity="off", own files) the parser is what refuses it.
    const cases: { name: string; change: { remove?: string[]; truncate?: string[]; text?: string[] }; code: string; file: string; says: RegExp; attrs?: Record<string, string> }[] = [
      { name: 'missing-model', change: { remove: ['models/face_landmark_with_attention.tflite'] }, code: 'model-load-failed', file: 'models/face_landmark_with_attention.tflite', says: /HTTP 404/ },
      { name: 'truncated-model', change: { truncate: ['models/face_detection_short_range.tflite'] }, code: 'model-load-failed', file: 'models/face_detection_short_range.tflite', says: /not a usable TFLite file.*truncated/, attrs: { 'asset-integrity': 'off' } },
      { name: 'truncated-model-checked', change: { truncate: ['models/face_detection_short_range.tflite'] }, code: 'model-integrity', file: 'models/face_detection_short_range.tflite', says: /\(114516 bytes\) has SHA-256 [0-9a-f]{64}, but this build of face-mesh ships 3bc182eb/ },
      { name: 'text-model', change: { text: ['models/face_landmark_with_attention.tflite'] }, code: 'model-load-failed', file: 'models/face_landmark_with_attention.tflite', says: /not a usable TFLite file/, attrs: { 'asset-integrity': 'off' } },
      { name: 'missing-wasm', change: { remove: ['wasm/tfjs-backend-wasm.wasm', 'wasm/tfjs-backend-wasm-simd.wasm', 'wasm/tfjs-backend-wasm-threaded-simd.wasm'] }, code: 'wasm-load-failed', file: 'wasm/tfjs-backend-wasm-simd.wasm', says: /HTTP 404.*asset-base/ },
    ];
    for (const c of cases) {
      it(`${c.name}: error ${c.code} naming ${c.file}; a good asset-base works afterwards`, async () => {
        const base = await assetVariant(c.name, c.change);
        const el = create({ 'asset-base': base, 'asset-cache': 'off', ...c.attrs });
        const error = nextError(el);
        const started = await rejection(el.start());
        const detail = await error;
        console.log(`${c.name}: ${detail.code}: ${detail.message}`);
        expect(started.code).to.equal(c.code);
        expect(detail.code).to.equal(c.code);
        expect(detail.message).to.contain(`${ORIGIN}${base}${c.file}`);
        expect(detail.message).to.match(c.says);
        el.setAttribute('asset-base', ASSETS);
        await el.updateComplete;
        expect((await el.detect(face)).faces).to.have.length(1);
      });
    }

    it('asset-base pointing nowhere: wasm-load-failed naming the URL', async () => {
      const el = create({ 'asset-base': '/nowhere/', 'asset-cache': 'off' });
      const err = await rejection(el.detect(face));
      console.log(`asset-base /nowhere/: ${err.code}: ${err.message}`);
      expect(err.code).to.equal('wasm-load-failed');
      expect(err.message).to.contain(`${ORIGIN}/nowhere/wasm/`);
    });
  });

  describe('camera', () => {
    afterEach(() => stubGetUserMedia(recordingGetUserMedia));

    for (const [name, code] of [['NotAllowedError', 'camera-denied'], ['NotFoundError', 'camera-not-found'], ['NotReadableError', 'camera-in-use']] as const) {
      it(`${name} -> ${code}; start() works again afterwards`, async () => {
        const el = create();
        stubGetUserMedia(() => Promise.reject(new DOMException('stubbed', name)));
        const error = nextError(el);
        const err = await rejection(el.start());
        const detail = await error;
        console.log(`${name}: ${detail.code}: ${detail.message}`);
        expect(err.code).to.equal(code);
        expect(detail.code).to.equal(code);
        expect(detail.message).to.match(/start\(\)|Connect one/);
        expect(el.running).to.equal(false);
        stubGetUserMedia(recordingGetUserMedia);
        await el.start();
        await next<LandmarksEvent>(el, 'landmarks');
      });
    }

    it("the track's 'ended' event (unplugged) fires camera-ended and stops; start() works again", async () => {
      const el = create();
      await el.start();
      await next<LandmarksEvent>(el, 'landmarks', (e) => e.detail.faces.length > 0);
      const track = (el.shadowRoot!.querySelector('video')!.srcObject as MediaStream).getVideoTracks()[0];
      const lost = next<Event>(el, 'facelost');
      const error = nextError(el);
      track.dispatchEvent(new Event('ended'));
      const detail = await error;
      await lost;
      expect(detail.code).to.equal('camera-ended');
      expect(el.running).to.equal(false);
      expect(track.readyState).to.equal('ended');
      await el.start();
      await next<LandmarksEvent>(el, 'landmarks');
    });

    it('a camera stream that ends in the worker fires camera-ended', async () => {
      const clones: MediaStreamTrack[] = [];
      const clone = MediaStreamTrack.prototype.clone;
      MediaStreamTrack.prototype.clone = function (this: MediaStreamTrack) {
        const c = clone.call(this);
        clones.push(c);
        return c;
      };
      try {
        const el = create();
        await el.start();
        await next<LandmarksEvent>(el, 'landmarks');
        expect(clones, 'the track processor reads a clone').to.have.length(1);
        const error = nextError(el);
        clones[0].stop(); // the processor's stream ends in the worker
        expect((await error).code).to.equal('camera-ended');
        expect(el.running).to.equal(false);
      } finally {
        MediaStreamTrack.prototype.clone = clone;
      }
    });
  });

  describe('worker crashes', () => {
    let saved = { ...runtimeSettings };
    /** Make the worker die `how`; resolves once it has the order (hang/exit: it answers nothing after). */
    const crash = (how: 'exit' | 'hang' | 'throw') => new Promise<void>((resolve) => {
      const channel = new BroadcastChannel('face-mesh-test-crash');
      channel.onmessage = (e: MessageEvent) => {
        if (e.data !== `ack:${how}`) return;
        channel.close();
        resolve();
      };
      channel.postMessage(how);
    });
    beforeEach(() => {
      saved = { ...runtimeSettings }; // (as the suite's before() left them)
      runtimeSettings.workerUrl = new URL('./fixtures/crashy.worker.js', import.meta.url).href;
      runtimeSettings.pingIntervalMs = 250;
      runtimeSettings.pingTimeoutMs = 2_000;
    });
    afterEach(() => Object.assign(runtimeSettings, saved));

    it('a worker that dies silently: worker-crashed, restarted and streaming again; a second crash stops', async () => {
      const el = create();
      await el.start();
      await next<LandmarksEvent>(el, 'landmarks');
      let error = nextError(el);
      await crash('exit');
      const first = await error;
      console.log(`crash 1: ${first.code}: ${first.message}`);
      expect(first.code).to.equal('worker-crashed');
      expect(first.message).to.contain('restarted');
      await next<LandmarksEvent>(el, 'landmarks');
      // The element owns exactly one worker (its own bookkeeping), and the browser runs it.
      expect(liveWorkers.size, 'workers the element holds').to.equal(1);
      expect(await workersSettleAt(1)).to.have.length(1);
      error = nextError(el);
      await crash('exit');
      const second = await error;
      console.log(`crash 2: ${second.code}: ${second.message}`);
      expect(second.code).to.equal('worker-crashed');
      expect(second.message).to.contain('stopped');
      expect(el.running).to.equal(false);
      expect(liveTracks()).to.deep.equal([]);
      await expectNoWorkersLeft();
      // start() gives it a fresh chance
      await el.start();
      await next<LandmarksEvent>(el, 'landmarks');
    });

    it('a hung worker: the pending detect() rejects with worker-crashed, and the next one works', async () => {
      const el = create();
      await el.detect(face);
      const error = nextError(el);
      await crash('hang');
      const pending = rejection(el.detect(face));
      expect((await pending).code).to.equal('worker-crashed');
      expect((await error).code).to.equal('worker-crashed');
      expect((await el.detect(face)).faces).to.have.length(1);
    });

    it("an uncaught error in the worker (its 'error' event) counts as a crash", async () => {
      const el = create();
      await el.detect(face);
      const error = nextError(el);
      await crash('throw');
      const detail = await error;
      expect(detail.code).to.equal('worker-crashed');
      expect(detail.message).to.contain('simulated crash');
      expect((await el.detect(face)).faces).to.have.length(1);
    });

    it('a worker script that fails to load: reported, retried once, reported again, stopped', async () => {
      runtimeSettings.workerUrl = new URL('./fixtures/broken.worker.js', import.meta.url).href;
      const el = create();
      const errors: ErrorDetail[] = [];
      el.addEventListener('error', (e) => errors.push((e as unknown as CustomEvent<ErrorDetail>).detail));
      const second = next<CustomEvent<ErrorDetail>>(el, 'error', (e) => e.detail.message.includes('crashed again'));
      void el.start().catch(() => {});
      await second;
      expect(errors.map((e) => e.code)).to.deep.equal(['worker-crashed', 'worker-crashed']);
      expect(errors[0].message).to.contain('simulated: the worker script failed to load');
      expect(el.running).to.equal(false);
    });
  });

  describe('storms', () => {
    it('rapid attribute changes while streaming: no errors, one worker, still streaming', async () => {
      const el = create();
      await el.start();
      await next<LandmarksEvent>(el, 'landmarks');
      const errors: unknown[] = [];
      el.addEventListener('error', (e) => errors.push((e as unknown as CustomEvent<ErrorDetail>).detail));
      for (let i = 0; i < 40; i++) {
        el.maxFaces = 1 + (i % 3);
        el.mirror = i % 2 === 0;
        el.overlay = (['mesh', 'contours', 'irises', 'points', 'none'] as const)[i % 5];
        el.minDetectionConfidence = 0.3 + (i % 5) / 10;
        el.paused = i % 4 === 1;
        if (i % 10 === 5) el.threads = el.threads === 'off' ? '1' : 'off'; // a new worker
        if (i % 10 === 9) el.setAttribute('asset-base', i % 20 === 9 ? `${ASSETS}?v=${i}` : ASSETS); // a new worker
        if (i % 3 === 0) await el.updateComplete;
      }
      el.paused = false;
      await el.updateComplete;
      await next<LandmarksEvent>(el, 'landmarks');
      expect(errors).to.deep.equal([]);
      // The element owns exactly one worker (its own bookkeeping), and the browser runs it.
      expect(liveWorkers.size, 'workers the element holds').to.equal(1);
      expect(await workersSettleAt(1)).to.have.length(1);
    });

    it('start()/stop() storms: no errors escape, the last call wins, no tracks or workers left', async () => {
      const el = create();
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i < 30; i++) {
        calls.push(el.start().catch(() => {}));
        if (i % 2 === 0) el.stop();
        if (i % 7 === 0) await new Promise((r) => setTimeout(r, i * 5));
      }
      el.stop();
      await Promise.all(calls);
      expect(el.running).to.equal(false);
      expect(liveTracks(), 'tracks after the last stop()').to.deep.equal([]);
      await el.start();
      await next<LandmarksEvent>(el, 'landmarks');
      expect(liveTracks()).to.have.length(1);
    });

    for (const stage of ['immediately', 'wasm', 'models'] as const) {
      it(`removing the element during start-up (${stage}): no errors, no worker, no camera`, async () => {
        const el = create();
        const errors: unknown[] = [];
        el.addEventListener('error', (e) => errors.push((e as unknown as CustomEvent<ErrorDetail>).detail));
        const reached = next<CustomEvent<{ stage: string }>>(el, 'progress', (e) => e.detail.stage === stage);
        const started = el.start();
        if (stage !== 'immediately') await reached;
        else void reached.catch(() => {});
        el.remove();
        await started; // settles (an abandoned start resolves), never hangs
        expect(errors).to.deep.equal([]);
        await expectNoWorkersLeft();
        expect(await rejection(el.start())).to.include({ code: 'not-connected' });
      });
    }
  });

  describe('frames faster than the worker', () => {
    it('are dropped, never queued: the worker holds at most 2 frames and no extra tensors', async () => {
      const el = create();
      await el.detect(face);
      const api = diagnosticsOf(el);
      const baseline = await api.memoryInfo();
      let results = 0;
      let lastDropped = 0;
      const { proxy } = await import('comlink');
      await api.startStream(proxy({ onResult: (r: { dropped: number }) => { results++; lastDropped = r.dropped; }, onError: () => {} }));
      const pushed = 200;
      const held: number[] = [];
      const tensors: number[] = [];
      const { transfer } = await import('comlink');
      // All frames made first, then posted in bursts of 25 with no wait: far faster than ~10 ms a frame.
      const bitmaps = await Promise.all(Array.from({ length: pushed }, () => createImageBitmap(face, { resizeWidth: 320, resizeHeight: 240 })));
      for (let i = 0; i < pushed; i++) {
        void api.pushFrame(transfer(bitmaps[i], [bitmaps[i]]), i);
        if (i % 25 === 24) {
          const m = await api.memoryInfo();
          held.push(m.framesHeld);
          tensors.push(m.numTensors);
        }
      }
      let m = await api.memoryInfo();
      while (m.framesHeld > 0) {
        await new Promise((r) => setTimeout(r, 50));
        m = await api.memoryInfo();
      }
      await api.stopStream();
      console.log(`${pushed} frames pushed: ${results} processed, ${m.framesDropped} dropped; frames held ${held.join(',')}; tensors ${tensors.join(',')} (idle ${baseline.numTensors})`);
      expect(m.framesDropped, 'dropped').to.be.greaterThan(0);
      expect(results + m.framesDropped, 'every frame processed or dropped').to.equal(pushed);
      expect(lastDropped).to.be.at.most(m.framesDropped);
      expect(Math.max(...held), 'frames held at once').to.be.at.most(2);
      expect(Math.max(...tensors), 'tensors while streaming (none held between frames)').to.equal(baseline.numTensors);
      expect(m.numTensors).to.equal(baseline.numTensors);
    });
  });

  describe('leaks', () => {
    interface Heap { page: number; workers: { url: string; usedSize: number }[] }
    const heap = () => executeServerCommand<Heap, object>('heap', { workerUrlContains: 'face-mesh.worker' }) as Promise<Heap>;
    const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

    it('2,000 detect() frames: the same tensor count, worker and page heap flat', async () => {
      const el = create();
      const small = greyFrame(64, 48);
      const run = async (n: number) => {
        for (let i = 0; i < n; i++) {
          const r = await el.detect(i % 10 === 0 ? face : small);
          if (i % 10 === 0) expect(r.faces).to.have.length(1);
        }
      };
      await run(200); // warm-up: caches, JIT, the wasm heap's high-water mark
      const tensors0 = await diagnosticsOf(el).numTensors();
      const before = await heap();
      await run(2000);
      const tensors1 = await diagnosticsOf(el).numTensors();
      const after = await heap();
      const w0 = before.workers[0].usedSize;
      const w1 = after.workers[0].usedSize;
      console.log(`2000 frames: tensors ${tensors0} -> ${tensors1}; worker heap ${mb(w0)} -> ${mb(w1)}; page heap ${mb(before.page)} -> ${mb(after.page)}`);
      expect(tensors1).to.equal(tensors0);
      expect(w1 - w0, 'worker heap growth').to.be.below(1e6);
      expect(after.page - before.page, 'page heap growth').to.be.below(1e6);
    });

    it('20 connect/start/disconnect cycles: no worker, no track, heap flat, every removed element collected', async () => {
      // Camera, video file, image file and detect() in turn: each source has its own listeners to let go of.
      const sessions: ((el: FaceMeshElement) => Promise<void>)[] = [
        async (el) => {
          await el.start();
          await next<LandmarksEvent>(el, 'landmarks');
        },
        async (el) => {
          el.setAttribute('src', '/demo/media/sample-clip.webm');
          await el.start();
          await next<LandmarksEvent>(el, 'landmarks');
        },
        async (el) => {
          el.setAttribute('src', '/node_modules/@vladmandic/face-api/demo/sample6.jpg');
          const landmarks = next<LandmarksEvent>(el, 'landmarks');
          await el.start();
          await landmarks;
        },
        async (el) => {
          await el.detect(face);
        },
      ];
      // A separate function, so that nothing in this test's own frame keeps the element.
      const cycle = async (i: number) => {
        const el = create({ overlay: 'mesh' });
        await sessions[i % sessions.length](el);
        el.remove();
        return new WeakRef(el);
      };
      await cycle(0);
      await workersSettleAt(0);
      const before = await heap();
      const refs: WeakRef<FaceMeshElement>[] = [];
      for (let i = 0; i < 20; i++) refs.push(await cycle(i));
      expect(liveTracks()).to.deep.equal([]);
      await expectNoWorkersLeft();
      const after = await heap(); // collects garbage first
      const alive = refs.filter((r) => r.deref()).length;
      console.log(`20 cycles: page heap ${mb(before.page)} -> ${mb(after.page)}; removed elements still alive after GC: ${alive}`);
      if (alive) {
        // Name the cause: the chain of references that keeps a removed element alive.
        const why = await executeServerCommand<{ node: string; path: string[] | null }[], object>('retainers', { name: '^<face-mesh', limit: 1 });
        expect.fail(`${alive} removed elements still reachable after garbage collection; held by:\n${why?.map((r) => r.path?.join('\n') ?? `${r.node}: unreachable`).join('\n\n')}`);
      }
      expect(after.page - before.page, 'page heap growth').to.be.below(1e6);
    });
  });

  describe('network and privacy', () => {
    it('requests nothing but its own assets, from their origin; landmarks never leave the page', async () => {
      // (the files earlier tests kept in Cache Storage would not be requested: a first visit)
      await caches.delete(ASSET_CACHE_NAME);
      await executeServerCommand('record-requests', { action: 'start' });
      const el = create();
      await el.start();
      await next<LandmarksEvent>(el, 'landmarks', (e) => e.detail.faces.length > 0);
      await el.detect(face);
      el.remove();
      const urls = ((await executeServerCommand<string[], object>('record-requests', { action: 'stop' })) ?? []).filter((u) => !u.startsWith('blob:') && !u.startsWith('data:'));
      const assets = urls.filter((u) => u.startsWith(`${ORIGIN}${ASSETS}`)).map((u) => u.slice(`${ORIGIN}${ASSETS}`.length));
      console.log(`requests during a session: ${urls.length}, to the asset base: ${assets.join(', ')}`);
      expect(urls.filter((u) => new URL(u).origin !== ORIGIN), 'requests to other origins').to.deep.equal([]);
      // the worker's own requests are seen (so the list is complete)
      expect(assets).to.include.members(['models/face_detection_short_range.tflite', 'models/face_landmark_with_attention.tflite']);
      expect(assets.filter((a, i) => assets.indexOf(a) !== i), 'assets fetched twice').to.deep.equal([]);
      expect(assets.filter((a) => !/^(face-mesh\.worker\.js|wasm\/tfjs-backend-wasm[-a-z]*\.wasm|models\/[a-z_]+\.(tflite|binarypb))$/.test(a)), 'other requests to the asset base').to.deep.equal([]);
      // everything else is this test page's own modules (served from source here)
      expect(urls.filter((u) => !u.startsWith(`${ORIGIN}${ASSETS}`) && !/\.(js|ts|mjs)(\?|$)/.test(new URL(u).pathname + new URL(u).search)), 'non-script requests outside the assets').to.deep.equal([]);
    });
  });
});
