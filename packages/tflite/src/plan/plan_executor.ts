/**
 * The plan executor: compiles a ModelGraph once into a static list of kernel calls on buffers
 * allocated once (one arena in the wasm backend's memory, shared by tensors whose lifetimes do not
 * overlap), so a run creates no tensor, shape array or allocation: it copies the input in, calls
 * each step, and copies the outputs out. Kernels are the backend's own C kernels (XNNPACK convs,
 * pooling, PAD...) called directly, our SIMD kernels (1x1 convolutions as a GEMM, own_conv_step.ts,
 * with the block's residual ADD taken into the store; the residual ADD + channel PAD + PRELU/RELU
 * in one pass elsewhere), and, for the few ops with neither (the attention model's custom ops), the reference
 * executor's kernels with their inputs copied out of the arena.
 *
 * The reference executor (../executor.ts) stays the definition of what each op computes: tests run
 * both on the same inputs.
 */
import { UnsupportedOpError } from '../errors.js';
import * as tf from '@tensorflow/tfjs-core';
import { GraphCompilation, OpProfile } from '../graph_compilation.js';
import { isFoldableChannelPad } from '../ops/pad.js';
import { opDefinition } from '../ops/registry.js';
import { describeOp, type CompileContext } from '../ops/types.js';
import type { ModelGraph, OperatorInfo } from '../parser/model.js';
import type { ExecutorOptions, OpProfileEntry } from '../types.js';
import { elementCount as elements } from '../limits.js';
import { planArena } from './arena.js';
import type { PlanBuffer, PlanContext, PlanStepSpec } from './plan_step.js';
import type { KernelFamily } from './kernel_module.js';
import { attachOwnKernels, type OwnKernels } from './own_kernels.js';
import { newPlanTensorId, WasmBackendAccess } from './wasm_backend.js';

interface Step {
  call: () => void;
  label: string;
  pooledLabel?: string;
}

export class PlanExecutor {
  readonly graph: ModelGraph;
  readonly inputShape: number[];
  /** Why our own SIMD kernels are not used, when they are not. */
  readonly kernelNote: string | undefined;
  /** Which build of our kernels runs (relaxed SIMD or plain SIMD), null when they do not. */
  readonly kernelFamily: KernelFamily | null;
  private readonly wasm: WasmBackendAccess;
  private readonly steps: Step[];
  private readonly compilation: GraphCompilation;
  private readonly pointers: number[] = [];
  private readonly tensorIds: number[] = [];
  private arena = 0;
  private readonly inputBuffer: PlanBuffer;
  private readonly outputBuffers: PlanBuffer[];
  private profile: OpProfile | null = null;
  private disposed = false;

  constructor(graph: ModelGraph, options: ExecutorOptions = {}) {
    this.graph = graph;
    this.wasm = new WasmBackendAccess();
    const fuse = options.fuse ?? true;
    const attached = options.ownKernels === false
      ? { kernels: null, family: null, note: 'turned off' }
      : attachOwnKernels(this.wasm.memory(), undefined, options.relaxedSimd !== false);
    this.kernelNote = attached.note;
    this.kernelFamily = attached.family;
    this.compilation = new GraphCompilation(graph, fuse);
    try {
      const inputTensor = graph.inputs[0]!;
      this.inputShape = graph.tensors[inputTensor]!.shape;
      const paddedFrom = attached.kernels && fuse ? this.foldChannelPads() : new Map<number, number>();
      const specs = this.planSteps(attached.kernels, paddedFrom);
      const { resolve } = this.compilation;
      const bufferOf = this.placeBuffers(specs, resolve(inputTensor), graph.outputs.map(resolve));
      this.steps = specs.map((s) => ({ call: s.bind(bufferOf), label: s.label, pooledLabel: s.pooledLabel }));
      this.inputBuffer = bufferOf(resolve(inputTensor));
      this.outputBuffers = graph.outputs.map((t) => bufferOf(resolve(t)));
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  /**
   * Channel PADs read only by a residual ADD are folded into the ADD's kernel (absorbed here):
   * for each folded PAD's output, the PAD's input.
   */
  private foldChannelPads(): Map<number, number> {
    const { resolve, absorbed } = this.compilation;
    const paddedFrom = new Map<number, number>();
    for (const op of this.graph.operators) {
      if (isFoldableChannelPad(this.compilation.contextFor(op))) {
        paddedFrom.set(op.outputs[0]!, resolve(op.inputs[0]!));
        absorbed[op.index] = 1;
      }
    }
    return paddedFrom;
  }

  /** Each op's plan step (its own, else its reference kernel on copies), aliases resolved, in op order. */
  private planSteps(kernels: OwnKernels | null, paddedFrom: ReadonlyMap<number, number>): PlanStepSpec[] {
    const { graph, compilation } = this;
    const { alias, resolve, absorbed } = compilation;
    const specs: PlanStepSpec[] = [];
    for (const op of graph.operators) {
      if (absorbed[op.index]) continue;
      const base = compilation.contextFor(op);
      const ctx: PlanContext = {
        ...base,
        wasm: this.wasm,
        kernels,
        shapeIn: (i) => graph.tensors[op.inputs[i]!]!.shape,
        paddedFrom: (t) => paddedFrom.get(t),
        own: (p) => { this.pointers.push(p); return p; },
      };
      const planned = opDefinition(op)!.plan?.(ctx) ?? this.referenceStep(base, op);
      if (planned.kind === 'alias') {
        for (const out of op.outputs) alias[out] = resolve(planned.of);
        continue;
      }
      specs.push(planned);
    }
    if (paddedFrom.size > 0) {
      // Every folded PAD must have been consumed by a residual kernel (not by a fallback ADD).
      const read = new Set(specs.flatMap((s) => s.inputs));
      for (const padOut of paddedFrom.keys()) {
        if (read.has(padOut)) throw new Error(`internal: a folded PAD output (tensor ${padOut}) is read by a step`);
      }
    }
    return specs;
  }

  /**
   * The buffers (the input, every step's output), placed in one arena allocated in the backend's
   * memory: tensors whose lifetimes (first write to last read; graph outputs to the end) do not
   * overlap share space. Each is registered with the backend under an id of ours.
   */
  private placeBuffers(specs: readonly PlanStepSpec[], input: number, outputs: readonly number[]): (tensor: number) => PlanBuffer {
    const bufferIndex = new Map<number, number>();
    const lifetimes: { size: number; first: number; last: number; tensor: number }[] = [];
    const addBuffer = (t: number, first: number) => {
      bufferIndex.set(t, lifetimes.length);
      lifetimes.push({ size: elements(this.graph.tensors[t]!.shape), first, last: first, tensor: t });
    };
    addBuffer(input, -1);
    specs.forEach((s, i) => {
      for (const t of s.inputs) {
        const b = bufferIndex.get(t);
        if (b === undefined) throw new UnsupportedOpError(`${s.label}: reads tensor ${t}, which no earlier step writes`);
        lifetimes[b]!.last = i;
      }
      if (bufferIndex.has(s.output)) throw new UnsupportedOpError(`${s.label}: tensor ${s.output} is written twice`);
      addBuffer(s.output, i);
    });
    for (const t of outputs) {
      const b = bufferIndex.get(t);
      if (b === undefined) throw new UnsupportedOpError(`graph output tensor ${t} is never computed`);
      lifetimes[b]!.last = Infinity;
    }
    const arena = planArena(lifetimes);
    this.arena = this.wasm.module._malloc(arena.size * 4);
    if (!this.arena) throw new Error(`could not allocate ${arena.size * 4} bytes for the model's tensors`);
    const buffers = lifetimes.map((l, i): PlanBuffer => {
      const id = newPlanTensorId();
      const offset = (this.arena >> 2) + arena.offsets[i]!;
      this.wasm.module.tfjs.registerTensor(id, l.size, offset * 4);
      this.tensorIds.push(id);
      return { id, offset, size: l.size };
    });
    return (t) => {
      const b = bufferIndex.get(t);
      if (b === undefined) throw new Error(`internal: no buffer for tensor ${t}`);
      return buffers[b]!;
    };
  }

  /** Compute steps after compilation (fused, folded and aliased ops removed). */
  get stepCount(): number {
    return this.steps.length;
  }

  /** The reference executor's kernel for `op`, run on copies of the plan's buffers. */
  private referenceStep(ctx: CompileContext, op: OperatorInfo): PlanStepSpec | { kind: 'alias'; of: number } {
    const compiled = opDefinition(op)!.compile(ctx);
    if (compiled.kind === 'alias') return compiled;
    const graph = this.graph;
    // The shape the op expects for each (resolved) input: the op's own tensor of that input.
    const shapes = compiled.inputs.map((t) => {
      const own = op.inputs.find((u) => u >= 0 && ctx.resolve(u) === t);
      return graph.tensors[own ?? t]!.shape;
    });
    const isConst = compiled.inputs.map((t) => t < 0 || !!graph.tensors[t]!.data);
    if (compiled.inputs.some((t) => t < 0)) throw new UnsupportedOpError(`${describeOp(op)}: a required input is missing`);
    const constTensors = compiled.inputs.map((t, i) => (isConst[i] ? ctx.constant(t) : null));
    const runtimeInputs = compiled.inputs.filter((_, i) => !isConst[i]);
    const outSize = elements(graph.tensors[compiled.output]!.shape);
    const wasm = this.wasm;
    return {
      kind: 'step', label: compiled.label, inputs: runtimeInputs, output: compiled.output,
      bind: (buffer) => {
        const from = compiled.inputs.map((t, i) => (isConst[i] ? null : buffer(t)));
        const to = buffer(compiled.output);
        return () => {
          const result = tf.tidy(() => {
            const heap = wasm.module.HEAPF32;
            const args = compiled.inputs.map((_, i) => {
              const b = from[i];
              return b ? tf.tensor(heap.slice(b.offset, b.offset + b.size), shapes[i]!, 'float32') : constTensors[i]!;
            });
            return compiled.exec(args).dataSync();
          });
          if (result.length !== outSize) throw new Error(`${describeOp(op)}: produced ${result.length} values, expected ${outSize}`);
          wasm.module.HEAPF32.set(result, to.offset);
        };
      },
    };
  }

  /** Byte offset of the input buffer in the backend's memory: write the input there, then run() without one. */
  get inputByteOffset(): number {
    return this.inputBuffer.offset * 4;
  }

  /**
   * Runs the model on `input`, or on what is already in its input buffer; returns the graph outputs
   * (SubGraph.outputs order) as new Float32Arrays.
   */
  run(input?: tf.Tensor | Float32Array): Float32Array[] {
    if (this.disposed) throw new Error('the model was disposed');
    if (input) {
      const data = input instanceof Float32Array ? input : (input.dataSync() as Float32Array);
      if (data.length !== this.inputBuffer.size) {
        throw new Error(`model input has ${data.length} values, expected ${this.inputBuffer.size} ([${this.inputShape}])`);
      }
      this.wasm.module.HEAPF32.set(data, this.inputBuffer.offset);
    }
    const { steps, profile } = this;
    if (profile) {
      for (let i = 0; i < steps.length; i++) {
        const t0 = performance.now();
        steps[i]!.call();
        profile.add(i, performance.now() - t0);
      }
      profile.endRun();
    } else {
      for (let i = 0; i < steps.length; i++) steps[i]!.call();
    }
    // The heap view is read again: a fallback step may have grown the memory.
    const heap = this.wasm.module.HEAPF32;
    return this.outputBuffers.map((b) => heap.slice(b.offset, b.offset + b.size));
  }

  /** Labels as the pool is now (a resize while profiling is not followed). */
  startProfile(): void {
    const pooled = (this.wasm.poolSizeReader()?.() ?? 1) > 1;
    this.profile = new OpProfile(this.steps.map((s) => (pooled && s.pooledLabel) || s.label));
  }

  stopProfile(): OpProfileEntry[] {
    const entries = this.profile?.byLabel() ?? [];
    this.profile = null;
    return entries;
  }

  /** Frees the arena, the registered ids and the constants; the executor cannot run afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const id of this.tensorIds) this.wasm.module.tfjs.disposeData(id);
    this.tensorIds.length = 0;
    if (this.arena) this.wasm.module._free(this.arena);
    this.arena = 0;
    for (const p of this.pointers) this.wasm.free(p);
    this.pointers.length = 0;
    this.compilation.disposeConstants();
  }
}
