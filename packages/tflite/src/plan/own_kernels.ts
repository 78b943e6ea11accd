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
  /** 3x3 depthwise conv, multiplier 1, NHWC; `weights` packed by conv_packing.ts packDepthwise3x3 (bias and PReLU slopes included). */
  depthwiseConv3x3(input: number, weights: number, out: number, inH: number, inW: number, channels: number, outH: number, outW: number, stride: number, padTop: number, padLeft: number): void;
  depthwiseConv3x3Relu(input: number, weights: number, out: number, inH: number, inW: number, channels: number, outH: number, outW: number, stride: number, padTop: number, padLeft: number): void;
  depthwiseConv3x3Relu6(input: number, weights: number, out: number, inH: number, inW: number, channels: number, outH: number, outW: number, stride: number, padTop: number, padLeft: number): void;
  depthwiseConv3x3Prelu(input: number, weights: number, out: number, inH: number, inW: number, channels: number, outH: number, outW: number, stride: number, padTop: number, padLeft: number): void;
  /** Full conv, NHWC; `weights` packed by conv_packing.ts packFullConv (bias and PReLU slopes included). */
  convFull(input: number, weights: number, out: number, inH: number, inW: number, inChannels: number, outH: number, outW: number, outChannels: number, kh: number, kw: number, stride: number, padTop: number, padLeft: number): void;
  convFullRelu(input: number, weights: number, out: number, inH: number, inW: number, inChannels: number, outH: number, outW: number, outChannels: number, kh: number, kw: number, stride: number, padTop: number, padLeft: number): void;
  convFullRelu6(input: number, weights: number, out: number, inH: number, inW: number, inChannels: number, outH: number, outW: number, outChannels: number, kh: number, kw: number, stride: number, padTop: number, padLeft: number): void;
  convFullPrelu(input: number, weights: number, out: number, inH: number, inW: number, inChannels: number, outH: number, outW: number, outChannels: number, kh: number, kw: number, stride: number, padTop: number, padLeft: number): void;
}

export type OwnKernelsResult = KernelModuleResult<OwnKernels>;

/** Attaches the kernels to `memory` (once per memory). `bytes` replaces the built module (tests of the fallback). */
export function attachOwnKernels(memory: WasmMemory | null, bytes?: Uint8Array<ArrayBuffer>): OwnKernelsResult {
  return attachKernelModule<OwnKernels>(memory, KERNELS_WASM_BASE64, bytes);
}
