/**
 * The one home of the project's defaults and names: the pipeline's and the element's option
 * defaults, the overlay modes, and the file names of the wasm binaries and the model files. Plain
 * data, no tfjs: the page-side element imports it (`@face-mesh/worker-runtime/defaults`), so do the
 * worker, the Node package, the build (rollup.config.mjs, tools/pack.mjs) and the README's attribute
 * table (tools/element-tables.mjs), through tools/ts-module.mjs.
 */
import { FACE_LANDMARKER_ENVIRONMENT } from '@face-mesh/geometry';
import type { PipelineOptions } from './pipeline/types.js';

/** The pipeline's defaults: MediaPipe's face_mesh solution's (the pose camera: FaceLandmarker's 63°). */
export const DEFAULT_PIPELINE_OPTIONS: Readonly<PipelineOptions> = Object.freeze({
  maxFaces: 1,
  minDetectionConfidence: 0.5,
  minTrackingConfidence: 0.5,
  staticImageMode: false,
  detectionIntervalMs: 0,
  mirror: false,
  smoothing: true,
  smoothingMinCutoff: 0.05,
  smoothingBeta: 80,
  smoothingDerivateCutoff: 1,
  transform: false,
  eyes: false,
  fov: FACE_LANDMARKER_ENVIRONMENT.perspectiveCamera.verticalFovDegrees,
});

/** What the worker can draw over the picture (the element's `overlay`). */
export const OVERLAY_MODES = ['none', 'mesh', 'contours', 'irises', 'points', 'axes', 'texture'] as const;
export type OverlayMode = (typeof OVERLAY_MODES)[number];

/**
 * The `<face-mesh>` element's defaults: the pipeline's, except the detection interval. With one face
 * tracked and `max-faces="2"`, 200 ms runs the detector on one camera frame in seven at 30 fps, ~1.13x
 * the work of `max-faces="1"` (100 ms: 1.39x; docs/performance.md), and a second face is found within
 * 200 ms plus a frame. (The pipeline keeps MediaPipe's 0: every frame.)
 */
export const ELEMENT_DEFAULTS = Object.freeze({
  maxFaces: DEFAULT_PIPELINE_OPTIONS.maxFaces,
  detectionInterval: 200,
  minDetectionConfidence: DEFAULT_PIPELINE_OPTIONS.minDetectionConfidence,
  minTrackingConfidence: DEFAULT_PIPELINE_OPTIONS.minTrackingConfidence,
  mirror: DEFAULT_PIPELINE_OPTIONS.mirror,
  smoothing: 'default' as 'default' | 'off',
  smoothingMinCutoff: DEFAULT_PIPELINE_OPTIONS.smoothingMinCutoff,
  smoothingBeta: DEFAULT_PIPELINE_OPTIONS.smoothingBeta,
  smoothingDerivateCutoff: DEFAULT_PIPELINE_OPTIONS.smoothingDerivateCutoff,
  transform: DEFAULT_PIPELINE_OPTIONS.transform,
  eyes: DEFAULT_PIPELINE_OPTIONS.eyes,
  fov: DEFAULT_PIPELINE_OPTIONS.fov,
  overlay: 'contours' as OverlayMode,
  threads: 'auto' as 'auto' | 'off' | `${number}`,
  /** At most this many frames a second are processed; 0: every camera frame. */
  maxFps: 0,
});

/**
 * The most XNNPACK threads `auto` may use: half the cores, at least 1, at most 4 (more buys little
 * for a 192x192 model); whether they are used is measured (thread_choice.ts, thread_tuning.ts).
 * Not every core: the pool's threads wait for each other at every op, so when another process (or
 * the page, the camera, the compositor) takes one of the cores the whole frame waits for it.
 * Measured on 2 cores (npm run bench): 2 threads ~12% faster when the machine is idle, but ~9x
 * slower (~140 ms a frame instead of ~15) with one busy process; 1 thread hardly moves, like the
 * single-thread binary.
 */
export function chooseThreadCount(hardwareConcurrency: number, requested: 'auto' | 'off' | number | undefined): number {
  if (requested === 'off') return 1;
  if (typeof requested === 'number') return Math.max(1, Math.floor(requested));
  return Math.min(4, Math.max(1, Math.floor((hardwareConcurrency || 1) / 2)));
}

/**
 * Whether a start-up with these options would start wasm threads (and so the nested workers of
 * Emscripten's thread pool): a cross-origin isolated page, and more than one thread chosen or the
 * threaded binary forced. (The worker and the page both ask: defaults.ts is page-safe.)
 */
export function mayStartThreads(options: { threads?: 'auto' | 'off' | number; binary?: string; cores?: number }): boolean {
  if (globalThis.crossOriginIsolated !== true || options.threads === 'off') return false;
  if (options.binary) return options.binary === 'threaded-simd';
  return chooseThreadCount(options.cores ?? globalThis.navigator?.hardwareConcurrency ?? 1, options.threads) > 1;
}

/** The tfjs-backend-wasm binaries, by the file names tfjs asks for. */
export const WASM_FILE_NAMES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;
export type WasmFileName = (typeof WASM_FILE_NAMES)[number];

/** The model files, as models/extract.mjs writes them and the build ships them (under `models/`). */
export const MODEL_FILES = Object.freeze({
  /** BlazeFace short range: finds faces. */
  detector: 'face_detection_short_range.tflite',
  /** The attention mesh: 478 refined points. */
  mesh: 'face_landmark_with_attention.tflite',
  /** The plain 468-point mesh (`refine="false"`). */
  plainMesh: 'face_landmark.tflite',
  /** The canonical face (pose, mesh triangles, texture coordinates). */
  geometry: 'geometry_pipeline_metadata_landmarks.binarypb',
} as const);
