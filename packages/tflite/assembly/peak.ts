// The machine's multiply-accumulate peak, as wasm sees it: a tight loop of independent vector
// multiply-adds (fused with relaxed SIMD, a multiply and an add without), in the same module and
// built with the same flags as the kernels, so the benchmark can say how far a model's achieved
// GMAC/s is from what this core can do. Twelve accumulators: more independent chains than a core's
// multiply-add latency x issue width, so the loop is bound by throughput, not latency.
import { madd } from './simd';

/** Runs `iterations` x 12 vector multiply-adds (48 MACs per iteration); returns a sum so none is dead. */
export function peakMacLoop(iterations: i32, seed: f32): f32 {
  const b = f32x4.splat(0.999);
  const c = f32x4.splat(seed);
  let a0 = f32x4.splat(1), a1 = f32x4.splat(2), a2 = f32x4.splat(3), a3 = f32x4.splat(4);
  let a4 = f32x4.splat(5), a5 = f32x4.splat(6), a6 = f32x4.splat(7), a7 = f32x4.splat(8);
  let a8 = f32x4.splat(9), a9 = f32x4.splat(10), a10 = f32x4.splat(11), a11 = f32x4.splat(12);
  for (let i = 0; i < iterations; i++) {
    a0 = madd(a0, b, c); a1 = madd(a1, b, c); a2 = madd(a2, b, c); a3 = madd(a3, b, c);
    a4 = madd(a4, b, c); a5 = madd(a5, b, c); a6 = madd(a6, b, c); a7 = madd(a7, b, c);
    a8 = madd(a8, b, c); a9 = madd(a9, b, c); a10 = madd(a10, b, c); a11 = madd(a11, b, c);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  const t = f32x4.add(s, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}
