// Depthwise convolution, 3x3, NHWC, depth multiplier 1 (every depthwise conv of the mesh, attention
// mesh and BlazeFace models), stride 1 or 2, any top/left padding (TFLite's SAME or VALID, resolved by
// the caller), with bias and the activation fused into the store. Pointers are byte offsets in the
// tfjs wasm backend's memory.
//
// Channels go 4 at a time (one v128); the 9 weights of a block of 4 channels stay in registers over a
// whole output row, and two output pixels share the input columns they both read (stride 1: 12 loads
// for 18 multiply-adds; stride 2: 15), where XNNPACK's kernel loads 9 inputs, 9 weights and the bias
// for every pixel's 9. Rows above/below the input get zero
// weights and point at a row inside; only the 1-2 output columns at each side take the per-column
// path (which leaves out the taps of columns outside), so the interior has no branch per pixel.
//
// Weights, packed at plan compile time (plan/conv_packing.ts), per block of 4 channels (when the count
// is not a multiple of 4, the last block is the last 4 channels, overlapping the one before: every
// load and store is whole), 11 v128 = 176 bytes: bias, the 9 taps in the order the sum runs (kx outer, ky inner:
// t = kx * 3 + ky, the order of XNNPACK's depthwise kernel, so without relaxed SIMD our sums round
// exactly as theirs), then the PReLU slopes.
import { madd } from './simd';
import { NONE, activate, loadPartial, storePartial } from './epilogue';

const BLOCK_BYTES: usize = 176;

/** One output row of one channel block (`lanes` of its 4 channels are real). */
@inline function blockRow(
  r0: usize, r1: usize, r2: usize, o: usize, w: usize, m0: v128, m1: v128, m2: v128,
  inW: i32, outW: i32, stride: i32, padLeft: i32, oxLo: i32, oxHi: i32, pixelBytes: usize, mode: i32, lanes: i32,
): void {
  const bias = v128.load(w);
  const alpha = v128.load(w, 160);
  // Taps t = kx * 3 + ky; rows outside the input masked to zero.
  const w0 = v128.and(v128.load(w, 16), m0);
  const w1 = v128.and(v128.load(w, 32), m1);
  const w2 = v128.and(v128.load(w, 48), m2);
  const w3 = v128.and(v128.load(w, 64), m0);
  const w4 = v128.and(v128.load(w, 80), m1);
  const w5 = v128.and(v128.load(w, 96), m2);
  const w6 = v128.and(v128.load(w, 112), m0);
  const w7 = v128.and(v128.load(w, 128), m1);
  const w8 = v128.and(v128.load(w, 144), m2);
  for (let ox = 0; ox < oxLo; ox++) {
    edgePixel(r0, r1, r2, o, bias, alpha, w0, w1, w2, w3, w4, w5, w6, w7, w8, ox, inW, stride, padLeft, pixelBytes, mode, lanes);
  }
  // The interior: all 3 columns inside the input.
  let x = <usize>(oxLo * stride - padLeft) * pixelBytes;
  const step = <usize>stride * pixelBytes;
  let op = o + <usize>oxLo * pixelBytes;
  let ox = oxLo;
  if (stride == 1) {
    // Two pixels at a time, columns 0-2 and 1-3: 4 columns loaded once for both.
    for (; ox + 2 <= oxHi; ox += 2) {
      let a0 = bias, a1 = bias;
      let i0 = loadPartial(r0 + x, lanes), i1 = loadPartial(r1 + x, lanes), i2 = loadPartial(r2 + x, lanes);
      a0 = madd(i0, w0, a0); a0 = madd(i1, w1, a0); a0 = madd(i2, w2, a0);
      i0 = loadPartial(r0 + x + pixelBytes, lanes); i1 = loadPartial(r1 + x + pixelBytes, lanes); i2 = loadPartial(r2 + x + pixelBytes, lanes);
      a0 = madd(i0, w3, a0); a0 = madd(i1, w4, a0); a0 = madd(i2, w5, a0);
      a1 = madd(i0, w0, a1); a1 = madd(i1, w1, a1); a1 = madd(i2, w2, a1);
      i0 = loadPartial(r0 + x + 2 * pixelBytes, lanes); i1 = loadPartial(r1 + x + 2 * pixelBytes, lanes); i2 = loadPartial(r2 + x + 2 * pixelBytes, lanes);
      a0 = madd(i0, w6, a0); a0 = madd(i1, w7, a0); a0 = madd(i2, w8, a0);
      a1 = madd(i0, w3, a1); a1 = madd(i1, w4, a1); a1 = madd(i2, w5, a1);
      i0 = loadPartial(r0 + x + 3 * pixelBytes, lanes); i1 = loadPartial(r1 + x + 3 * pixelBytes, lanes); i2 = loadPartial(r2 + x + 3 * pixelBytes, lanes);
      a1 = madd(i0, w6, a1); a1 = madd(i1, w7, a1); a1 = madd(i2, w8, a1);
      storePartial(op, activate(a0, alpha, mode), lanes);
      storePartial(op + pixelBytes, activate(a1, alpha, mode), lanes);
      x += 2 * pixelBytes;
      op += 2 * pixelBytes;
    }
  } else if (stride == 2) {
    // Two pixels at a time, columns 0-2 and 2-4: the middle column loaded once for both.
    for (; ox + 2 <= oxHi; ox += 2) {
      let a0 = bias, a1 = bias;
      let i0 = loadPartial(r0 + x, lanes), i1 = loadPartial(r1 + x, lanes), i2 = loadPartial(r2 + x, lanes);
      a0 = madd(i0, w0, a0); a0 = madd(i1, w1, a0); a0 = madd(i2, w2, a0);
      i0 = loadPartial(r0 + x + pixelBytes, lanes); i1 = loadPartial(r1 + x + pixelBytes, lanes); i2 = loadPartial(r2 + x + pixelBytes, lanes);
      a0 = madd(i0, w3, a0); a0 = madd(i1, w4, a0); a0 = madd(i2, w5, a0);
      i0 = loadPartial(r0 + x + 2 * pixelBytes, lanes); i1 = loadPartial(r1 + x + 2 * pixelBytes, lanes); i2 = loadPartial(r2 + x + 2 * pixelBytes, lanes);
      a0 = madd(i0, w6, a0); a0 = madd(i1, w7, a0); a0 = madd(i2, w8, a0);
      a1 = madd(i0, w0, a1); a1 = madd(i1, w1, a1); a1 = madd(i2, w2, a1);
      i0 = loadPartial(r0 + x + 3 * pixelBytes, lanes); i1 = loadPartial(r1 + x + 3 * pixelBytes, lanes); i2 = loadPartial(r2 + x + 3 * pixelBytes, lanes);
      a1 = madd(i0, w3, a1); a1 = madd(i1, w4, a1); a1 = madd(i2, w5, a1);
      i0 = loadPartial(r0 + x + 4 * pixelBytes, lanes); i1 = loadPartial(r1 + x + 4 * pixelBytes, lanes); i2 = loadPartial(r2 + x + 4 * pixelBytes, lanes);
      a1 = madd(i0, w6, a1); a1 = madd(i1, w7, a1); a1 = madd(i2, w8, a1);
      storePartial(op, activate(a0, alpha, mode), lanes);
      storePartial(op + pixelBytes, activate(a1, alpha, mode), lanes);
      x += 4 * pixelBytes;
      op += 2 * pixelBytes;
    }
  }
  for (; ox < oxHi; ox++) {
    let acc = bias;
    acc = madd(loadPartial(r0 + x, lanes), w0, acc);
    acc = madd(loadPartial(r1 + x, lanes), w1, acc);
    acc = madd(loadPartial(r2 + x, lanes), w2, acc);
    acc = madd(loadPartial(r0 + x + pixelBytes, lanes), w3, acc);
    acc = madd(loadPartial(r1 + x + pixelBytes, lanes), w4, acc);
    acc = madd(loadPartial(r2 + x + pixelBytes, lanes), w5, acc);
    acc = madd(loadPartial(r0 + x + 2 * pixelBytes, lanes), w6, acc);
    acc = madd(loadPartial(r1 + x + 2 * pixelBytes, lanes), w7, acc);
    acc = madd(loadPartial(r2 + x + 2 * pixelBytes, lanes), w8, acc);
    storePartial(op, activate(acc, alpha, mode), lanes);
    x += step;
    op += pixelBytes;
  }
  for (let ox = oxHi; ox < outW; ox++) {
    edgePixel(r0, r1, r2, o, bias, alpha, w0, w1, w2, w3, w4, w5, w6, w7, w8, ox, inW, stride, padLeft, pixelBytes, mode, lanes);
  }
}

/** An output pixel at the left or right border: the taps of columns outside the input are left out. */
@inline function edgePixel(
  r0: usize, r1: usize, r2: usize, o: usize, bias: v128, alpha: v128,
  w0: v128, w1: v128, w2: v128, w3: v128, w4: v128, w5: v128, w6: v128, w7: v128, w8: v128,
  ox: i32, inW: i32, stride: i32, padLeft: i32, pixelBytes: usize, mode: i32, lanes: i32,
): void {
  const ix = ox * stride - padLeft;
  let acc = bias;
  if (ix >= 0 && ix < inW) {
    const x = <usize>ix * pixelBytes;
    acc = madd(loadPartial(r0 + x, lanes), w0, acc);
    acc = madd(loadPartial(r1 + x, lanes), w1, acc);
    acc = madd(loadPartial(r2 + x, lanes), w2, acc);
  }
  if (ix + 1 >= 0 && ix + 1 < inW) {
    const x = <usize>(ix + 1) * pixelBytes;
    acc = madd(loadPartial(r0 + x, lanes), w3, acc);
    acc = madd(loadPartial(r1 + x, lanes), w4, acc);
    acc = madd(loadPartial(r2 + x, lanes), w5, acc);
  }
  if (ix + 2 >= 0 && ix + 2 < inW) {
    const x = <usize>(ix + 2) * pixelBytes;
    acc = madd(loadPartial(r0 + x, lanes), w6, acc);
    acc = madd(loadPartial(r1 + x, lanes), w7, acc);
    acc = madd(loadPartial(r2 + x, lanes), w8, acc);
  }
  storePartial(o + <usize>ox * pixelBytes, activate(acc, alpha, mode), lanes);
}

/** An output row of fewer than 4 channels in all (not inlined: one copy for every variant, the activation chosen per pixel). */
function partialRow(
  r0: usize, r1: usize, r2: usize, o: usize, w: usize, m0: v128, m1: v128, m2: v128,
  inW: i32, outW: i32, stride: i32, padLeft: i32, oxLo: i32, oxHi: i32, pixelBytes: usize, mode: i32, lanes: i32,
): void {
  blockRow(r0, r1, r2, o, w, m0, m1, m2, inW, outW, stride, padLeft, oxLo, oxHi, pixelBytes, mode, lanes);
}

@inline function depthwise3x3(
  input: usize, weights: usize, out: usize, inH: i32, inW: i32, channels: i32,
  outH: i32, outW: i32, stride: i32, padTop: i32, padLeft: i32, mode: i32,
): void {
  const pixelBytes = <usize>channels << 2;
  const rowBytes = <usize>inW * pixelBytes;
  const full = channels >> 2;
  const tail = channels & 3;
  // Output columns whose 3 input columns are all inside the input: [oxLo, oxHi).
  const oxLo = min((padLeft + stride - 1) / stride, outW);
  const lastStart = inW - 3 + padLeft;
  const oxHi = max(oxLo, lastStart < 0 ? 0 : min(lastStart / stride + 1, outW));
  const ones = i32x4.splat(-1);
  const zero = i32x4.splat(0);
  for (let oy = 0; oy < outH; oy++) {
    const iy = oy * stride - padTop;
    const in0 = iy >= 0 && iy < inH, in1 = iy + 1 >= 0 && iy + 1 < inH, in2 = iy + 2 >= 0 && iy + 2 < inH;
    const r0 = input + <usize>(in0 ? iy : <i32>0) * rowBytes;
    const r1 = input + <usize>(in1 ? iy + 1 : <i32>0) * rowBytes;
    const r2 = input + <usize>(in2 ? iy + 2 : <i32>0) * rowBytes;
    const m0 = in0 ? ones : zero, m1 = in1 ? ones : zero, m2 = in2 ? ones : zero;
    const o = out + <usize>oy * <usize>outW * pixelBytes;
    for (let b = 0; b < full; b++) {
      const c = <usize>b << 4;
      blockRow(r0 + c, r1 + c, r2 + c, o + c, weights + <usize>b * BLOCK_BYTES, m0, m1, m2, inW, outW, stride, padLeft, oxLo, oxHi, pixelBytes, mode, 4);
    }
    if (tail && full > 0) {
      // The last 4 channels, overlapping the block before (packed so by conv_packing.ts).
      const c = <usize>(channels - 4) << 2;
      blockRow(r0 + c, r1 + c, r2 + c, o + c, weights + <usize>full * BLOCK_BYTES, m0, m1, m2, inW, outW, stride, padLeft, oxLo, oxHi, pixelBytes, mode, 4);
    } else if (tail) {
      const c = <usize>full << 4;
      partialRow(r0 + c, r1 + c, r2 + c, o + c, weights + <usize>full * BLOCK_BYTES, m0, m1, m2, inW, outW, stride, padLeft, oxLo, oxHi, pixelBytes, mode, tail);
    }
  }
}

/** 3x3 depthwise conv + bias, no activation (every depthwise conv of the three models). */
export function depthwiseConv3x3(input: usize, weights: usize, out: usize, inH: i32, inW: i32, channels: i32, outH: i32, outW: i32, stride: i32, padTop: i32, padLeft: i32): void {
  depthwise3x3(input, weights, out, inH, inW, channels, outH, outW, stride, padTop, padLeft, NONE);
}

/**
 * 3x3 depthwise conv + bias + activation `mode` (epilogue.ts: RELU, RELU6, PRELU with the slopes packed
 * with the weights). The mode is an argument rather than a variant each: a predictable branch per
 * stored vector (~10% slower than depthwiseConv3x3), for one copy of the code instead of three. (Each
 * variant is its own export: one function choosing between inlined copies ran 2x slower in Chromium.)
 */
export function depthwiseConv3x3Activation(input: usize, weights: usize, out: usize, inH: i32, inW: i32, channels: i32, outH: i32, outW: i32, stride: i32, padTop: i32, padLeft: i32, mode: i32): void {
  depthwise3x3(input, weights, out, inH, inW, channels, outH, outW, stride, padTop, padLeft, mode);
}
