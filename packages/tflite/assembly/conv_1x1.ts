// The 1x1 convolution (stride 1, no padding) as a register-tiled GEMM on NHWC tensors:
//   out[p, n] = act(bias[n] + sum_k in[p, k] * w[n, k]),  p < pixels, k < inChannels, n < outChannels
// with act none, RELU, RELU6 or PReLU (per-channel slopes), fused into the store; optionally with a
// residual shortcut added before the activation (the block's ADD, and a channel PAD of the shortcut:
// s[p, n] for n < shortcutChannels, nothing added past them), as residual.ts computes it.
//
// The weights are packed once at plan compile time (plan/own_conv_step.ts packConv1x1) into blocks
// of 8 output channels, zero-padded past outChannels:
//   block b: bias[8] | alpha[8] | w[k][8] for k < inChannels      (8n + 16 + 8 * inChannels floats)
// A tile is 4 pixels x 8 channels held in 8 v128 accumulators; per input channel k it loads the
// block's 8 weights once and one input value per pixel (splat), and does 8 multiply-adds.
// The sum runs over k in order from the bias, as XNNPACK's wasm SIMD GEMM does, so the plain SIMD
// build gives tfjs' results bit for bit (the relaxed build fuses each multiply-add: see simd.ts).
import { activate, storePartial } from './epilogue';
import { madd } from './simd';

/** Floats in a packed block before its weights: the bias and the PReLU slopes, 8 each. */
const HEAD: i32 = 16;

/** v + s[0 .. k) on the first k lanes (k < 4), the others unchanged. */
@inline function addPartial(v: v128, s: usize, k: i32): v128 {
  if (k > 0) v = f32x4.replace_lane(v, 0, f32x4.extract_lane(v, 0) + load<f32>(s));
  if (k > 1) v = f32x4.replace_lane(v, 1, f32x4.extract_lane(v, 1) + load<f32>(s, 4));
  if (k > 2) v = f32x4.replace_lane(v, 2, f32x4.extract_lane(v, 2) + load<f32>(s, 8));
  return v;
}

/**
 * Stores the channels n0 .. n0 + min(n, 8) of one pixel: plus the shortcut's `sn` channels left at
 * `s` (none when sn <= 0), then activated.
 */
@inline function store8(at: usize, lo: v128, hi: v128, block: usize, n: i32, mode: i32, s: usize, sn: i32): void {
  if (sn >= 8) {
    lo = f32x4.add(lo, v128.load(s));
    hi = f32x4.add(hi, v128.load(s, 16));
  } else if (sn >= 4) {
    lo = f32x4.add(lo, v128.load(s));
    hi = addPartial(hi, s + 16, sn - 4);
  } else if (sn > 0) {
    lo = addPartial(lo, s, sn);
  }
  lo = activate(lo, v128.load(block, 32), mode);
  hi = activate(hi, v128.load(block, 48), mode);
  if (n >= 8) {
    v128.store(at, lo);
    v128.store(at, hi, 16);
  } else if (n >= 4) {
    v128.store(at, lo);
    storePartial(at + 16, hi, n - 4);
  } else {
    storePartial(at, lo, n);
  }
}

/** One pixel x 8 channels (the pixel tail). */
@inline function tile1(x: usize, block: usize, out: usize, inBytes: usize, n: i32, mode: i32, s: usize, sn: i32): void {
  let c0 = v128.load(block), c1 = v128.load(block, 16);
  let w = block + (<usize>HEAD << 2);
  for (let k: usize = 0; k < inBytes; k += 4) {
    const a = v128.load32_splat(x + k);
    c0 = madd(a, v128.load(w), c0);
    c1 = madd(a, v128.load(w, 16), c1);
    w += 32;
  }
  store8(out, c0, c1, block, n, mode, s, sn);
}

/** Four pixels x 8 channels: 8 accumulators. */
@inline function tile4(x: usize, xStride: usize, block: usize, out: usize, outStride: usize, inBytes: usize, n: i32, mode: i32, s: usize, sStride: usize, sn: i32): void {
  const b0 = v128.load(block), b1 = v128.load(block, 16);
  let c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
  const x1 = x + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
  let w = block + (<usize>HEAD << 2);
  for (let k: usize = 0; k < inBytes; k += 4) {
    const w0 = v128.load(w), w1 = v128.load(w, 16);
    w += 32;
    let a = v128.load32_splat(x + k);
    c00 = madd(a, w0, c00); c01 = madd(a, w1, c01);
    a = v128.load32_splat(x1 + k);
    c10 = madd(a, w0, c10); c11 = madd(a, w1, c11);
    a = v128.load32_splat(x2 + k);
    c20 = madd(a, w0, c20); c21 = madd(a, w1, c21);
    a = v128.load32_splat(x3 + k);
    c30 = madd(a, w0, c30); c31 = madd(a, w1, c31);
  }
  store8(out, c00, c01, block, n, mode, s, sn);
  store8(out + outStride, c10, c11, block, n, mode, s + sStride, sn);
  store8(out + 2 * outStride, c20, c21, block, n, mode, s + 2 * sStride, sn);
  store8(out + 3 * outStride, c30, c31, block, n, mode, s + 3 * sStride, sn);
}

/** Two pixels x 8 channels (the pixel tail of 2 or 3). */
@inline function tile2(x: usize, xStride: usize, block: usize, out: usize, outStride: usize, inBytes: usize, n: i32, mode: i32, s: usize, sStride: usize, sn: i32): void {
  const b0 = v128.load(block), b1 = v128.load(block, 16);
  let c00 = b0, c01 = b1, c10 = b0, c11 = b1;
  const x1 = x + xStride;
  let w = block + (<usize>HEAD << 2);
  for (let k: usize = 0; k < inBytes; k += 4) {
    const w0 = v128.load(w), w1 = v128.load(w, 16);
    w += 32;
    let a = v128.load32_splat(x + k);
    c00 = madd(a, w0, c00); c01 = madd(a, w1, c01);
    a = v128.load32_splat(x1 + k);
    c10 = madd(a, w0, c10); c11 = madd(a, w1, c11);
  }
  store8(out, c00, c01, block, n, mode, s, sn);
  store8(out + outStride, c10, c11, block, n, mode, s + sStride, sn);
}

/**
 * The whole 1x1 convolution: tiles of 4 pixels, then a tile of 2 and one of 1 for the remaining
 * pixels; for each tile, every 8-channel block of the packed weights. `x`, `packed`, `out`,
 * `shortcut`: byte offsets; `mode`: 0 none, 1 RELU, 2 RELU6, 3 PReLU; `shortcutChannels` 0: no
 * shortcut, else its channels (at most outChannels; its pixels as many as the output's).
 * (A 6-pixel tile, XNNPACK's choice for 32-register CPUs, measured 1.6-2.7x slower than this on x86
 * in V8: its 12 accumulators + 3 operands leave no spare of the 16 vector registers. Unrolling the
 * 4-pixel tile's k loop by 2 measured 1.7x slower as well.)
 */
export function conv1x1(x: usize, packed: usize, out: usize, pixels: i32, inChannels: i32, outChannels: i32, mode: i32, shortcut: usize, shortcutChannels: i32): void {
  const inBytes = <usize>inChannels << 2;
  const outStride = <usize>outChannels << 2;
  const sStride = <usize>shortcutChannels << 2;
  const blockBytes = <usize>(HEAD + 8 * inChannels) << 2;
  let p = 0;
  for (; p + 4 <= pixels; p += 4) {
    const xp = x + <usize>p * inBytes, op = out + <usize>p * outStride, sp = shortcut + <usize>p * sStride;
    let block = packed;
    for (let n = 0; n < outChannels; n += 8) {
      tile4(xp, inBytes, block, op + (<usize>n << 2), outStride, inBytes, outChannels - n, mode, sp + (<usize>n << 2), sStride, shortcutChannels - n);
      block += blockBytes;
    }
  }
  if (p + 2 <= pixels) {
    const xp = x + <usize>p * inBytes, op = out + <usize>p * outStride, sp = shortcut + <usize>p * sStride;
    let block = packed;
    for (let n = 0; n < outChannels; n += 8) {
      tile2(xp, inBytes, block, op + (<usize>n << 2), outStride, inBytes, outChannels - n, mode, sp + (<usize>n << 2), sStride, shortcutChannels - n);
      block += blockBytes;
    }
    p += 2;
  }
  if (p < pixels) {
    const xp = x + <usize>p * inBytes, op = out + <usize>p * outStride, sp = shortcut + <usize>p * sStride;
    let block = packed;
    for (let n = 0; n < outChannels; n += 8) {
      tile1(xp, block, op + (<usize>n << 2), inBytes, outChannels - n, mode, sp + (<usize>n << 2), shortcutChannels - n);
      block += blockBytes;
    }
  }
}
