/** What the worker exposes through Comlink. Small and typed: the main thread stays thin. */
import { initWasmBackend, type BackendOptions, type RuntimeMode } from './backend.js';

export interface RuntimeApi {
  /** Start tfjs on the wasm backend; resolves with the mode actually obtained. */
  init(options: BackendOptions): Promise<RuntimeMode>;
}

export const runtimeApi: RuntimeApi = {
  init: (options) => initWasmBackend(options),
};
