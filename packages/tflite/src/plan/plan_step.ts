/**
 * What a plan step is made of. Each op's file (ops/*.ts) may have a plan step: it compiles once into
 * a closure that calls one C kernel of the tfjs wasm backend (or one of our own kernels) with every
 * argument fixed, on buffers the plan allocated once. An op without one, or whose step returns null
 * for this operator, runs its reference kernel on copies of the plan's buffers (plan_executor.ts).
 *
 * Shapes come from the op's own tensors (before alias resolution): a RESHAPE is an alias here, so
 * the buffer an input resolves to may carry another shape.
 */
import { singleOutput, type CompileContext } from '../ops/types.js';
import type { OwnKernels } from './own_kernels.js';
import type { WasmBackendAccess } from './wasm_backend.js';

/** A buffer of the plan: the backend tensor id registered for it and its element offset. */
export interface PlanBuffer {
  id: number;
  /** Offset in float32 elements from the start of the backend's memory. */
  offset: number;
  size: number;
}

export type BufferOf = (tensor: number) => PlanBuffer;

export interface PlanStepSpec {
  kind: 'step';
  label: string;
  /**
   * The label while the threaded binary's pool has more than one thread, for a step that then calls
   * another kernel (XNNPACK's conv instead of ours): the profile names what runs.
   */
  pooledLabel?: string;
  /** Runtime tensors (resolved) the step reads. */
  inputs: number[];
  /** The tensor it writes. */
  output: number;
  /** Called once the buffers are placed; returns the per-frame call. */
  bind(buffer: BufferOf): () => void;
}

export type PlanCompiled = { kind: 'alias'; of: number } | PlanStepSpec | null;

export interface PlanContext extends CompileContext {
  readonly wasm: WasmBackendAccess;
  /** Our own kernels, or null (then ADD/PAD/PRELU and the convs run as tfjs kernels). */
  readonly kernels: OwnKernels | null;
  /** Shape of the op's input `i` as the op sees it. */
  shapeIn(i: number): number[];
  /** For the output of a channel PAD folded into the ADD reading it: the PAD's input. */
  paddedFrom(tensor: number): number | undefined;
  /** Heap memory (int arrays for kernels) freed when the plan is disposed. */
  own(pointer: number): number;
}

/** tfjs-backend-wasm's FusableActivation codes. */
export const ACTIVATION_CODE = { linear: 0, relu: 1, relu6: 2, prelu: 3 } as const;
export const FLOAT32 = 0; // tfjs-backend-wasm's CppDType.float32

export const isRuntime = (ctx: CompileContext, t: number): boolean => t >= 0 && !ctx.constData(t);

export type PlanCompiler = (ctx: PlanContext) => PlanCompiled;

export function unaryStep(ctx: PlanContext, label: string, call: (xId: number, outId: number) => void): PlanCompiled {
  const x = ctx.input(0);
  if (!isRuntime(ctx, x)) return null;
  const out = singleOutput(ctx);
  return { kind: 'step', label, inputs: [x], output: out, bind: (buffer) => { const xi = buffer(x).id, oi = buffer(out).id; return () => call(xi, oi); } };
}

/**
 * A step run by a host loop on the heap in place (the attention model's custom ops: their inputs are
 * small, or, for TransformTensorBilinear, only the sampled 4 texels per output cell are read).
 */
export function hostStep(ctx: PlanContext, label: string, inputs: number[], body: (heap: Float32Array, from: number[], to: number) => void): PlanCompiled {
  if (!inputs.every((t) => isRuntime(ctx, t))) return null;
  const out = singleOutput(ctx);
  const wasm = ctx.wasm;
  return {
    kind: 'step', label, inputs, output: out,
    bind: (buffer) => {
      const from = inputs.map((t) => buffer(t).offset);
      const to = buffer(out).offset;
      return () => body(wasm.module.HEAPF32, from, to);
    },
  };
}
