export type { BenchResult, ModelInfo, RunResult, RuntimeApi } from './api.js';
export type { BackendOptions, RuntimeMode, WasmBinary } from './backend.js';
export { chooseThreadCount } from './backend.js';
export { Executor, type ExecutorOptions, type OpProfileEntry } from './executor.js';
export { DetectorModel, MeshModel, sigmoid, type DetectorResult, type MeshResult } from './models.js';
export { parseModel, ModelFormatError, type ModelGraph, type OperatorInfo, type TensorInfo } from './tflite/model.js';
