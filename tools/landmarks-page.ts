/**
 * The page behind `npm run landmarks` (tools/landmarks.mjs): starts the runtime worker from source,
 * decodes each image the way the browser does (an <img> at its natural size drawn 1:1 on a canvas,
 * so EXIF orientation and Chromium's colour management of PNG gAMA/cHRM/iCCP chunks apply exactly
 * as they do for Google's solution fed the same <img>), runs it through the face pipeline and
 * returns the result as plain JSON.
 */
import * as Comlink from 'comlink';
import type { FaceResult, PipelineOptions, RuntimeApi, RuntimeMode } from '../packages/worker-runtime/src/index.js';

const WASM_BASE = '/node_modules/@tensorflow/tfjs-backend-wasm/dist/';
const MODEL_URLS = {
  detector: '/models/dist/face_detection_short_range.tflite',
  mesh: '/models/dist/face_landmark_with_attention.tflite',
};

type Point2 = [number, number];
type Point3 = [number, number, number];

/** One output file, less the `image` name the CLI adds. Pixels of the decoded image throughout. */
export interface LandmarksRecord {
  width: number;
  height: number;
  num_faces: number;
  /** 478 x [x, y, z] per face; z = normalized z * width. */
  faces: Point3[][];
  /** Face-presence score (sigmoid of the face flag) per face. */
  scores: number[];
  regions: Record<'lips' | 'leftEye' | 'rightEye' | 'leftIris' | 'rightIris', Point2[]>[];
  /** The crop that produced each face: normalized centre and size, rotation in radians. */
  rois: { xCenter: number; yCenter: number; width: number; height: number; rotation: number }[];
  /** Per face: where the detector found it (box and 6 keypoints in pixels), or null when the crop came from tracking. */
  detections: ({ score: number; box: { xMin: number; yMin: number; xMax: number; yMax: number }; keypoints: Point2[] } | null)[];
  detector_ran: boolean;
  timings_ms: { detector: number; crop: number; mesh: number; post: number; total: number };
}

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

function points3(a: Float32Array): Point3[] {
  const out: Point3[] = [];
  for (let i = 0; i < a.length; i += 3) out.push([a[i], a[i + 1], a[i + 2]]);
  return out;
}

function points2(a: Float32Array, sx = 1, sy = 1): Point2[] {
  const out: Point2[] = [];
  for (let i = 0; i < a.length; i += 2) out.push([a[i] * sx, a[i + 1] * sy]);
  return out;
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

function faceRecord(face: FaceResult, width: number, height: number) {
  const { lips, leftEye, rightEye, leftIris, rightIris } = face.regions;
  const { xCenter, yCenter, width: w, height: h, rotation } = face.roi;
  const d = face.detection;
  return {
    landmarks: points3(face.landmarks),
    regions: { lips: points2(lips), leftEye: points2(leftEye), rightEye: points2(rightEye), leftIris: points2(leftIris), rightIris: points2(rightIris) },
    roi: { xCenter, yCenter, width: w, height: h, rotation },
    detection: d
      ? { score: d.score, box: { xMin: d.box.xMin * width, yMin: d.box.yMin * height, xMax: d.box.xMax * width, yMax: d.box.yMax * height }, keypoints: points2(d.keypoints, width, height) }
      : null,
  };
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
    const result = await api.process(image);
    const faces = result.faces.map((f) => faceRecord(f, result.width, result.height));
    const t = result.timings;
    return {
      width: result.width,
      height: result.height,
      num_faces: faces.length,
      faces: faces.map((f) => f.landmarks),
      scores: result.faces.map((f) => f.score),
      regions: faces.map((f) => f.regions),
      rois: faces.map((f) => f.roi),
      detections: faces.map((f) => f.detection),
      detector_ran: result.detectorRan,
      timings_ms: { detector: t.detectorMs, crop: t.cropMs, mesh: t.meshMs, post: t.postMs, total: t.totalMs },
    };
  },
};

window.faceMeshLandmarks = page;
