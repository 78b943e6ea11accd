/**
 * Our own residual kernels (packages/tflite/assembly/residual.ts, SIMD: the residual epilogue in one
 * pass), attached to the tfjs wasm backend's memory (kernel_module.ts). When they cannot be attached,
 * the plan runs tfjs' ADD/PAD/PRELU kernels instead, and says why.
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
}

export type OwnKernelsResult = KernelModuleResult<OwnKernels>;

/** Attaches the kernels to `memory` (once per memory). `bytes` replaces the built module (tests of the fallback). */
export function attachOwnKernels(memory: WasmMemory | null, bytes?: Uint8Array<ArrayBuffer>): OwnKernelsResult {
  return attachKernelModule<OwnKernels>(memory, KERNELS_WASM_BASE64, bytes);
}
