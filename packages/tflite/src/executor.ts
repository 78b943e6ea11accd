/**
 * Compiles a ModelGraph into a flat plan once (kernels chosen, constants uploaded in tfjs layouts,
 * activations fused, no-op aliases removed, per-step disposal lists computed) and runs it per frame
 * with nothing but array indexing: no string lookups, no shape checks beyond the kernels' own.
 */
import { UnsupportedOpError } from './errors.js';
import * as tf from '@tensorflow/tfjs-core';
import { GraphCompilation, OpProfile } from './graph_compilation.js';
import { opDefinition } from './ops/registry.js';
import { describeOp, type Exec } from './ops/types.js';
import type { ModelGraph } from './parser/model.js';
import type { ExecutorOptions, OpProfileEntry } from './types.js';

export type { ExecutorOptions, OpProfileEntry } from './types.js';

interface Step {
  exec: Exec;
  /** Slot (tensor index) of each input, and a reusable argument array. */
  inputs: Int32Array;
  args: tf.Tensor[];
  output: number;
  /** Slots whose last reader is this step: disposed right after it (frees wasm memory early). */
  free: Int32Array;
  label: string;
  opIndex: number;
}

export class Executor {
  readonly graph: ModelGraph;
  readonly inputShape: number[];
  private readonly steps: Step[];
  private readonly slots: (tf.Tensor | null)[];
  private readonly inputSlot: number;
  private readonly outputSlots: Int32Array;
  private readonly compilation: GraphCompilation;
  private profile: OpProfile | null = null;
  private disposed = false;

  constructor(graph: ModelGraph, options: ExecutorOptions = {}) {
    this.graph = graph;
    const n = graph.tensors.length;
    this.slots = new Array<tf.Tensor | null>(n).fill(null);
    // Plain-layout constants may also be read straight from their slot.
    const compilation = new GraphCompilation(graph, options.fuse ?? true, (t, c) => { this.slots[t] = c; });
    this.compilation = compilation;
    this.inputSlot = graph.inputs[0]!;
    this.inputShape = graph.tensors[this.inputSlot]!.shape;
    const { alias, resolve, constant, absorbed } = compilation;

    const steps: Step[] = [];
    for (const op of graph.operators) {
      if (absorbed[op.index]) continue;
      const compiled = opDefinition(op)!.compile(compilation.contextFor(op));
      if (compiled.kind === 'alias') {
        for (const out of op.outputs) alias[out] = resolve(compiled.of);
        continue;
      }
      for (const t of compiled.inputs) {
        if (t < 0) throw new UnsupportedOpError(`${describeOp(op)}: a required input is missing`);
        if (graph.tensors[t]!.data) constant(t);
      }
      steps.push({
        exec: compiled.exec, inputs: Int32Array.from(compiled.inputs), args: new Array<tf.Tensor>(compiled.inputs.length),
        output: compiled.output, free: new Int32Array(0), label: compiled.label, opIndex: op.index,
      });
    }
    this.outputSlots = Int32Array.from(graph.outputs, resolve);

    // Last reader of each runtime tensor; graph outputs, the input and constants are never freed mid-run.
    const keep = new Uint8Array(n);
    keep[this.inputSlot] = 1;
    for (const t of this.outputSlots) keep[t] = 1;
    const lastUse = new Int32Array(n).fill(-1);
    steps.forEach((s, i) => s.inputs.forEach((t) => { lastUse[t] = i; }));
    const freeLists: number[][] = steps.map(() => []);
    lastUse.forEach((step, t) => {
      if (step >= 0 && !keep[t] && !graph.tensors[t]!.data) freeLists[step]!.push(t);
    });
    // A computed tensor nobody reads (and not an output) is freed right after it is made.
    steps.forEach((s, i) => { if (lastUse[s.output] < 0 && !keep[s.output]) freeLists[i]!.push(s.output); });
    steps.forEach((s, i) => { s.free = Int32Array.from(freeLists[i]!); });
    for (const t of this.outputSlots) {
      if (t !== this.inputSlot && !graph.tensors[t]!.data && !steps.some((s) => s.output === t)) {
        throw new UnsupportedOpError(`graph output tensor ${t} is never computed`);
      }
    }
    this.steps = steps;
  }

  /** Compute steps after compilation (fused and aliased ops removed). */
  get stepCount(): number {
    return this.steps.length;
  }

  /** Runs the model; returns the graph outputs (SubGraph.outputs order) as new Float32Arrays. */
  run(input?: tf.Tensor | Float32Array): Float32Array[] {
    if (this.disposed) throw new Error('the model was disposed');
    // (It has no input buffer to write in place: see ModelExecutor.inputByteOffset.)
    if (!input) throw new Error('the reference executor needs its input');
    const { steps, slots, profile } = this;
    return tf.tidy(() => {
      const x = input instanceof Float32Array ? tf.tensor(input, this.inputShape, 'float32') : input;
      slots[this.inputSlot] = x;
      try {
        for (let i = 0; i < steps.length; i++) {
          const s = steps[i]!;
          const t0 = profile ? performance.now() : 0;
          for (let j = 0; j < s.inputs.length; j++) s.args[j] = slots[s.inputs[j]!]!;
          slots[s.output] = s.exec(s.args);
          for (let j = 0; j < s.free.length; j++) {
            const f = s.free[j]!;
            slots[f]!.dispose();
            slots[f] = null;
          }
          if (profile) profile.add(i, performance.now() - t0);
        }
        const out: Float32Array[] = [];
        for (let k = 0; k < this.outputSlots.length; k++) {
          const d = slots[this.outputSlots[k]!]!.dataSync();
          out.push(d instanceof Float32Array ? d : Float32Array.from(d));
        }
        profile?.endRun();
        return out;
      } finally {
        // Drop references (tidy frees what is left); constants keep their slots.
        for (const s of steps) { slots[s.output] = null; s.args.fill(undefined as unknown as tf.Tensor); }
        slots[this.inputSlot] = null;
      }
    });
  }

  /** Starts (or restarts) per-step timing of the following runs. */
  startProfile(): void {
    this.profile = new OpProfile(this.steps.map((s) => s.label));
  }

  /** Stops timing and returns the time per op type. */
  stopProfile(): OpProfileEntry[] {
    const entries = this.profile?.byLabel() ?? [];
    this.profile = null;
    return entries;
  }

  /** Frees the constants; the executor cannot run afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.compilation.disposeConstants();
    this.slots.fill(null);
  }
}
