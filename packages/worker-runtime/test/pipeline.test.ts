/**
 * The face pipeline through the worker API, as the page uses it: frames without faces, every frame
 * type giving the same landmarks, frame errors with their codes, the options (maxFaces,
 * minTrackingConfidence, validation), reset(), tensor leaks, and the shape of the results.
 */
import { expect } from 'chai';
import * as Comlink from 'comlink';
import { readFrame, type FrameResult, type PipelineOptions, type FrameInput } from '../src/index.js';
import { faceCrop, loadSample, trackFrame, type TestImage } from './parity/frames.js';
import { rng } from '../../tflite/test/helpers.js';
import { engine } from './engine.js';
import { MODEL_URLS, WASM_BASE, spawnRuntime } from './spawn.js';

type Api = ReturnType<typeof spawnRuntime>['api'];

interface RejectedWith {
  name: string;
  message: string;
  code?: unknown;
}

/** The rejection of `p`, failing the test when it resolves. */
async function rejection(p: Promise<unknown>): Promise<RejectedWith> {
  try {
    await p;
  } catch (e) {
    const err = e as RejectedWith;
    return { name: err.name, message: err.message, code: err.code };
  }
  expect.fail('expected a rejection');
}

function greyFrame(width: number, height: number): ImageData {
  const data = new Uint8ClampedArray(width * height * 4).fill(128);
  return new ImageData(data, width, height);
}

function noiseFrame(width: number, height: number, seed: number): ImageData {
  const rand = rng(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i & 3) === 3 ? 255 : Math.floor(rand() * 256);
  return new ImageData(data, width, height);
}

const OPTIONS_STATIC: Partial<PipelineOptions> = { staticImageMode: true, maxFaces: 1, minDetectionConfidence: 0.5, minTrackingConfidence: 0.5 };
const OPTIONS_VIDEO: Partial<PipelineOptions> = { ...OPTIONS_STATIC, staticImageMode: false };

async function use(api: Api, options: Partial<PipelineOptions>): Promise<void> {
  await api.setPipelineOptions(options);
  await api.resetPipeline();
}

describe('face pipeline through the worker API', function () {
  this.timeout(300_000);
  let api: Api;
  let worker: Worker;
  let crop: TestImage;
  let sample6: TestImage;

  before(async () => {
    ({ api, worker } = spawnRuntime());
    await api.init({ wasmBase: WASM_BASE });
    await api.createPipeline(MODEL_URLS, OPTIONS_STATIC);
    [crop, sample6] = await Promise.all([faceCrop(), loadSample('sample6')]);
  });

  after(() => worker.terminate());

  describe('frames without a face', () => {
    for (const mode of ['static', 'video'] as const) {
      it(`${mode} mode: grey and noise frames give faces [] and run the detector every time`, async () => {
        await use(api, mode === 'static' ? OPTIONS_STATIC : OPTIONS_VIDEO);
        for (const frame of [greyFrame(640, 480), noiseFrame(640, 480, 1), greyFrame(640, 480), noiseFrame(320, 480, 2)]) {
          const result = await api.process(frame);
          expect(result.faces).to.deep.equal([]);
          expect(result.detectorRan).to.equal(true);
          expect([result.width, result.height]).to.deep.equal([frame.width, frame.height]);
        }
      });
    }
  });

  describe('frame types', () => {
    it('ImageData, a transferred ImageBitmap, a VideoFrame and raw RGBA bytes give identical landmarks', async () => {
      await use(api, OPTIONS_STATIC);
      const { imageData } = crop;
      const reference = await api.process(imageData);
      expect(reference.faces).to.have.length(1);

      const bitmap = await createImageBitmap(imageData);
      const fromBitmap = await api.process(Comlink.transfer(bitmap, [bitmap]));
      expect(bitmap.width, 'the bitmap was transferred, not copied').to.equal(0);

      const frame = new VideoFrame(await createImageBitmap(imageData), { timestamp: 0 });
      expect([frame.displayWidth, frame.displayHeight]).to.deep.equal([640, 480]);
      const fromVideoFrame = await api.process(Comlink.transfer(frame, [frame]));

      const raw = { data: new Uint8Array(imageData.data), width: imageData.width, height: imageData.height };
      const fromRaw = await api.process(Comlink.transfer(raw, [raw.data.buffer]));

      const clamped = { data: new Uint8ClampedArray(imageData.data), width: imageData.width, height: imageData.height };
      const fromClamped = await api.process(clamped);

      for (const [name, r] of Object.entries({ fromBitmap, fromVideoFrame, fromRaw, fromClamped })) {
        expect(r.faces, name).to.have.length(1);
        expect([r.width, r.height], name).to.deep.equal([640, 480]);
        expect(Array.from(r.faces[0].landmarks), name).to.deep.equal(Array.from(reference.faces[0].landmarks));
        expect(r.faces[0].score, name).to.equal(reference.faces[0].score);
      }
    });

    it('video mode: tracking frames read only the pixels around the face, with the same landmarks as whole frames', async () => {
      const frames = Array.from({ length: 12 }, (_, i) => trackFrame(crop, i * 2));
      const run = async (make: (f: TestImage) => Promise<FrameInput>, transfer: boolean) => {
        await use(api, OPTIONS_VIDEO);
        const out: FrameResult[] = [];
        for (const [i, f] of frames.entries()) {
          const input = await make(f);
          // Fixed timestamps: the smoothing filter depends on them.
          out.push(await api.process(transfer ? Comlink.transfer(input, [input as Transferable]) : input, { timestampMs: 1000 + 33 * i }));
        }
        return out;
      };
      const whole = await run(async (f) => f.imageData, false);
      const bitmaps = await run((f) => createImageBitmap(f.imageData), true);
      const videoFrames = await run(async (f) => new VideoFrame(await createImageBitmap(f.imageData), { timestamp: 0 }), true);
      for (const [name, results] of Object.entries({ bitmaps, videoFrames })) {
        results.forEach((r, i) => {
          expect(r.faces, `${name} frame ${i}`).to.have.length(1);
          expect(r.detectorRan, `${name} frame ${i}`).to.equal(i === 0);
          // The detector frame reads all 640x480; tracking frames a window around the face (except
          // VideoFrames in WebKitGTK, whose copyTo cannot convert to RGBA: drawn whole there).
          const wholeFrames = name === 'videoFrames' && engine === 'WebKit';
          if (i === 0 || wholeFrames) expect(r.timings.readPixels).to.equal(640 * 480);
          else expect(r.timings.readPixels, `${name} frame ${i} pixels read`).to.be.below(640 * 480 * 0.6);
          expect(Array.from(r.faces[0]!.landmarks), `${name} frame ${i}`).to.deep.equal(Array.from(whole[i]!.faces[0]!.landmarks));
        });
      }
      whole.forEach((r) => expect(r.timings.readPixels).to.equal(640 * 480));
      const tracking = bitmaps.slice(1).map((r) => r.timings.readPixels! / (640 * 480));
      console.log(`tracking frames read ${(100 * Math.min(...tracking)).toFixed(0)}-${(100 * Math.max(...tracking)).toFixed(0)}% of the frame's pixels`);
    });

    it('readFrame with anyByteOrder gives the red, green and blue of the RGBA read: bitmaps (opaque or not), RGBX, BGRX and I420 frames, whole and windows', async () => {
      const rgbOf = (image: Awaited<ReturnType<typeof readFrame>>) => {
        const [r, b] = image.byteOrder === 'bgra' ? [2, 0] : [0, 2];
        const out = new Uint8Array(image.width * image.height * 3);
        for (let p = 0, i = 0; p < out.length; p += 3, i += 4) out.set([image.data[i + r]!, image.data[i + 1]!, image.data[i + b]!], p);
        return out;
      };
      const opaque = crop.imageData;
      const seeThrough = noiseFrame(640, 480, 9);
      for (let i = 3; i < seeThrough.data.length; i += 16) seeThrough.data[i] = i % 255; // alpha 0..254 on every 4th pixel
      const bgrx = new Uint8Array(opaque.data.length);
      for (let i = 0; i < bgrx.length; i += 4) bgrx.set([opaque.data[i + 2]!, opaque.data[i + 1]!, opaque.data[i]!, 255], i);
      const sources: [string, () => Promise<ImageBitmap | VideoFrame>][] = [
        ['opaque bitmap', () => createImageBitmap(opaque)],
        ['see-through bitmap', () => createImageBitmap(seeThrough)],
        ['RGBX frame', async () => new VideoFrame(opaque.data, { format: 'RGBX', codedWidth: 640, codedHeight: 480, timestamp: 0 })],
        ['BGRX frame', async () => new VideoFrame(bgrx, { format: 'BGRX', codedWidth: 640, codedHeight: 480, timestamp: 0 })],
        ['I420 frame', async () => new VideoFrame(new Uint8Array(640 * 480 * 1.5).map((_, i) => (i * 7919) % 251), { format: 'I420', codedWidth: 640, codedHeight: 480, timestamp: 0 })],
      ];
      const orders: Record<string, string | undefined> = {};
      for (const rect of [undefined, { x: 100, y: 40, width: 410, height: 410 }]) {
        for (const [name, make] of sources) {
          const frame = await make();
          try {
            const rgba = await readFrame(frame, rect);
            const any = await readFrame(frame, rect, undefined, { anyByteOrder: true });
            const what = `${name} ${rect ? 'window' : 'whole'}`;
            expect(rgba.byteOrder ?? 'rgba', what).to.equal('rgba');
            expect([any.width, any.height], what).to.deep.equal([rgba.width, rgba.height]);
            const [want, got] = [rgbOf(rgba), rgbOf(any)];
            expect(got.findIndex((v, i) => v !== want[i]), `${what}: first byte that differs`).to.equal(-1);
            orders[name] = any.byteOrder;
          } finally {
            frame.close();
          }
        }
      }
      // Chromium holds bitmaps as BGRA: opaque ones, and BGRX frames, are copied as they are (a
      // see-through bitmap is converted: Chromium's RGBA of its pixels is not its premultiplied bytes).
      if (engine === 'Chromium') {
        expect(orders).to.deep.equal({ 'opaque bitmap': 'bgra', 'see-through bitmap': undefined, 'RGBX frame': undefined, 'BGRX frame': 'bgra', 'I420 frame': undefined });
      }
    });

    it('a VideoFrame whose display size differs from its pixels is read at its display size', async () => {
      await use(api, OPTIONS_STATIC);
      const reference = await api.process(crop.imageData);
      const [rx, ry] = [reference.faces[0].landmarks[3], reference.faces[0].landmarks[4]];
      for (const scale of [2, 0.5]) {
        const frame = new VideoFrame(await createImageBitmap(crop.imageData), { timestamp: 0, displayWidth: 640 * scale, displayHeight: 480 * scale });
        const result = await api.process(Comlink.transfer(frame, [frame]));
        expect([result.width, result.height], `x${scale}`).to.deep.equal([640 * scale, 480 * scale]);
        expect(result.faces, `x${scale}`).to.have.length(1);
        // Resampled pixels give slightly different landmarks; a mis-strided copy gives none or noise.
        const [x, y] = [result.faces[0].landmarks[3], result.faces[0].landmarks[4]];
        expect(Math.hypot(x - rx * scale, y - ry * scale), `nose tip x${scale}`).to.be.lessThan(4 * Math.max(1, scale));
      }
    });

    it('a transparent ImageBitmap after a face bitmap of the same size shows nothing of the previous frame', async () => {
      await use(api, OPTIONS_STATIC);
      const face = await createImageBitmap(crop.imageData);
      expect((await api.process(Comlink.transfer(face, [face]))).faces).to.have.length(1);
      const clear = await createImageBitmap(new ImageData(640, 480));
      expect((await api.process(Comlink.transfer(clear, [clear]))).faces).to.deep.equal([]);
    });

    it('a raw buffer with rows of a wider image (extra bytes at the end) is read as the given size', async () => {
      await use(api, OPTIONS_STATIC);
      const { imageData } = crop;
      const reference = await api.process(imageData);
      const padded = new Uint8Array(imageData.data.length + 4096);
      padded.set(imageData.data);
      const result = await api.process({ data: padded, width: 640, height: 480 });
      expect(Array.from(result.faces[0].landmarks)).to.deep.equal(Array.from(reference.faces[0].landmarks));
    });
  });

  describe('frame errors', () => {
    it('a 0x0 frame rejects with code empty-frame', async () => {
      const err = await rejection(api.process({ data: new Uint8Array(0), width: 0, height: 0 }));
      expect(err.name).to.equal('FrameError');
      expect(err.code).to.equal('empty-frame');
      expect(err.message).to.match(/0x0/);
    });

    it('a raw buffer smaller than width x height x 4 rejects with code bad-frame, saying how many bytes', async () => {
      const err = await rejection(api.process({ data: new Uint8Array(100), width: 64, height: 48 }));
      expect(err.name).to.equal('FrameError');
      expect(err.code).to.equal('bad-frame');
      expect(err.message).to.contain('100 bytes');
      expect(err.message).to.contain(String(64 * 48 * 4));
    });

    it('raw frames with a fractional size or no typed array reject with code bad-frame', async () => {
      const fractional = await rejection(api.process({ data: new Uint8Array(4 * 64 * 48), width: 63.5, height: 48 }));
      expect(fractional.code).to.equal('bad-frame');
      expect(fractional.message).to.match(/63\.5/);
      const notBytes = await rejection(api.process({ data: Array.from({ length: 16 }, () => 0), width: 2, height: 2 } as unknown as FrameInput));
      expect(notBytes.code).to.equal('bad-frame');
      expect(notBytes.message).to.match(/Uint8Array|Uint8ClampedArray/);
    });

    it('a closed VideoFrame rejects with code closed-frame (readFrame), and cannot even be posted to the worker', async () => {
      const frame = new VideoFrame(await createImageBitmap(crop.imageData), { timestamp: 0 });
      frame.close();
      const direct = await rejection(readFrame(frame));
      expect(direct.name).to.equal('FrameError');
      expect(direct.code).to.equal('closed-frame');
      expect(direct.message).to.match(/VideoFrame is closed/);
      // The browser refuses to post a closed frame: the page gets a DataCloneError naming it.
      const posted = await rejection(api.process(frame));
      expect(posted.name).to.equal('DataCloneError');
    });

    it('a closed ImageBitmap rejects with code closed-frame (readFrame)', async () => {
      const bitmap = await createImageBitmap(crop.imageData);
      bitmap.close();
      const err = await rejection(readFrame(bitmap));
      expect(err.code).to.equal('closed-frame');
    });

    it('after a frame error the pipeline still works', async () => {
      await use(api, OPTIONS_STATIC);
      await rejection(api.process({ data: new Uint8Array(0), width: 0, height: 0 }));
      expect((await api.process(crop.imageData)).faces).to.have.length(1);
    });
  });

  describe('options', () => {
    it('maxFaces limits the faces: sample6 has 4, maxFaces 2 gives 2 of them, unchanged', async () => {
      await use(api, { ...OPTIONS_STATIC, maxFaces: 10 });
      const all = await api.process(sample6.imageData);
      expect(all.faces).to.have.length(4);
      await use(api, { ...OPTIONS_STATIC, maxFaces: 2 });
      const two = await api.process(sample6.imageData);
      expect(two.faces).to.have.length(2);
      // The detector's two best faces, with exactly the landmarks they have among the four.
      for (const face of two.faces) {
        const same = all.faces.filter((f) => Array.from(f.landmarks).every((v, i) => v === face.landmarks[i]));
        expect(same, 'the face is one of the four').to.have.length(1);
      }
      await use(api, { ...OPTIONS_STATIC, maxFaces: 1 });
      expect((await api.process(sample6.imageData)).faces).to.have.length(1);
    });

    it('minTrackingConfidence 1.0 drops every face, so in video mode the detector runs on every frame', async () => {
      await use(api, { ...OPTIONS_VIDEO, minTrackingConfidence: 1 });
      for (let t = 0; t < 4; t++) {
        const result = await api.process(trackFrame(crop, t).imageData);
        expect(result.faces, `frame ${t}`).to.deep.equal([]);
        expect(result.detectorRan, `frame ${t}`).to.equal(true);
      }
      await use(api, OPTIONS_VIDEO);
      expect((await api.process(trackFrame(crop, 0).imageData)).faces).to.have.length(1);
    });

    it('invalid options reject with a RangeError naming the option, and leave the options as they were', async () => {
      await use(api, OPTIONS_VIDEO);
      const before = await api.setPipelineOptions({});
      const bad: Partial<PipelineOptions>[] = [
        { maxFaces: 0 }, { maxFaces: 1.5 }, { maxFaces: -3 },
        { minDetectionConfidence: 1.5 }, { minDetectionConfidence: -0.1 }, { minTrackingConfidence: Number.NaN },
        { staticImageMode: 'yes' as unknown as boolean },
        // The smoothing filter's own limits: a cutoff of 0 used to pass here and throw on every frame.
        { smoothingMinCutoff: 0 }, { smoothingDerivateCutoff: 0 }, { smoothingMinCutoff: 1e-7 }, { smoothingBeta: -1 },
      ];
      for (const options of bad) {
        const [key] = Object.keys(options);
        const err = await rejection(api.setPipelineOptions(options));
        expect(err.name, key).to.equal('RangeError');
        expect(err.message, key).to.contain(key);
      }
      expect(await api.setPipelineOptions({})).to.deep.equal(before);
    });

    it('createPipeline rejects invalid options too', async () => {
      const other = spawnRuntime();
      try {
        await other.api.init({ wasmBase: WASM_BASE });
        const err = await rejection(other.api.createPipeline(MODEL_URLS, { minTrackingConfidence: 1.5 }));
        expect(err.name).to.equal('RangeError');
        expect(err.message).to.contain('minTrackingConfidence');
      } finally {
        other.worker.terminate();
      }
    });

    it('reset() makes the next video frame run the detector', async () => {
      await use(api, OPTIONS_VIDEO);
      const ran: boolean[] = [];
      for (let t = 0; t < 3; t++) ran.push((await api.process(trackFrame(crop, t).imageData)).detectorRan);
      await api.resetPipeline();
      for (let t = 3; t < 5; t++) ran.push((await api.process(trackFrame(crop, t).imageData)).detectorRan);
      expect(ran).to.deep.equal([true, false, false, true, false]);
    });

    it('switching to static mode forgets tracked faces; staticImageMode runs the detector on every frame', async () => {
      await use(api, OPTIONS_VIDEO);
      await api.process(trackFrame(crop, 0).imageData);
      expect((await api.process(trackFrame(crop, 1).imageData)).detectorRan).to.equal(false);
      await api.setPipelineOptions({ staticImageMode: true });
      for (let t = 2; t < 4; t++) expect((await api.process(trackFrame(crop, t).imageData)).detectorRan).to.equal(true);
      await api.setPipelineOptions({ staticImageMode: false });
      expect((await api.process(trackFrame(crop, 4).imageData)).detectorRan, 'nothing tracked from static mode').to.equal(true);
    });
  });

  describe('resources', () => {
    it('the tf tensor count is unchanged after 30 video frames and after static frames', async () => {
      await use(api, OPTIONS_VIDEO);
      const start = await api.numTensors();
      let detectorRuns = 0;
      let found = 0;
      for (let t = 0; t < 30; t++) {
        const r = await api.process(trackFrame(crop, t).imageData);
        if (r.detectorRan) detectorRuns++;
        found += r.faces.length;
      }
      expect(found, 'the face is tracked on every frame').to.equal(30);
      expect(detectorRuns).to.equal(1);
      expect(await api.numTensors(), 'after 30 video frames').to.equal(start);

      await use(api, { ...OPTIONS_STATIC, maxFaces: 10 });
      for (const image of [sample6.imageData, crop.imageData, greyFrame(320, 240)]) await api.process(image);
      expect(await api.numTensors(), 'after static frames').to.equal(start);
    });
  });

  describe('results', () => {
    function checkFace(result: FrameResult, i: number): void {
      const face = result.faces[i];
      const { width, height } = result;
      expect(face.landmarks).to.be.instanceOf(Float32Array).with.length(478 * 3);
      expect(face.normalized).to.be.instanceOf(Float32Array).with.length(478 * 3);
      const sizes = Object.fromEntries(Object.entries(face.regions).map(([k, v]) => [k, v instanceof Float32Array ? v.length : -1]));
      expect(sizes).to.deep.equal({ lips: 160, leftEye: 142, rightEye: 142, leftIris: 10, rightIris: 10 });
      for (let p = 0; p < 478; p++) {
        const [x, y, z] = [face.landmarks[3 * p], face.landmarks[3 * p + 1], face.landmarks[3 * p + 2]];
        expect(face.normalized[3 * p]).to.be.closeTo(x / width, 1e-6);
        expect(face.normalized[3 * p + 1]).to.be.closeTo(y / height, 1e-6);
        expect(face.normalized[3 * p + 2]).to.be.closeTo(z / width, 1e-6);
      }
      expect(face.score).to.be.greaterThan(0.5).and.at.most(1);
      expect(face.score).to.be.closeTo(1 / (1 + Math.exp(-face.faceFlagLogit)), 1e-6);
      const { xCenter, yCenter, width: w, height: h, rotation } = face.roi;
      for (const v of [xCenter, yCenter, w, h, rotation]) expect(Number.isFinite(v)).to.equal(true);
      expect(w).to.be.greaterThan(0);
      expect(h).to.be.greaterThan(0);
      expect(Math.abs(rotation)).to.be.at.most(Math.PI);
      // The nose tip lies in the crop that produced the landmarks.
      expect(Math.abs(face.normalized[3] - xCenter)).to.be.lessThan(w / 2);
      expect(Math.abs(face.normalized[4] - yCenter)).to.be.lessThan(h / 2);
    }

    it('typed arrays of the documented sizes, roi fields, detection info on detector frames only', async () => {
      await use(api, OPTIONS_VIDEO);
      const first = await api.process(trackFrame(crop, 0).imageData);
      expect(first.detectorRan).to.equal(true);
      expect(first.faces).to.have.length(1);
      checkFace(first, 0);
      const detection = first.faces[0].detection;
      expect(detection, 'detection info on the detector frame').to.not.equal(undefined);
      expect(detection!.score).to.be.greaterThan(0.5).and.at.most(1);
      expect(detection!.keypoints).to.be.instanceOf(Float32Array).with.length(12);
      const { xMin, yMin, xMax, yMax } = detection!.box;
      expect(xMin).to.be.lessThan(xMax);
      expect(yMin).to.be.lessThan(yMax);
      expect(first.faces[0].normalized[3]).to.be.within(xMin, xMax);
      expect(first.faces[0].normalized[4]).to.be.within(yMin, yMax);

      const second = await api.process(trackFrame(crop, 1).imageData);
      expect(second.detectorRan).to.equal(false);
      checkFace(second, 0);
      expect(second.faces[0].detection, 'no detection info on a tracked frame').to.equal(undefined);

      for (const k of ['detectorMs', 'cropMs', 'meshMs', 'postMs', 'totalMs'] as const) {
        expect(second.timings[k], k).to.be.at.least(0);
      }
      expect(second.timings.detectorMs).to.be.lessThan(first.timings.detectorMs);
    });

    it('static mode: every face of sample6 carries its detection and a distinct crop', async () => {
      await use(api, { ...OPTIONS_STATIC, maxFaces: 10 });
      const result = await api.process(sample6.imageData);
      expect(result.faces).to.have.length(4);
      result.faces.forEach((_, i) => checkFace(result, i));
      expect(result.faces.every((f) => f.detection !== undefined)).to.equal(true);
      const centres = new Set(result.faces.map((f) => `${f.roi.xCenter.toFixed(3)},${f.roi.yCenter.toFixed(3)}`));
      expect(centres.size).to.equal(4);
    });
  });
});
