/** Test helper: start the runtime worker from source (the dev server serves worker.ts as worker.js). */
import * as Comlink from 'comlink';
import type { WorkerApi } from '../src/index.js';
import { StartupWatch, type StageListener, type StageReport } from '../src/startup.js';

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

/**
 * The runtime worker from source. Its start-up calls (init, createPipeline) run under the product's
 * stage deadlines (startup.ts, as the element does), so a worker that hangs fails its test within
 * seconds with the stage in the message, not at the test runner's timeout.
 */
export function spawnRuntime(): { api: Comlink.Remote<WorkerApi>; worker: Worker } {
  const worker = new Worker(new URL('../src/worker.js', import.meta.url), { type: 'module' });
  const remote = Comlink.wrap<WorkerApi>(worker);
  const watched = (call: 'init' | 'createPipeline', first: StageReport) => (...args: unknown[]) => {
    const watch = new StartupWatch();
    const progressAt = call === 'init' ? 1 : 2;
    const onProgress = args[progressAt] as ((f: number) => void) | undefined;
    args[progressAt] = Comlink.proxy((f: number) => {
      watch.progress();
      onProgress?.(f);
    });
    const onStage = args[progressAt + 1] as StageListener | undefined;
    args[progressAt + 1] = Comlink.proxy((report: StageReport) => {
      watch.enter(report);
      onStage?.(report);
    });
    watch.enter(first);
    return watch.watch((remote[call] as (...a: unknown[]) => Promise<unknown>)(...args)).finally(() => watch.stop());
  };
  const init = watched('init', { stage: 'worker-script' });
  const createPipeline = watched('createPipeline', { stage: 'model-fetch' });
  const api = new Proxy(remote, {
    get: (target, prop, receiver) => (prop === 'init' ? init : prop === 'createPipeline' ? createPipeline : Reflect.get(target, prop, receiver)),
  });
  return { api, worker };
}
