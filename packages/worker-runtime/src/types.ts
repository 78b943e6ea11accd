/**
 * The worker runtime's public types, and nothing that reaches tfjs: what the element's typings refer
 * to. The published `@face-mesh/element` ships these declarations (the worker itself is bundled).
 */
export type { InitOptions, RuntimeApi } from './api/runtime_api.js';
export type { BenchResult, DiagnosticsApi, MemoryInfo, ModelInfo, RunResult } from './api/diagnostics_api.js';
export type { WorkerApi } from './api/worker_api.js';
export type { BackendOptions, RuntimeMode, WasmBinary } from './backend.js';
export type { WasmFileName } from './defaults.js';
export type { ExecutorOptions, OpProfileEntry } from '@face-mesh/tflite/types';
export type { FrameInput, RawFrame } from './pipeline/frame.js';
export type * from './pipeline/types.js';
export type { StreamFrameResult, StreamListener } from './stream/frame_loop.js';
export type { OverlayMode } from './defaults.js';
export type { ErrorCode, ErrorInfo } from './errors.js';
export type { ThreadChoice } from './threads/thread_choice.js';
