/**
 * @face-mesh/tflite: a .tflite runtime on tfjs-core and its wasm backend. Parse a model (bounded
 * against hostile files: limits.ts), check its graph, run it with the plan executor (our default:
 * the backend's C kernels on buffers placed once) or the reference executor (what each op computes).
 */
export { abandonRestart, restartWasmBackend, startWasmBackend, type WasmStageReport, type WasmStartOptions, type WasmStarted } from './backend.js';
export { ModelFormatError, TfliteError, UnsupportedOpError, WasmStartError } from './errors.js';
export { Executor } from './executor.js';
export { countMacs, operatorMacs, type ModelMacs } from './graph_macs.js';
export { checkGraph } from './graph_check.js';
export * from './limits.js';
export { createExecutor, type ModelExecutor } from './model_executor.js';
export { parseModel, type ModelGraph, type OperatorInfo, type TensorInfo } from './parser/model.js';
export { PlanExecutor } from './plan/plan_executor.js';
export { attachKernelModule, type KernelFamily, type KernelModuleResult } from './plan/kernel_module.js';
export { measurePeakMacs, type PeakMacs } from './plan/kernel_peak.js';
export { WasmBackendAccess } from './plan/wasm_backend.js';
export { poolThreads, resizePool } from './thread_pool.js';
export type { ExecutorOptions, OpProfileEntry, WasmBinary } from './types.js';
