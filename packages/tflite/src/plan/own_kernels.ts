/**
 * Our own kernels (packages/tflite/assembly/, SIMD): the residual epilogue in one pass (residual.ts),
 * the 1x1 convolution as a register-tiled GEMM (conv_1x1.ts), 3x3 depthwise convs (depthwise.ts) and
 * full convs other than 1x1 (conv_full.ts), attached to the tfjs wasm backend's memory
 * (kernel_module.ts), in their relaxed-SIMD build where the engine validates it, else plain SIMD.
 * When they cannot be attached, the plan runs tfjs' kernels (ADD/PAD/PRELU, XNNPACK's convs)
 * instead, and says why.
 */
import { attachKernelModule, type KernelModuleResult } from './kernel_module.js';
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels.generated.js';
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
  /**
   * out[p, n] = act(bias[n] + sum_k x[p, k] w[n, k] (+ shortcut[p, n] for n < shortcutChannels)):
   * a 1x1 convolution, stride 1, weights packed by own_conv_step.ts packConv1x1, with a residual
   * shortcut added when shortcutChannels > 0; `mode` 0 none, 1 RELU, 2 RELU6, 3 PReLU.
   */
  conv1x1(x: number, packed: number, out: number, pixels: number, inChannels: number, outChannels: number, mode: number, shortcut: number, shortcutChannels: number): void;
}

/** The activation codes of our conv kernels (assembly/epilogue.ts). */
export const OWN_ACTIVATION = { linear: 0, relu: 1, relu6: 2, prelu: 3 } as const;

export type OwnKernelsResult = KernelModuleResult<OwnKernels>;

/**
 * Attaches the kernels to `memory` (once per memory and family). `bytes` replaces the built module
 * (tests of the fallback); `relaxed: false` takes the plain SIMD build even where relaxed SIMD validates.
 */
export function attachOwnKernels(memory: WasmMemory | null, bytes?: Uint8Array<ArrayBuffer>, relaxed = true): OwnKernelsResult {
  return attachKernelModule<OwnKernels>(memory, { simd: KERNELS_WASM_BASE64, relaxed: KERNELS_RELAXED_WASM_BASE64 }, bytes, relaxed);
}
