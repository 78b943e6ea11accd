// What our convolution kernels share: the fused activation applied in the store, and loads/stores of
// the last 1-3 channels of a pixel (a channel count that is not a multiple of 4) that touch nothing
// past them, so a kernel never reads past a tensor's end nor writes into the next pixel.

export const NONE: i32 = 0;
export const RELU: i32 = 1;
export const RELU6: i32 = 2;
export const PRELU: i32 = 3;

/** act(v), lane-wise; `alpha`: the PReLU slopes of these 4 channels. TFLite's PRELU: v >= 0 ? v : alpha * v. */
@inline export function activate(v: v128, alpha: v128, mode: i32): v128 {
  if (mode == RELU) return f32x4.max(v, f32x4.splat(0));
  if (mode == RELU6) return f32x4.min(f32x4.max(v, f32x4.splat(0)), f32x4.splat(6));
  if (mode == PRELU) return v128.bitselect(v, f32x4.mul(v, alpha), f32x4.ge(v, f32x4.splat(0)));
  return v;
}

/** The first `n` (0..4) floats at `p` in the low lanes, zeros above. */
@inline export function loadPartial(p: usize, n: i32): v128 {
  if (n >= 4) return v128.load(p);
  if (n == 3) return v128.load32_lane(p + 8, v128.load64_zero(p), 2);
  if (n == 2) return v128.load64_zero(p);
  if (n == 1) return v128.load32_zero(p);
  return f32x4.splat(0);
}

/** Stores the low `n` (0..4) lanes of `v` at `p`. */
@inline export function storePartial(p: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, v);
  } else if (n == 3) {
    v128.store64_lane(p, v, 0);
    v128.store32_lane(p + 8, v, 2);
  } else if (n == 2) {
    v128.store64_lane(p, v, 0);
  } else if (n == 1) {
    v128.store32_lane(p, v, 0);
  }
}
