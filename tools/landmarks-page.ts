/**
 * The page behind `npm run landmarks:browser` (tools/landmarks.mjs): starts the runtime worker from source,
 * decodes each image the way the browser does (an <img> at its natural size drawn 1:1 on a canvas,
 * so EXIF orientation and Chromium's colour management of PNG gAMA/cHRM/iCCP chunks apply exactly
 * as they do for Google's solution fed the same <img>), runs it through the face pipeline and
 * returns the result as plain JSON (packages/node/src/record.ts: the Node CLI writes the same records).
 */
import * as Comlink from 'comlink';
import type { PipelineOptions, RuntimeApi, RuntimeMode } from '../packages/worker-runtime/src/index.js';
import { landmarksRecord, type LandmarksRecord } from '../packages/node/src/record.js';

const WASM_BASE = '/node_modules/@tensorflow/tfjs-backend-wasm/dist/';
const MODEL_URLS = {
  detector: '/models/dist/face_detection_short_range.tflite',
  mesh: '/models/dist/face_landmark_with_attention.tflite',
};

export interface LandmarksPage {
  start(options: Partial<PipelineOptions>): Promise<{ mode: RuntimeMode; options: PipelineOptions }>;
  /** Decode the image at `url` and run it through the pipeline; errors name `name`. */
  run(url: string, name: string): Promise<LandmarksRecord>;
}

declare global {
  interface Window {
    faceMeshLandmarks?: LandmarksPage;
  }
}

async function decode(url: string, name: string): Promise<ImageData> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${name}: cannot read it (${response.status} ${(await response.text()).trim()})`);
  const blobUrl = URL.createObjectURL(await response.blob());
  try {
    const img = new Image();
    img.src = blobUrl;
    try {
      await img.decode();
    } catch {
      throw new Error(`${name}: the browser cannot decode it as an image (not a JPEG/PNG/WebP/GIF/BMP/AVIF, or a damaged file)`);
    }
    const width = img.naturalWidth;
    const height = img.naturalHeight;
    if (!(width > 0 && height > 0)) throw new Error(`${name}: the image decodes to ${width}x${height} pixels`);
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
    if (!ctx) throw new Error('no 2D canvas in this browser');
    ctx.drawImage(img, 0, 0);
    return ctx.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  } finally {
    URL.revokeObjectURL(blobUrl);
  }
}

let api: Comlink.Remote<RuntimeApi> | undefined;

const page: LandmarksPage = {
  async start(options) {
    const worker = new Worker(new URL('../packages/worker-runtime/src/worker.js', import.meta.url), { type: 'module' });
    api = Comlink.wrap<RuntimeApi>(worker);
    const mode = await api.init({ wasmBase: WASM_BASE });
    const effective = await api.createPipeline(MODEL_URLS, options);
    return { mode, options: effective };
  },

  async run(url, name) {
    if (!api) throw new Error('start() first');
    const image = await decode(url, name);
    return landmarksRecord(await api.process(image));
  },
};

window.faceMeshLandmarks = page;
