/**
 * Our own residual kernels (packages/tflite/assembly/residual.ts, SIMD: the residual epilogue in one
 * pass), attached to the tfjs wasm backend's memory (kernel_module.ts). When they cannot be attached,
 * the plan runs tfjs' ADD/PAD/PRELU kernels instead, and says why.
 */
import { attachKernelModule, type KernelModuleResult } from './kernel_module.js';
import { KERNELS_WASM_BASE64 } from './kernels.generated.js';

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

const attached = new WeakMap<WebAssembly.Memory, OwnKernelsResult>();

/** Attaches the kernels to `memory` (once per memory). `bytes` replaces the built module (tests of the fallback). */
export function attachOwnKernels(memory: WebAssembly.Memory | null, bytes?: Uint8Array<ArrayBuffer>): OwnKernelsResult {
  let result = bytes || !memory ? undefined : attached.get(memory);
  if (result) return result;
  result = attachKernelModule<OwnKernels>(memory, KERNELS_WASM_BASE64, ['residualAdd', 'residualAddRelu', 'residualAddPrelu'], bytes);
  if (memory && !bytes) attached.set(memory, result);
  return result;
}
