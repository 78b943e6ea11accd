/**
 * The wasm crop sampler against imageToTensorData (the TypeScript definition): identical floats for
 * rotated, scaled and out-of-frame crops, both borders, whole frames and windows, widths that are
 * not a multiple of the kernel's 4 pixels. And both within float32 rounding of the bilinear blend
 * done in float64 (the definition before the blend became float32).
 */
import { cropAffine, letterboxAffine, sampledRect, type Affine } from '@face-mesh/geometry';
import { expect } from 'chai';
import { rng, useWasmInPage } from '../../../tflite/test/helpers.js';
import { WasmBackendAccess } from '@face-mesh/tflite';
import { attachCropKernel } from './crop_kernel.js';
import { imageToTensorData, type FrameWindow, type RgbaImage, type SampleOptions } from './image_to_tensor.js';
import { WasmCropSampler } from './wasm_crop_sampler.js';
import { allOpaque } from './frame.js';

function noise(W: number, H: number, seed: number): RgbaImage {
  const rand = rng(seed);
  const data = new Uint8ClampedArray(W * H * 4);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
  return { data, width: W, height: H };
}

/** The bilinear blend in float64 (one rounding, to the float32 output): the exact value to within 2^-24. */
function blendFloat64(image: RgbaImage, [a, b, c, d, e, f]: Affine, o: SampleOptions): Float32Array {
  const { width: W, height: H, data } = image;
  const out = new Float32Array(o.width * o.height * 3);
  const clamp = (i: number, last: number) => Math.min(Math.max(i, 0), last);
  for (let v = 0, k = 0; v < o.height; v++) {
    for (let u = 0; u < o.width; u++) {
      const sx = a * u + b * v + c;
      const sy = d * u + e * v + f;
      const outside = sx < -0.5 || sx > W - 0.5 || sy < -0.5 || sy > H - 0.5;
      const fx = Math.floor(sx);
      const fy = Math.floor(sy);
      const ax = sx - fx;
      const ay = sy - fy;
      const at = (x: number, y: number, ch: number) => data[(clamp(y, H - 1) * W + clamp(x, W - 1)) * 4 + ch]!;
      for (let ch = 0; ch < 3; ch++) {
        const value = (1 - ax) * (1 - ay) * at(fx, fy, ch) + ax * (1 - ay) * at(fx + 1, fy, ch) + (1 - ax) * ay * at(fx, fy + 1, ch) + ax * ay * at(fx + 1, fy + 1, ch);
        out[k++] = o.border === 'zero' && outside ? o.offset : value * o.scale + o.offset;
      }
    }
  }
  return out;
}

/** The same pixels with each one's bytes in BGRA order, the fourth byte replaced (copyTo may give BGRX). */
function asBgra<T extends RgbaImage>(image: T): T {
  const data = new Uint8ClampedArray(image.data.length);
  for (let i = 0; i < data.length; i += 4) data.set([image.data[i + 2]!, image.data[i + 1]!, image.data[i]!, 255 - image.data[i + 3]!], i);
  return { ...image, data, byteOrder: 'bgra' };
}

/** The first index where the two differ (NaN equals NaN), or -1: cheap to report on 110 592 floats. */
function differsAt(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  return a.findIndex((x, i) => !Object.is(x, b[i]));
}

function windowOf(image: RgbaImage, x: number, y: number, w: number, h: number): FrameWindow {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let r = 0; r < h; r++) data.set(image.data.subarray(((y + r) * image.width + x) * 4, ((y + r) * image.width + x + w) * 4), r * w * 4);
  return { data, width: w, height: h, left: x, top: y, frameWidth: image.width, frameHeight: image.height };
}

describe('WasmCropSampler', () => {
  let sampler: WasmCropSampler;
  let wasm: WasmBackendAccess;
  before(async () => {
    await useWasmInPage();
    wasm = new WasmBackendAccess();
    const { kernels } = attachCropKernel(wasm.memory());
    sampler = new WasmCropSampler(wasm, kernels!);
  });
  after(() => sampler.dispose());

  function both(image: RgbaImage | FrameWindow, m: Affine, o: SampleOptions): [Float32Array, Float32Array] {
    const expected = imageToTensorData(image, m, o);
    const at = wasm.module._malloc(expected.length * 4);
    try {
      sampler.endFrame();
      sampler.sample(image, m, o, at);
      return [wasm.module.HEAPF32.slice(at / 4, at / 4 + expected.length), expected];
    } finally {
      wasm.free(at);
    }
  }

  const mesh: SampleOptions = { width: 192, height: 192, border: 'replicate', scale: 1 / 255, offset: 0 };
  const detector: SampleOptions = { width: 128, height: 128, border: 'zero', scale: 2 / 255, offset: -1 };
  const frame = noise(640, 480, 1);
  const rois = [
    { xCenter: 0.5, yCenter: 0.5, width: 0.4, height: 0.5, rotation: 0.3 },
    { xCenter: 0.02, yCenter: 0.97, width: 0.5, height: 0.6, rotation: -2.1 },
    { xCenter: 0.7, yCenter: 0.2, width: 0.05, height: 0.06, rotation: 0 },
    { xCenter: 1.5, yCenter: -0.4, width: 0.2, height: 0.2, rotation: 1 },
  ];

  it('mesh crops (replicate border) of the whole frame: identical floats', () => {
    for (const roi of rois) {
      const [got, want] = both(frame, cropAffine(roi, 640, 480), mesh);
      expect(Array.from(got)).to.deep.equal(Array.from(want));
    }
  });

  it('mesh crops of a window holding the sampled pixels: identical to the whole frame', () => {
    for (const roi of rois) {
      const m = cropAffine(roi, 640, 480);
      const r = sampledRect(m, 192, 192, 640, 480, 2);
      const [got] = both(windowOf(frame, r.x, r.y, r.width, r.height), m, mesh);
      expect(Array.from(got)).to.deep.equal(Array.from(imageToTensorData(frame, m, mesh)));
    }
  });

  it('the detector letterbox (zero border), landscape, portrait and odd sizes', () => {
    for (const [W, H, seed] of [[640, 480, 2], [360, 640, 3], [333, 217, 4]] as const) {
      const image = noise(W, H, seed);
      const [got, want] = both(image, letterboxAffine(W, H), detector);
      expect(Array.from(got)).to.deep.equal(Array.from(want));
    }
  });

  it('output widths that are not a multiple of 4 (the kernel\'s last pixels of a row one at a time)', () => {
    for (const [w, h] of [[7, 5], [1, 3], [130, 2]] as const) {
      const [got, want] = both(frame, cropAffine(rois[0]!, 640, 480), { ...mesh, width: w, height: h });
      expect(Array.from(got)).to.deep.equal(Array.from(want));
    }
  });

  it('within float32 rounding of the blend in float64: at most 2^-21 off in [0, 1] and in [-1, 1]', () => {
    // The float32 blend rounds at most 12 times (fractions, weights, products, sums, scale, offset),
    // each by at most 2^-24 of a value whose size is at most 1 (or 2 with the [-1, 1] range):
    // 12 · 2^-24 · 2 < 2^-21 (2.4e-7 is 4 float32 steps of a value in [0.5, 1)).
    const cases: [RgbaImage, Affine, SampleOptions][] = [
      ...rois.map((roi) => [frame, cropAffine(roi, 640, 480), mesh] as [RgbaImage, Affine, SampleOptions]),
      [noise(333, 217, 5), letterboxAffine(333, 217), detector],
    ];
    for (const [image, m, o] of cases) {
      const [got] = both(image, m, o);
      const exact = blendFloat64(image, m, o);
      let worst = 0;
      for (let i = 0; i < got.length; i++) {
        worst = Math.max(worst, Math.abs(got[i]! - exact[i]!));
      }
      expect(worst).to.be.at.most(2 ** -21);
    }
  });

  it('BGRA bytes (byteOrder bgra) give the floats of the same pixels in RGBA: whole frames, windows, both borders, odd widths', () => {
    const cases: [RgbaImage | FrameWindow, Affine, SampleOptions][] = [
      ...rois.map((roi) => [frame, cropAffine(roi, 640, 480), mesh] as [RgbaImage, Affine, SampleOptions]),
      ...rois.map((roi) => {
        const m = cropAffine(roi, 640, 480);
        const r = sampledRect(m, 192, 192, 640, 480, 2);
        return [windowOf(frame, r.x, r.y, r.width, r.height), m, mesh] as [FrameWindow, Affine, SampleOptions];
      }),
      [noise(333, 217, 6), letterboxAffine(333, 217), detector],
      [frame, cropAffine(rois[1]!, 640, 480), { ...mesh, width: 7, height: 5 }],
    ];
    for (const [i, [image, m, o]] of cases.entries()) {
      const rgba = imageToTensorData(image, m, o);
      const [got, fallback] = both(asBgra(image), m, o);
      expect(differsAt(fallback, rgba), `case ${i}, TypeScript: first float that differs`).to.equal(-1);
      expect(differsAt(got, rgba), `case ${i}, wasm: first float that differs`).to.equal(-1);
    }
  });

  it('opaque(): whether every alpha byte of a frame buffer is 255, in wasm as in allOpaque (a see-through pixel anywhere, in a 64-byte block or the tail)', () => {
    for (const pixels of [1, 16, 17, 410 * 410]) {
      const view = sampler.frameBuffer(pixels * 4);
      view.fill(255);
      expect(sampler.opaque(view), `${pixels} opaque pixels`).to.equal(true);
      for (const at of new Set([0, 15, 16, pixels - 1, pixels >> 1])) {
        if (at >= pixels) continue;
        view[at * 4 + 3] = 254;
        expect([sampler.opaque(view), allOpaque(view)], `${pixels} pixels, pixel ${at} see-through`).to.deep.equal([false, false]);
        view[at * 4 + 3] = 255;
        view[at * 4 + 2] = 0; // a colour byte is not alpha
        expect(sampler.opaque(view), `${pixels} pixels, pixel ${at} blue 0`).to.equal(true);
      }
    }
    const plain = new Uint8Array(64 * 4).fill(255);
    plain[4 * 40 + 3] = 0;
    expect(sampler.opaque(plain), 'an array outside wasm memory').to.equal(false);
  });

  it('a NaN transform gives NaN values in both', () => {
    const [got, want] = both(frame, [NaN, 0, 0, 0, 1, 0], { ...mesh, width: 4, height: 2 });
    expect(Array.from(got).every(Number.isNaN)).to.equal(true);
    expect(Array.from(want).every(Number.isNaN)).to.equal(true);
  });
});
