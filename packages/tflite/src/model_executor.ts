/** The executor a model runs on: the static plan by default, the reference executor on request. */
import type * as tf from '@tensorflow/tfjs-core';
import { Executor } from './executor.js';
import type { ExecutorOptions, OpProfileEntry } from './types.js';
import { PlanExecutor } from './plan/plan_executor.js';
import type { ModelGraph } from './parser/model.js';

export interface ModelExecutor {
  readonly graph: ModelGraph;
  readonly inputShape: number[];
  readonly stepCount: number;
  /** Runs on `input`, or (the plan) on what was written at inputByteOffset. */
  run(input?: tf.Tensor | Float32Array): Float32Array[];
  /** The plan's input buffer in the backend's memory (written in place, then run() without input); absent on the reference executor. */
  readonly inputByteOffset?: number;
  startProfile(): void;
  stopProfile(): OpProfileEntry[];
  dispose(): void;
}

export function createExecutor(graph: ModelGraph, options: ExecutorOptions = {}): ModelExecutor {
  return options.executor === 'reference' ? new Executor(graph, options) : new PlanExecutor(graph, options);
}
