/**
 * The page side of the worker: starts the module worker that sits next to this bundle and finds
 * the wasm binaries and model files under one asset base (by default, next to this bundle).
 */
import * as Comlink from 'comlink';
import type { BackendOptions, PipelineModelUrls, RuntimeApi, RuntimeMode } from '@face-mesh/worker-runtime';

/** Where the built bundle keeps `wasm/` and `models/`: the folder this module was loaded from. */
export const DEFAULT_ASSET_BASE = new URL('./', import.meta.url).href;

export interface RuntimeClient {
  api: Comlink.Remote<RuntimeApi>;
  assetBase: string;
  modelUrls: PipelineModelUrls;
  /** The canonical face geometry (mesh triangles for the overlay). */
  geometryUrl: string;
  /** Start tfjs on wasm in the worker, with the binaries from `${assetBase}wasm/`. */
  init(options?: Omit<BackendOptions, 'wasmBase'>): Promise<RuntimeMode>;
  /** Called if the worker dies (e.g. out of memory) or its script fails to load. */
  onCrash: ((message: string) => void) | null;
  /** Terminate the worker (and with it every tensor and wasm thread it holds). */
  close(): void;
}

export function startRuntime(assetBase: string = DEFAULT_ASSET_BASE): RuntimeClient {
  const base = new URL(assetBase, location.href);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const worker = new Worker(new URL('./face-mesh.worker.js', import.meta.url), { type: 'module', name: 'face-mesh' });
  const api = Comlink.wrap<RuntimeApi>(worker);
  const models = new URL('models/', base);
  const client: RuntimeClient = {
    api,
    assetBase: base.href,
    modelUrls: {
      detector: new URL('face_detection_short_range.tflite', models).href,
      mesh: new URL('face_landmark_with_attention.tflite', models).href,
    },
    geometryUrl: new URL('geometry_pipeline_metadata_landmarks.binarypb', models).href,
    init: (options = {}) => api.init({ ...options, wasmBase: new URL('wasm/', base).href }),
    onCrash: null,
    close() {
      worker.removeEventListener('error', onError);
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
  const onError = (e: ErrorEvent) => {
    client.onCrash?.(`The face-mesh worker stopped: ${e.message || 'it could not start or ran out of memory'}.`);
  };
  worker.addEventListener('error', onError);
  return client;
}
