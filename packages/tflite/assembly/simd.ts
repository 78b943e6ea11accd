// SIMD helpers shared by our AssemblyScript kernels. build-kernels.mjs compiles every kernel module
// twice: with `--enable simd,relaxed-simd` (ASC_FEATURE_RELAXED_SIMD is true, a compile-time
// constant) and with `--enable simd` only; the attach picks the first the engine validates.

/**
 * a * b + c per f32 lane. Relaxed build: `f32x4.relaxed_madd`, a fused multiply-add where the CPU has
 * one (one rounding instead of two; the engine may also round twice). Plain build: a multiply then an
 * add, each rounded, which is XNNPACK's wasm SIMD order (acc + a * b), so results equal tfjs' kernels.
 */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
