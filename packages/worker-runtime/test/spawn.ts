/** Test helper: start the runtime worker from source (the dev server serves worker.ts as worker.js). */
import * as Comlink from 'comlink';
import type { WorkerApi } from '../src/index.js';

export const WASM_BASE = '/node_modules/@tensorflow/tfjs-backend-wasm/dist/';
/** The model files as `npm install` extracts them. */
export const MODEL_URLS = {
  detector: '/models/dist/face_detection_short_range.tflite',
  mesh: '/models/dist/face_landmark_with_attention.tflite',
};
/** The plain 468-point mesh model (MediaPipe's refineLandmarks: false). */
export const PLAIN_MESH_URL = '/models/dist/face_landmark.tflite';
/** The canonical face, for the transform option. */
export const GEOMETRY_URL = '/models/dist/geometry_pipeline_metadata_landmarks.binarypb';

export function spawnRuntime(): { api: Comlink.Remote<WorkerApi>; worker: Worker } {
  const worker = new Worker(new URL('../src/worker.js', import.meta.url), { type: 'module' });
  return { api: Comlink.wrap<WorkerApi>(worker), worker };
}
