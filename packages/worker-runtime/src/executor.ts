/**
 * Compiles a ModelGraph into a flat plan once (kernels chosen, constants uploaded in tfjs layouts,
 * activations fused, no-op aliases removed, per-step disposal lists computed) and runs it per frame
 * with nothing but array indexing: no string lookups, no shape checks beyond the kernels' own.
 */
import * as tf from '@tensorflow/tfjs-core';
import { OP_KERNELS } from './ops/registry.js';
import { checkPlan } from './plan_check.js';
import { describeOp, UnsupportedOpError, type CompileContext, type ConstData, type ConstLayout, type Exec } from './ops/types.js';
import type { ModelGraph, OperatorInfo } from './tflite/model.js';
import type { ExecutorOptions, OpProfileEntry } from './executor_types.js';

export type { ExecutorOptions, OpProfileEntry } from './executor_types.js';


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
  private readonly constants: tf.Tensor[] = [];
  private profile: Float64Array | null = null;
  private profileRuns = 0;
  private disposed = false;

  constructor(graph: ModelGraph, options: ExecutorOptions = {}) {
    this.graph = graph;
    const fuse = options.fuse ?? true;
    checkPlan(graph); // indices, op order, shapes and kernel parameters, before anything is uploaded
    if (graph.inputs.length !== 1) throw new UnsupportedOpError(`expected 1 graph input, found ${graph.inputs.length}`);
    // Fail before uploading anything if an op has no kernel.
    for (const op of graph.operators) {
      if (!OP_KERNELS.has(op.opName)) {
        throw new UnsupportedOpError(`unsupported op ${op.opName}${op.custom ? ` (custom, v${op.version})` : ''} at operator #${op.index}`);
      }
    }
    const n = graph.tensors.length;
    this.inputSlot = graph.inputs[0]!;
    this.inputShape = graph.tensors[this.inputSlot]!.shape;
    this.slots = new Array<tf.Tensor | null>(n).fill(null);

    const alias = new Int32Array(n).map((_, i) => i);
    const resolve = (t: number): number => (t < 0 ? t : alias[t]!);
    const readers: OperatorInfo[][] = Array.from({ length: n }, () => []);
    for (const op of graph.operators) for (const t of op.inputs) if (t >= 0) readers[t]!.push(op);
    const isGraphOutput = new Uint8Array(n);
    for (const t of graph.outputs) isGraphOutput[t] = 1;
    const absorbed = new Uint8Array(graph.operators.length);
    const constCache = new Map<string, tf.Tensor>();

    const constant = (t: number, layout?: ConstLayout): tf.Tensor => {
      const key = `${t}/${layout?.key ?? ''}`;
      let c = constCache.get(key);
      if (!c) {
        const info = graph.tensors[t]!;
        if (!info.data) throw new Error(`tensor ${t} (${info.name}) is not a constant`);
        const { data, shape } = layout ? layout.make(info.data, info.shape) : { data: info.data, shape: info.shape };
        c = tf.tensor(data, shape, data instanceof Int32Array ? 'int32' : 'float32');
        constCache.set(key, c);
        this.constants.push(c);
        // Plain-layout constants may also be read straight from their slot.
        if (!layout) this.slots[t] = c;
      }
      return c;
    };

    // DEQUANTIZE of a constant is an alias of that constant: resolve them all first, so that a conv can
    // see that the PRELU after it has constant slopes although their DEQUANTIZE comes later in the list.
    for (const op of graph.operators) {
      const src = op.inputs[0] ?? -1;
      if (op.opName === 'DEQUANTIZE' && src >= 0 && graph.tensors[src]!.data) alias[op.outputs[0]!] = src;
    }

    const steps: Step[] = [];
    for (const op of graph.operators) {
      if (absorbed[op.index]) continue;
      const ctx: CompileContext = {
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
      const compiled = OP_KERNELS.get(op.opName)!(ctx);
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
  run(input: tf.Tensor | Float32Array): Float32Array[] {
    if (this.disposed) throw new Error('the model was disposed');
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
          if (profile) profile[i] += performance.now() - t0;
        }
        const out: Float32Array[] = [];
        for (let k = 0; k < this.outputSlots.length; k++) {
          const d = slots[this.outputSlots[k]!]!.dataSync();
          out.push(d instanceof Float32Array ? d : Float32Array.from(d));
        }
        if (profile) this.profileRuns++;
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
    this.profile = new Float64Array(this.steps.length);
    this.profileRuns = 0;
  }

  /** Stops timing and returns the time per op type. */
  stopProfile(): OpProfileEntry[] {
    const p = this.profile;
    this.profile = null;
    if (!p || this.profileRuns === 0) return [];
    const byLabel = new Map<string, OpProfileEntry>();
    this.steps.forEach((s, i) => {
      const e = byLabel.get(s.label) ?? { label: s.label, count: 0, msPerRun: 0 };
      e.count++;
      e.msPerRun += p[i]! / this.profileRuns;
      byLabel.set(s.label, e);
    });
    return [...byLabel.values()].sort((a, b) => b.msPerRun - a.msPerRun);
  }

  /** Frees the constants; the executor cannot run afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.constants) c.dispose();
    this.constants.length = 0;
    this.slots.fill(null);
  }
}
