/**
 * The page side of the worker: starts the module worker that sits next to this bundle and finds
 * the wasm binaries and model files under one asset base (by default, next to this bundle).
 */
import * as Comlink from 'comlink';
import type { BackendOptions, RuntimeApi, RuntimeMode } from '@face-mesh/worker-runtime';

/** Where the built bundle keeps `wasm/` and `models/`: the folder this module was loaded from. */
export const DEFAULT_ASSET_BASE = new URL('./', import.meta.url).href;

export interface RuntimeClient {
  api: Comlink.Remote<RuntimeApi>;
  assetBase: string;
  /** Start tfjs on wasm in the worker, with the binaries from `${assetBase}wasm/`. */
  init(options?: Omit<BackendOptions, 'wasmBase'>): Promise<RuntimeMode>;
  /** Terminate the worker (and with it every tensor and wasm thread it holds). */
  close(): void;
}

export function startRuntime(assetBase: string = DEFAULT_ASSET_BASE): RuntimeClient {
  const base = new URL(assetBase, location.href);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const worker = new Worker(new URL('./face-mesh.worker.js', import.meta.url), { type: 'module', name: 'face-mesh' });
  const api = Comlink.wrap<RuntimeApi>(worker);
  return {
    api,
    assetBase: base.href,
    init: (options = {}) => api.init({ ...options, wasmBase: new URL('wasm/', base).href }),
    close() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
