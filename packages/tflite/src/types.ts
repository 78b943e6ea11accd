/**
 * The runtime's option and result types, apart from its tfjs code: plain data a page or the
 * published typings can refer to without reaching tfjs (`@face-mesh/tflite/types`).
 */

/** The tfjs-backend-wasm binary that runs: threads + SIMD, SIMD, or plain wasm (no SIMD). */
export type WasmBinary = 'threaded-simd' | 'simd' | 'plain';

export interface ExecutorOptions {
  /** Fuse PRELU/RELU (and the bias) into the preceding conv. Default true; false for benchmarks. */
  fuse?: boolean;
  /**
   * `'plan'` (default): the static plan (plan/plan_executor.ts), kernels called directly on
   * preallocated buffers. `'reference'`: the op-by-op executor (executor.ts), which defines what
   * each op computes; tests compare the two.
   */
  executor?: 'plan' | 'reference';
  /**
   * The plan's own SIMD kernels (default true): the residual epilogue and 1x1 convolutions; false
   * runs tfjs' kernels (XNNPACK convs, ADD/PAD/PRELU) instead.
   */
  ownKernels?: boolean;
  /**
   * Our kernels' relaxed-SIMD build (fused multiply-add) where the engine validates it (default
   * true); false takes the plain SIMD build, whose results equal tfjs' kernels bit for bit.
   */
  relaxedSimd?: boolean;
}

/** Time per op type over the profiled runs, largest first. */
export interface OpProfileEntry { label: string; count: number; msPerRun: number }

/** A parsed model (parser/model.ts): plain data. */
export type { ModelGraph, OperatorInfo, TensorInfo } from './parser/model.js';

/** The wasm backend's module and our kernel modules on its memory, as far as callers' typings see them. */
export type { WasmBackendAccess, WasmMemory } from './plan/wasm_backend.js';
export type { KernelFamily, KernelModuleResult } from './plan/kernel_module.js';
export type { ModelMacs } from './graph_macs.js';
export type { PeakMacs } from './plan/kernel_peak.js';
