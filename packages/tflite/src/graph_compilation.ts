/**
 * What both executors need while compiling a graph: the op check, tensor aliases (a DEQUANTIZE of a
 * constant, no-op ops), each tensor's readers, the constants uploaded once per layout, ops absorbed
 * into an earlier one, and each op's CompileContext. Also the per-op-type profile both keep.
 */
import { UnsupportedOpError } from './errors.js';
import * as tf from '@tensorflow/tfjs-core';
import { checkGraph } from './graph_check.js';
import { type CompileContext, type ConstData, type ConstLayout } from './ops/types.js';
import type { ModelGraph, OperatorInfo } from './parser/model.js';
import type { OpProfileEntry } from './types.js';

export class GraphCompilation {
  /** Tensor index -> the tensor it is an alias of (itself when none). */
  readonly alias: Int32Array;
  /** Ops fused into an earlier one: skipped by the executor. */
  readonly absorbed: Uint8Array;
  /** Every constant uploaded, for dispose(). */
  readonly constants: tf.Tensor[] = [];
  private readonly readers: OperatorInfo[][];
  private readonly isGraphOutput: Uint8Array;
  private readonly constCache = new Map<string, tf.Tensor>();

  /** `onConstant`: called with each plain-layout constant uploaded (the reference executor keeps them in slots). */
  constructor(readonly graph: ModelGraph, readonly fuse: boolean, private readonly onConstant?: (tensor: number, value: tf.Tensor) => void) {
    // Indices, op order, shapes and kernel parameters, and that every op is one we run (ops/registry.ts),
    // before anything is uploaded.
    checkGraph(graph);
    if (graph.inputs.length !== 1) throw new UnsupportedOpError(`expected 1 graph input, found ${graph.inputs.length}`);
    const n = graph.tensors.length;
    this.alias = new Int32Array(n).map((_, i) => i);
    this.readers = Array.from({ length: n }, () => []);
    for (const op of graph.operators) for (const t of op.inputs) if (t >= 0) this.readers[t]!.push(op);
    this.isGraphOutput = new Uint8Array(n);
    for (const t of graph.outputs) this.isGraphOutput[t] = 1;
    this.absorbed = new Uint8Array(graph.operators.length);
    // DEQUANTIZE of a constant is an alias of that constant: resolve them all first, so that a conv can
    // see that the PRELU after it has constant slopes although their DEQUANTIZE comes later in the list.
    for (const op of graph.operators) {
      const src = op.inputs[0] ?? -1;
      if (op.opName === 'DEQUANTIZE' && src >= 0 && graph.tensors[src]!.data) this.alias[op.outputs[0]!] = src;
    }
  }

  resolve = (t: number): number => (t < 0 ? t : this.alias[t]!);

  /** The constant as a tf tensor, uploaded once per layout. */
  constant = (t: number, layout?: ConstLayout): tf.Tensor => {
    const key = `${t}/${layout?.key ?? ''}`;
    let c = this.constCache.get(key);
    if (!c) {
      const info = this.graph.tensors[t]!;
      if (!info.data) throw new Error(`tensor ${t} (${info.name}) is not a constant`);
      const { data, shape } = layout ? layout.make(info.data, info.shape) : { data: info.data, shape: info.shape };
      c = tf.tensor(data, shape, data instanceof Int32Array ? 'int32' : 'float32');
      this.constCache.set(key, c);
      this.constants.push(c);
      if (!layout) this.onConstant?.(t, c);
    }
    return c;
  };

  contextFor(op: OperatorInfo): CompileContext {
    const { graph, fuse, resolve, constant, readers, isGraphOutput, absorbed } = this;
    return {
      graph, op, fuse,
      input: (i) => resolve(op.inputs[i] ?? -1),
      output: (i) => op.outputs[i]!,
      resolve,
      info: (t) => graph.tensors[t]!,
      constData: (t) => (t >= 0 ? graph.tensors[t]!.data : null) as ConstData | null,
      constant,
      soleConsumer: (t) => (readers[t]!.length === 1 && !isGraphOutput[t] ? readers[t]![0]! : null),
      absorb: (o) => { absorbed[o.index] = 1; },
    };
  }

  disposeConstants(): void {
    for (const c of this.constants) c.dispose();
    this.constants.length = 0;
    this.constCache.clear();
  }
}

/** Time per step, summed per op type over the profiled runs. */
export class OpProfile {
  private readonly ms: Float64Array;
  private runs = 0;

  constructor(private readonly labels: readonly string[]) {
    this.ms = new Float64Array(labels.length);
  }

  add(step: number, ms: number): void {
    this.ms[step] += ms;
  }

  endRun(): void {
    this.runs++;
  }

  /** Time per op type, largest first. */
  byLabel(): OpProfileEntry[] {
    if (this.runs === 0) return [];
    const byLabel = new Map<string, OpProfileEntry>();
    this.labels.forEach((label, i) => {
      const e = byLabel.get(label) ?? { label, count: 0, msPerRun: 0 };
      e.count++;
      e.msPerRun += this.ms[i]! / this.runs;
      byLabel.set(label, e);
    });
    return [...byLabel.values()].sort((a, b) => b.msPerRun - a.msPerRun);
  }
}
