/**
 * The diagnostics API, beside the product API in the same worker (worker_api.ts): single models by
 * id (load, run, benchmark), and tensor and memory counts. Tests and benchmarks use it; the element
 * does not.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import { liveFrameCounts, tuningHost } from './runtime_api.js';
import { poolThreads } from '@face-mesh/tflite';
import { runningBinary } from '../backend.js';
import type { ExecutorOptions, KernelFamily, ModelMacs, OpProfileEntry, PeakMacs } from '@face-mesh/tflite/types';
import { fetchModel } from '../models/loader.js';
import { countMacs, createExecutor, measurePeakMacs, PlanExecutor, WasmBackendAccess, type ModelExecutor } from '@face-mesh/tflite';

export interface ModelInfo {
  id: number;
  url: string;
  description: string;
  inputShape: number[];
  outputs: { name: string; shape: number[] }[];
  /** Operators in the file, and compute steps left after fusion and aliasing. */
  operators: number;
  steps: number;
  /** Multiply-accumulates of one run, from the graph (convolutions and fully connected layers). */
  macs: ModelMacs;
  /** The plan's own kernels: their build ('relaxed-simd' or 'simd'), null when they do not run (or the reference executor). */
  kernelFamily: KernelFamily | null;
  loadMs: number;
}

export interface RunResult {
  /** Graph outputs in SubGraph.outputs order (buffers transferred to the caller). */
  outputs: Float32Array[];
  ms: number;
}

export interface BenchResult {
  /** Wall time of each timed run. */
  ms: number[];
  /** Time per op type (a separate pass, since timing each op adds overhead). */
  ops: OpProfileEntry[];
}

export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
  /** Size of the wasm backend's linear memory (it only grows), or null when not on wasm. */
  wasmHeapBytes: number | null;
  /** Live-path frames the worker holds (being processed + waiting): at most 2, never a queue. */
  framesHeld: number;
  /** Live-path frames dropped so far because a newer one arrived while the worker was busy. */
  framesDropped: number;
}

export interface DiagnosticsApi {
  /** Fetch, parse and compile a .tflite model; errors name the URL and the problem. */
  loadModel(url: string, options?: ExecutorOptions): Promise<ModelInfo>;
  run(id: number, input: Float32Array): Promise<RunResult>;
  bench(id: number, input: Float32Array, runs: number, warmup: number): Promise<BenchResult>;
  disposeModel(id: number): Promise<void>;
  /** tf.memory().numTensors, to check that runs leak nothing. */
  numTensors(): Promise<number>;
  /** Tensor count and bytes (tf.memory()) and the wasm heap's size, for leak checks and benchmarks. */
  memoryInfo(): Promise<MemoryInfo>;
  /**
   * This core's multiply-accumulate peak in our kernel module, in the build the plan takes (relaxed
   * SIMD where it validates) and in the plain SIMD build; null when it cannot be attached.
   */
  peakMacs(): Promise<PeakMacs[] | null>;
  /**
   * What threads="auto" does to change binaries, on demand: restart the backend on `binary` with
   * `threads`, the pipeline's models built again there, its tracking kept. Resolves with what runs.
   */
  switchBinary(binary: 'threaded-simd' | 'simd', threads: number): Promise<{ binary: string; threads: number }>;
}

const models = new Map<number, ModelExecutor>();
let nextId = 1;

function model(id: number): ModelExecutor {
  const m = models.get(id);
  if (!m) throw new Error(`no model with id ${id}`);
  return m;
}

export const diagnosticsApi: DiagnosticsApi = {
  async switchBinary(binary, threads) {
    await tuningHost.switchBinary(binary, threads);
    return { binary: runningBinary() ?? 'none', threads: poolThreads() };
  },

  async loadModel(url, options) {
    const start = performance.now();
    const graph = await fetchModel(url);
    const executor = createExecutor(graph, options);
    const id = nextId++;
    models.set(id, executor);
    return {
      id, url, description: graph.description, inputShape: executor.inputShape,
      outputs: graph.outputs.map((t) => ({ name: graph.tensors[t]!.name, shape: graph.tensors[t]!.shape })),
      operators: graph.operators.length, steps: executor.stepCount, macs: countMacs(graph),
      kernelFamily: executor instanceof PlanExecutor ? executor.kernelFamily : null, loadMs: performance.now() - start,
    };
  },

  async run(id, input) {
    const start = performance.now();
    const outputs = model(id).run(input);
    const result: RunResult = { outputs, ms: performance.now() - start };
    return Comlink.transfer(result, outputs.map((o) => o.buffer));
  },

  async bench(id, input, runs, warmup) {
    const m = model(id);
    // The plan copies a Float32Array into its input buffer; the reference executor takes a tensor.
    const tensor = m instanceof PlanExecutor ? null : tf.tensor(input, m.inputShape);
    const x = tensor ?? input;
    try {
      for (let i = 0; i < warmup; i++) m.run(x);
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        m.run(x);
        ms.push(performance.now() - t0);
      }
      m.startProfile();
      for (let i = 0; i < Math.min(runs, 20); i++) m.run(x);
      return { ms, ops: m.stopProfile() };
    } finally {
      tensor?.dispose();
    }
  },

  async disposeModel(id) {
    model(id).dispose();
    models.delete(id);
  },

  async numTensors() {
    return tf.memory().numTensors;
  },

  async memoryInfo() {
    const { numTensors, numBytes } = tf.memory();
    const heap = (tf.backend() as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8;
    return { numTensors, numBytes, wasmHeapBytes: heap ? heap.buffer.byteLength : null, framesHeld: liveFrameCounts().held, framesDropped: liveFrameCounts().dropped };
  },
  async peakMacs() {
    const memory = new WasmBackendAccess().memory();
    const taken = measurePeakMacs(memory);
    if (!taken) return null;
    return taken.family === 'simd' ? [taken] : [taken, measurePeakMacs(memory, false)!];
  },
};
