/**
 * The wasm crop sampler against imageToTensorData (the TypeScript definition): identical floats for
 * rotated, scaled and out-of-frame crops, both borders, whole frames and windows.
 */
import { cropAffine, letterboxAffine, sampledRect, type Affine } from '@face-mesh/geometry';
import { expect } from 'chai';
import { rng, useWasmInPage } from '../../../tflite/test/helpers.js';
import { WasmBackendAccess } from '@face-mesh/tflite';
import { attachCropKernel } from './crop_kernel.js';
import { imageToTensorData, type FrameWindow, type RgbaImage, type SampleOptions } from './image_to_tensor.js';
import { WasmCropSampler } from './wasm_crop_sampler.js';

function noise(W: number, H: number, seed: number): RgbaImage {
  const rand = rng(seed);
  const data = new Uint8ClampedArray(W * H * 4);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
  return { data, width: W, height: H };
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

  it('a NaN transform gives NaN values in both', () => {
    const [got, want] = both(frame, [NaN, 0, 0, 0, 1, 0], { ...mesh, width: 4, height: 2 });
    expect(Array.from(got).every(Number.isNaN)).to.equal(true);
    expect(Array.from(want).every(Number.isNaN)).to.equal(true);
  });
});
