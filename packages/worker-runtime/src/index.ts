export type { RuntimeApi } from './api.js';
export type { BackendOptions, RuntimeMode, WasmBinary } from './backend.js';
export { chooseThreadCount } from './backend.js';
