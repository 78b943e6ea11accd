/** Everything the worker exposes through Comlink: the product API and the diagnostics API. */
import { runtimeApi, type RuntimeApi } from './runtime_api.js';
import { diagnosticsApi, type DiagnosticsApi } from './diagnostics_api.js';

export type WorkerApi = RuntimeApi & DiagnosticsApi;

export const workerApi: WorkerApi = { ...runtimeApi, ...diagnosticsApi };
