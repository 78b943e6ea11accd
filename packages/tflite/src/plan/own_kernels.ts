/**
 * Our own kernels (packages/tflite/assembly/, SIMD): the residual epilogue in one pass (residual.ts),
 * 3x3 depthwise convs (depthwise.ts) and full convs other than 1x1 (conv_full.ts), attached to the tfjs
 * wasm backend's memory (kernel_module.ts). When they cannot be attached, the plan runs tfjs' kernels
 * (ADD/PAD/PRELU, XNNPACK's convs) instead, and says why.
 */
import { attachKernelModule, type KernelModuleResult } from './kernel_module.js';
import { KERNELS_WASM_BASE64 } from './kernels.generated.js';
import type { WasmMemory } from './wasm_backend.js';

/**
 * out[p, c] = act(y[p, c] + (c < xChannels ? x[p, c] : 0)), p < pixels, c < channels; pointers are
 * byte offsets in the backend's memory; `alpha` points at `channels` PReLU slopes.
 */
export interface OwnKernels {
  residualAdd(x: number, xChannels: number, y: number, out: number, pixels: number, channels: number): void;
  residualAddRelu(x: number, xChannels: number, y: number, out: number, pixels: number, channels: number): void;
  residualAddPrelu(x: number, xChannels: number, y: number, out: number, alpha: number, pixels: number, channels: number): void;
  /** 3x3 depthwise conv, multiplier 1, NHWC, + bias; `weights` packed by conv_packing.ts packDepthwise3x3. */
  depthwiseConv3x3(input: number, weights: number, out: number, inH: number, inW: number, channels: number, outH: number, outW: number, stride: number, padTop: number, padLeft: number): void;
  /** The same + activation `mode` (OWN_ACTIVATION; the PReLU slopes packed with the weights). */
  depthwiseConv3x3Activation(input: number, weights: number, out: number, inH: number, inW: number, channels: number, outH: number, outW: number, stride: number, padTop: number, padLeft: number, mode: number): void;
  /** Full conv, NHWC, + bias + activation `mode` (OWN_ACTIVATION); `weights` packed by conv_packing.ts packFullConv. */
  convFull(input: number, weights: number, out: number, inH: number, inW: number, inChannels: number, outH: number, outW: number, outChannels: number, kh: number, kw: number, stride: number, padTop: number, padLeft: number, mode: number): void;
  /** convFull specialized for PRELU, and for RELU. */
  convFullPrelu(input: number, weights: number, out: number, inH: number, inW: number, inChannels: number, outH: number, outW: number, outChannels: number, kh: number, kw: number, stride: number, padTop: number, padLeft: number): void;
  convFullRelu(input: number, weights: number, out: number, inH: number, inW: number, inChannels: number, outH: number, outW: number, outChannels: number, kh: number, kw: number, stride: number, padTop: number, padLeft: number): void;
}

/** The activation codes of our conv kernels (assembly/epilogue.ts). */
export const OWN_ACTIVATION = { linear: 0, relu: 1, relu6: 2, prelu: 3 } as const;

export type OwnKernelsResult = KernelModuleResult<OwnKernels>;

/** Attaches the kernels to `memory` (once per memory). `bytes` replaces the built module (tests of the fallback). */
export function attachOwnKernels(memory: WasmMemory | null, bytes?: Uint8Array<ArrayBuffer>): OwnKernelsResult {
  return attachKernelModule<OwnKernels>(memory, KERNELS_WASM_BASE64, bytes);
}
