/**
 * Convolutions on our own kernels instead of XNNPACK's: `ownConvStep` gives a plan step for the ops
 * they cover, or null (then conv_step.ts calls tfjs' FusedConv2D / FusedDepthwiseConv2D): CONV_2D with
 * a 1x1 filter, stride 1, no padding (SAME and VALID agree there) on assembly/conv_1x1.ts, here: a GEMM
 * with bias and activation fused into the store; 3x3 depthwise convs and the other full convs on
 * depthwise.ts and conv_full.ts (own_depthwise_step.ts). The 1x1's weights are packed once here, into
 * the backend's memory, in the layout the kernel streams (packConv1x1); the plan frees them on dispose.
 *
 * A 1x1 conv whose only reader is a residual ADD (the models' blocks: conv, ADD of the shortcut, maybe
 * through a channel PAD, then PRELU/RELU) takes the ADD and its activation into its store
 * (residualAfter): one pass over the block's output instead of two, the conv's output never written.
 * The sum is the one the residual kernel makes (conv result + shortcut, then the activation), so the
 * results are the same bits.
 */
import { builtinActivation, type ActivationPlan } from '../ops/activation.js';
import { optionsOf, type CompileContext, type ConstData } from '../ops/types.js';
import type { Conv2DOptions, DepthwiseConv2DOptions } from '../parser/schema.js';
import { planOwnDepthwise, planOwnFullConv } from './own_depthwise_step.js';
import { OWN_ACTIVATION } from './own_kernels.js';
import { isRuntime, type BufferOf, type PlanCompiled, type PlanContext, type PlanStepSpec } from './plan_step.js';


/** Output channels per packed block; floats before a block's weights (bias, PReLU slopes). */
export const BLOCK = 8;
const HEAD = 16;

/**
 * The packed weights of a 1x1 conv: per block of 8 output channels, bias[8] | alpha[8] | w[k][8] for
 * k < inChannels, zero-padded past outChannels. `filter` is TFLite's [out, 1, 1, in].
 */
export function packConv1x1(filter: ConstData, bias: ConstData | null, alpha: ArrayLike<number> | null, inChannels: number, outChannels: number): Float32Array {
  const blocks = Math.ceil(outChannels / BLOCK);
  const blockSize = HEAD + BLOCK * inChannels;
  const packed = new Float32Array(blocks * blockSize);
  for (let b = 0; b < blocks; b++) {
    const base = b * blockSize;
    for (let j = 0; j < BLOCK; j++) {
      const n = b * BLOCK + j;
      if (n >= outChannels) break;
      packed[base + j] = bias ? bias[n]! : 0;
      packed[base + BLOCK + j] = alpha ? alpha[n]! : 0;
      for (let k = 0; k < inChannels; k++) packed[base + HEAD + k * BLOCK + j] = filter[n * inChannels + k]!;
    }
  }
  return packed;
}

/** A residual ADD (and its activation) taken into a conv's store. */
interface ResidualPlan {
  /** The shortcut read (a folded PAD's input when the ADD read a padded one). */
  shortcut: number;
  shortcutChannels: number;
  activation: 'linear' | 'relu' | 'prelu';
  alpha: ConstData | null;
  /** The tensor written: the ADD's output, or its activation's. */
  output: number;
  label: string;
}

/** Whether an op after the one being compiled writes `tensor` (then a step here cannot read it yet). */
function writtenLater(ctx: CompileContext, tensor: number): boolean {
  return ctx.graph.operators.some((op) => op.index > ctx.op.index && op.outputs.some((t) => ctx.resolve(t) === tensor));
}

/**
 * The residual ADD reading the conv's output `out` (its only reader), with the other operand a
 * runtime tensor of the same shape (or a folded channel PAD of one) written before this conv, and
 * the PRELU/RELU that is the ADD's only reader; absorbed. Null (nothing absorbed) otherwise.
 */
function residualAfter(ctx: PlanContext, out: number, channels: number): ResidualPlan | null {
  const add = ctx.fuse ? ctx.soleConsumer(out) : null;
  if (!add || add.opName !== 'ADD' || add.inputs.length !== 2 || add.outputs.length !== 1) return null;
  const others = add.inputs.filter((t) => t !== out);
  const addOut = add.outputs[0]!;
  const shape = ctx.info(out).shape.join();
  if (others.length !== 1 || ctx.info(others[0]!).shape.join() !== shape || ctx.info(addOut).shape.join() !== shape) return null;
  const other = ctx.resolve(others[0]!);
  if (!isRuntime(ctx, other)) return null;
  const own = add.options?.type === 'AddOptions' ? builtinActivation(ctx, add.options.activation) : 'linear';
  if (own === 'relu6') return null;
  const padded = ctx.paddedFrom(other);
  const shortcut = padded ?? other;
  if (writtenLater(ctx, shortcut)) return null;
  const shortcutChannels = padded !== undefined ? ctx.info(shortcut).shape.at(-1)! : channels;
  ctx.absorb(add);
  const plan: ResidualPlan = { shortcut, shortcutChannels, activation: own, alpha: null, output: addOut, label: `ADD${padded !== undefined ? '(PAD)' : ''}` };
  const next = own === 'linear' ? ctx.soleConsumer(addOut) : null;
  if (next?.opName === 'RELU' && next.inputs[0] === addOut && next.outputs.length === 1) {
    ctx.absorb(next);
    Object.assign(plan, { activation: 'relu', output: next.outputs[0]! });
  } else if (next?.opName === 'PRELU' && next.inputs[0] === addOut && next.outputs.length === 1) {
    const slopes = ctx.constData(ctx.resolve(next.inputs[1]!));
    if (slopes && slopes.length === channels) {
      ctx.absorb(next);
      Object.assign(plan, { activation: 'prelu', output: next.outputs[0]!, alpha: slopes });
    }
  }
  if (plan.activation !== 'linear') plan.label += `+${plan.activation.toUpperCase()}`;
  return plan;
}

/** Binds XNNPACK's call of this conv (with the planned activation), writing `output`'s buffer. */
export type XnnpackConv = (buffer: BufferOf, output: number) => () => void;

/** On the threaded binary: the pool's size now, and XNNPACK's call of the same conv. */
export interface ThreadedFallback {
  poolSize: () => number;
  xnnpack: XnnpackConv;
}

/**
 * Our own kernel's step for this conv, or null when none covers it (the place to add more kernels).
 * `act` is the activation the caller planned (a following PRELU/RELU fused in), `label` the step's.
 * With `threaded`, the step runs XNNPACK's conv instead while the pool has more than one thread
 * (then a residual ADD taken in runs after it, on the residual kernel, in place).
 */
export function ownConvStep(ctx: PlanContext, depthwise: boolean, act: ActivationPlan, label: string, threaded: ThreadedFallback | null): PlanCompiled {
  const kernels = ctx.kernels;
  if (!kernels) return null;
  if (depthwise) return orXnnpack(planOwnDepthwise(ctx, optionsOf(ctx, 'DepthwiseConv2DOptions') as DepthwiseConv2DOptions, ctx.shapeIn(0), ctx.info(ctx.input(1)).shape, act), act, label, threaded);
  const o = optionsOf(ctx, 'Conv2DOptions');
  const fullShape = ctx.info(ctx.input(1)).shape;
  if (fullShape.length === 4 && !(fullShape[1] === 1 && fullShape[2] === 1 && o.strideH === 1 && o.strideW === 1)) {
    return orXnnpack(planOwnFullConv(ctx, o as Conv2DOptions, ctx.shapeIn(0), fullShape, act), act, label, threaded);
  }
  const x = ctx.input(0);
  const xShape = ctx.shapeIn(0);
  const filterIndex = ctx.input(1);
  const fShape = ctx.info(filterIndex).shape;
  const filter = ctx.constData(filterIndex);
  if (!isRuntime(ctx, x) || !filter || xShape.length !== 4 || fShape.length !== 4) return null;
  if (fShape[1] !== 1 || fShape[2] !== 1 || o.strideH !== 1 || o.strideW !== 1) return null;
  const [batch, h, w, inChannels] = xShape as [number, number, number, number];
  const outChannels = fShape[0]!;
  const biasIndex = ctx.op.inputs.length > 2 ? ctx.input(2) : -1;
  const bias = biasIndex >= 0 ? ctx.constData(biasIndex) : null;
  if (biasIndex >= 0 && !bias) return null;
  const res = act.activation === 'linear' ? residualAfter(ctx, act.output, outChannels) : null;
  const alpha = res ? res.alpha : act.alpha ? (act.alpha.dataSync() as Float32Array) : null;
  const packed = packConv1x1(filter, bias, alpha, inChannels, outChannels);
  const pointer = ctx.own(ctx.wasm.float32s(packed, 'a convolution\'s weights'));
  // The residual kernel's slopes (contiguous), for the threaded binary's XNNPACK path.
  const slopes = threaded && res?.alpha ? ctx.own(ctx.wasm.float32s(res.alpha, 'PReLU slopes')) : 0;
  const pixels = batch * h * w;
  const mode = OWN_ACTIVATION[res ? res.activation : act.activation];
  const output = res ? res.output : act.output;
  return {
    kind: 'step', label: res ? `${label}+${res.label}` : label, inputs: res ? [x, res.shortcut] : [x], output,
    bind: (buffer) => {
      const xAt = buffer(x).offset * 4;
      const outAt = buffer(output).offset * 4;
      const shortcutAt = res ? buffer(res.shortcut).offset * 4 : 0;
      const shortcutChannels = res ? res.shortcutChannels : 0;
      const ours = () => kernels.conv1x1(xAt, pointer, outAt, pixels, inChannels, outChannels, mode, shortcutAt, shortcutChannels);
      if (!threaded) return ours;
      const conv = threaded.xnnpack(buffer, output);
      const epilogue = !res ? null
        : res.activation === 'prelu' ? () => kernels.residualAddPrelu(shortcutAt, shortcutChannels, outAt, outAt, slopes, pixels, outChannels)
        : res.activation === 'relu' ? () => kernels.residualAddRelu(shortcutAt, shortcutChannels, outAt, outAt, pixels, outChannels)
        : () => kernels.residualAdd(shortcutAt, shortcutChannels, outAt, outAt, pixels, outChannels);
      const { poolSize } = threaded;
      return () => {
        if (poolSize() > 1) {
          conv();
          epilogue?.();
        } else {
          ours();
        }
      };
    },
  };
}

/**
 * `own` alone, or on the threaded binary switching to XNNPACK's call while the pool has more than
 * one thread (then profiled as `label`, XNNPACK's step's).
 */
function orXnnpack(own: PlanStepSpec | null, act: ActivationPlan, label: string, threaded: ThreadedFallback | null): PlanStepSpec | null {
  if (!own || !threaded) return own;
  const { poolSize, xnnpack } = threaded;
  return {
    ...own,
    pooledLabel: label,
    bind: (buffer) => {
      const ours = own.bind(buffer);
      const conv = xnnpack(buffer, act.output);
      return () => (poolSize() > 1 ? conv() : ours());
    },
  };
}
