/**
 * This core's measured multiply-accumulate peak in our kernel module (assembly/peak.ts: a tight
 * loop of independent vector multiply-adds, built like the kernels), for the benchmark's "achieved
 * GMAC/s against the peak". The best of several timed rounds: other load on the machine can only
 * make a round slower, so the best round is the closest to what the core can do.
 */
import { attachOwnKernels } from './own_kernels.js';
import type { KernelFamily } from './kernel_module.js';
import type { WasmMemory } from './wasm_backend.js';

export interface PeakMacs {
  /** The kernel build measured: a fused multiply-add per lane (relaxed SIMD) or a multiply and an add. */
  family: KernelFamily;
  /** Billions of multiply-accumulates a second, best round. */
  gmacs: number;
  /** Median round, for a sense of the noise. */
  medianGmacs: number;
}

interface PeakKernel {
  peakMacLoop(iterations: number, seed: number): number;
}

/** 48 MACs per loop iteration (12 vector multiply-adds of 4 lanes). */
const MACS_PER_ITERATION = 48;

/**
 * Null when our kernel module cannot be attached to `memory` (then there is no kernel to measure).
 * `relaxed: false` measures the plain SIMD build where the relaxed one would be taken.
 */
export function measurePeakMacs(memory: WasmMemory | null, relaxed = true, rounds = 15, iterations = 2_000_000): PeakMacs | null {
  const attached = attachOwnKernels(memory, undefined, relaxed);
  if (!attached.kernels) return null;
  const kernel = attached.kernels as unknown as PeakKernel;
  kernel.peakMacLoop(iterations >> 2, 1e-3); // warm-up: the engine's optimizing tier
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    kernel.peakMacLoop(iterations, 1e-3);
    const ms = performance.now() - t0;
    rates.push((iterations * MACS_PER_ITERATION) / (ms * 1e6));
  }
  rates.sort((a, b) => a - b);
  return { family: attached.family, gmacs: rates[rates.length - 1]!, medianGmacs: rates[rates.length >> 1]! };
}
