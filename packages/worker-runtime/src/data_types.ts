/**
 * The runtime's types that need no DOM: pipeline options and results, raw RGBA frames, the runtime
 * mode, error codes. What @face-mesh/node's published typings refer to (types.ts adds the worker's
 * API, which takes DOM frames and canvases).
 */
export type * from './pipeline/types.js';
export type { RuntimeMode, WasmBinary } from './backend.js';
export type { ErrorCode, ErrorInfo } from './errors.js';
