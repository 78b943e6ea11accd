/**
 * Our own kernels (packages/tflite/assembly/: residual.ts, the residual epilogue in one pass;
 * conv_1x1.ts, the 1x1 convolution as a register-tiled GEMM), attached to the tfjs wasm backend's
 * memory (kernel_module.ts), in their relaxed-SIMD build where the engine validates it, else plain
 * SIMD. When they cannot be attached, the plan runs tfjs' kernels instead, and says why.
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
  /**
   * out[p, n] = act(bias[n] + sum_k x[p, k] w[n, k] (+ shortcut[p, n] for n < shortcutChannels)):
   * a 1x1 convolution, stride 1, weights packed by own_conv_step.ts packConv1x1, with a residual
   * shortcut added when shortcutChannels > 0; `mode` 0 none, 1 RELU, 2 RELU6, 3 PReLU.
   */
  conv1x1(x: number, packed: number, out: number, pixels: number, inChannels: number, outChannels: number, mode: number, shortcut: number, shortcutChannels: number): void;
}

export type OwnKernelsResult = KernelModuleResult<OwnKernels>;

/**
 * Attaches the kernels to `memory` (once per memory and family). `bytes` replaces the built module
 * (tests of the fallback); `relaxed: false` takes the plain SIMD build even where relaxed SIMD validates.
 */
export function attachOwnKernels(memory: WasmMemory | null, bytes?: Uint8Array<ArrayBuffer>, relaxed = true): OwnKernelsResult {
  return attachKernelModule<OwnKernels>(memory, { simd: KERNELS_WASM_BASE64, relaxed: KERNELS_RELAXED_WASM_BASE64 }, bytes, relaxed);
}
