/**
 * Convolutions on our own kernels (assembly/conv_1x1.ts) instead of XNNPACK's: `ownConvStep` gives a
 * plan step for the ops they cover, or null (then conv_step.ts calls tfjs' FusedConv2D). Today: CONV_2D
 * with a 1x1 filter, stride 1, no padding (SAME and VALID agree there): a GEMM with bias and activation
 * fused into the store. The weights are packed once here, into the backend's memory, in the layout the
 * kernel streams (packConv1x1); the plan frees them on dispose.
 */
import { type ActivationPlan } from '../ops/activation.js';
import { optionsOf, type ConstData } from '../ops/types.js';
import { isRuntime, type PlanCompiled, type PlanContext } from './plan_step.js';

/** conv1x1's activation codes (assembly/conv_1x1.ts). */
const MODE = { linear: 0, relu: 1, relu6: 2, prelu: 3 } as const;

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

/**
 * Our own kernel's step for this conv, or null when none covers it (the place to add more kernels).
 * `act` is the activation the caller planned (a following PRELU/RELU fused in), `label` the step's.
 */
export function ownConvStep(ctx: PlanContext, depthwise: boolean, act: ActivationPlan, label: string): PlanCompiled {
  const kernels = ctx.kernels;
  if (!kernels || depthwise) return null;
  const o = optionsOf(ctx, 'Conv2DOptions');
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
  const alpha = act.alpha ? (act.alpha.dataSync() as Float32Array) : null;
  const packed = packConv1x1(filter, bias, alpha, inChannels, outChannels);
  const module = ctx.wasm.module;
  const pointer = ctx.own(module._malloc(packed.byteLength));
  if (!pointer) throw new Error(`could not allocate ${packed.byteLength} bytes for a convolution's weights`);
  module.HEAPF32.set(packed, pointer >> 2);
  const pixels = batch * h * w;
  const mode = MODE[act.activation];
  return {
    kind: 'step', label, inputs: [x], output: act.output,
    bind: (buffer) => {
      const xAt = buffer(x).offset * 4;
      const outAt = buffer(act.output).offset * 4;
      return () => kernels.conv1x1(xAt, pointer, outAt, pixels, inChannels, outChannels, mode);
    },
  };
}
