/**
 * The crop sampler's wasm kernel (packages/worker-runtime/assembly/crop_sampler.ts, with the alpha
 * check of assembly/opaque.ts, built by `npm run build:kernels`), attached to the tfjs wasm backend's memory like @face-mesh/tflite's own
 * kernels: it reads the frame's bytes and writes the model's input there in place. When it cannot be
 * attached the pipeline samples in TypeScript (image_to_tensor.ts).
 */
import { attachKernelModule } from '@face-mesh/tflite';
import type { KernelModuleResult, WasmMemory } from '@face-mesh/tflite/types';
import { KERNELS_WASM_BASE64 } from './crop_kernel.generated.js';

export interface CropKernel {
  /**
   * image_to_tensor.ts's imageToTensorData on the pixel bytes at `win` (RGBA, or BGRA when `bgr` is
   * 1), floats written at `out`.
   */
  sampleCrop(
    win: number, winWidth: number, left: number, top: number, frameWidth: number, frameHeight: number,
    a: number, b: number, c: number, d: number, e: number, f: number,
    outWidth: number, outHeight: number, zeroBorder: number, scale: number, offset: number, out: number, bgr: number,
  ): void;
  /** 1 when every fourth byte (alpha) of the `bytes` bytes at `at` is 255 (assembly/opaque.ts), else 0. */
  allOpaque(at: number, bytes: number): number;
}

/** Attaches the kernel to `memory` (once per memory). */
export function attachCropKernel(memory: WasmMemory | null): KernelModuleResult<CropKernel> {
  return attachKernelModule<CropKernel>(memory, KERNELS_WASM_BASE64);
}
