// Full (dense) convolution, NHWC, any kernel size, stride and top/left padding, no dilation, with bias
// and the activation fused into the store: the models' first convolution over the 3-channel image
// (3x3 stride 2 in the meshes, 5x5 stride 2 in BlazeFace) and their last ones (3x3 or 2x2 over a 3x3 or
// 2x2 map, one output pixel). Pointers are byte offsets in the tfjs wasm backend's memory.
//
// Output channels go 8 at a time (two v128); 4 output pixels at a time share each weight load, an
// input value is splat across the lanes: 8 accumulators, 2 weights and 4 inputs in registers. For one
// kernel row, the kw taps of kw * inChannels floats are contiguous in an NHWC row, so the inner loop
// runs over them as one. Kernel rows outside the input are skipped (the row's range is computed once
// per output row); output columns that reach outside take the one-pixel path with a narrower range.
//
// Weights, packed at plan compile time (plan/conv_packing.ts), per block of 8 output channels (when the
// count is not a multiple of 8, the last block is the last 8 channels, overlapping the one before, so
// every store is whole; fewer than 8 in all: one block, zero-filled): bias (2 v128), PReLU slopes (2 v128), then for ky, kx, ic (the order the sum
// runs, XNNPACK's: without relaxed SIMD our sums round exactly as theirs) the 8 weights (2 v128).
import { madd } from './simd';
import { PRELU, RELU, activate, storePartial } from './epilogue';

/**
 * One output pixel of one block of 8 channels, kernel columns [kxLo, kxHi). Not inlined (the borders,
 * the last 1-3 pixels of a row, and maps of one output pixel): one copy for every variant.
 */
function onePixel(
  input: usize, w: usize, o: usize, iy: i32, kyLo: i32, kyHi: i32, ix: i32, kxLo: i32, kxHi: i32,
  kw: i32, inChannels: i32, rowBytes: usize, lanes: i32, mode: i32,
): void {
  let acc0 = v128.load(w);
  let acc1 = v128.load(w, 16);
  const rowTaps = kw * inChannels;
  for (let ky = kyLo; ky < kyHi; ky++) {
    const p = input + <usize>(iy + ky) * rowBytes + (<usize>((ix + kxLo) * inChannels) << 2);
    const wp = w + 64 + (<usize>(ky * rowTaps + kxLo * inChannels) << 5);
    const n = (kxHi - kxLo) * inChannels;
    for (let j = 0; j < n; j++) {
      const x = v128.load32_splat(p + (<usize>j << 2));
      const wj = wp + (<usize>j << 5);
      acc0 = madd(x, v128.load(wj), acc0);
      acc1 = madd(x, v128.load(wj, 16), acc1);
    }
  }
  const lanes0 = min(lanes, 4);
  storePartial(o, activate(acc0, v128.load(w, 32), mode), lanes0);
  storePartial(o + 16, activate(acc1, v128.load(w, 48), mode), lanes - lanes0);
}

/** Four output pixels, `step` bytes apart in the input, of one block of 8 channels; every kernel column inside. */
@inline function fourPixels(
  input: usize, w: usize, o: usize, outPixel: usize, iy: i32, kyLo: i32, kyHi: i32, ix: i32,
  rowTaps: i32, inChannels: i32, rowBytes: usize, step: usize, lanes: i32, mode: i32,
): void {
  const b0 = v128.load(w), b1 = v128.load(w, 16);
  let a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
  for (let ky = kyLo; ky < kyHi; ky++) {
    const p = input + <usize>(iy + ky) * rowBytes + (<usize>(ix * inChannels) << 2);
    const wp = w + 64 + (<usize>(ky * rowTaps) << 5);
    for (let j = 0; j < rowTaps; j++) {
      const pj = p + (<usize>j << 2);
      const wj = wp + (<usize>j << 5);
      const w0 = v128.load(wj), w1 = v128.load(wj, 16);
      const x0 = v128.load32_splat(pj);
      const x1 = v128.load32_splat(pj + step);
      const x2 = v128.load32_splat(pj + 2 * step);
      const x3 = v128.load32_splat(pj + 3 * step);
      a00 = madd(x0, w0, a00); a01 = madd(x0, w1, a01);
      a10 = madd(x1, w0, a10); a11 = madd(x1, w1, a11);
      a20 = madd(x2, w0, a20); a21 = madd(x2, w1, a21);
      a30 = madd(x3, w0, a30); a31 = madd(x3, w1, a31);
    }
  }
  const al0 = v128.load(w, 32), al1 = v128.load(w, 48);
  const lanes0 = min(lanes, 4), lanes1 = lanes - lanes0;
  storePartial(o, activate(a00, al0, mode), lanes0);
  storePartial(o + 16, activate(a01, al1, mode), lanes1);
  storePartial(o + outPixel, activate(a10, al0, mode), lanes0);
  storePartial(o + outPixel + 16, activate(a11, al1, mode), lanes1);
  storePartial(o + 2 * outPixel, activate(a20, al0, mode), lanes0);
  storePartial(o + 2 * outPixel + 16, activate(a21, al1, mode), lanes1);
  storePartial(o + 3 * outPixel, activate(a30, al0, mode), lanes0);
  storePartial(o + 3 * outPixel + 16, activate(a31, al1, mode), lanes1);
}

/** One output row of one block of 8 output channels (`lanes` of them real): border pixels, 4 at a time inside, the rest. */
@inline function blockRow(
  input: usize, w: usize, o: usize, inW: i32, inChannels: i32, outW: i32, kw: i32, stride: i32, padLeft: i32,
  iy: i32, kyLo: i32, kyHi: i32, oxLo: i32, oxHi: i32, rowBytes: usize, outPixel: usize, lanes: i32, mode: i32,
): void {
  const rowTaps = kw * inChannels;
  const step = <usize>stride * (<usize>inChannels << 2);
  for (let ox = 0; ox < oxLo; ox++) {
    const ix = ox * stride - padLeft;
    onePixel(input, w, o + <usize>ox * outPixel, iy, kyLo, kyHi, ix, max(0, -ix), min(kw, inW - ix), kw, inChannels, rowBytes, lanes, mode);
  }
  let ox = oxLo;
  for (; ox + 4 <= oxHi; ox += 4) {
    fourPixels(input, w, o + <usize>ox * outPixel, outPixel, iy, kyLo, kyHi, ox * stride - padLeft, rowTaps, inChannels, rowBytes, step, lanes, mode);
  }
  for (; ox < outW; ox++) {
    const ix = ox * stride - padLeft;
    onePixel(input, w, o + <usize>ox * outPixel, iy, kyLo, kyHi, ix, max(0, -ix), min(kw, inW - ix), kw, inChannels, rowBytes, lanes, mode);
  }
}

/** blockRow for fewer than 8 output channels in all (not inlined: one copy for every variant). */
function narrowBlockRow(
  input: usize, w: usize, o: usize, inW: i32, inChannels: i32, outW: i32, kw: i32, stride: i32, padLeft: i32,
  iy: i32, kyLo: i32, kyHi: i32, oxLo: i32, oxHi: i32, rowBytes: usize, outPixel: usize, lanes: i32, mode: i32,
): void {
  blockRow(input, w, o, inW, inChannels, outW, kw, stride, padLeft, iy, kyLo, kyHi, oxLo, oxHi, rowBytes, outPixel, lanes, mode);
}

@inline function conv(
  input: usize, weights: usize, out: usize, inH: i32, inW: i32, inChannels: i32, outH: i32, outW: i32, outChannels: i32,
  kh: i32, kw: i32, stride: i32, padTop: i32, padLeft: i32, mode: i32,
): void {
  const rowBytes = <usize>inW * (<usize>inChannels << 2);
  const outPixel = <usize>outChannels << 2;
  const blockBytes = <usize>(2 + kh * kw * inChannels) << 5;
  const full = outChannels >> 3;
  const blocks = full + (outChannels & 7 ? 1 : 0);
  // Output columns whose kw input columns are all inside the input: [oxLo, oxHi).
  const oxLo = min((padLeft + stride - 1) / stride, outW);
  const lastStart = inW - kw + padLeft;
  const oxHi = max(oxLo, lastStart < 0 ? 0 : min(lastStart / stride + 1, outW));
  for (let oy = 0; oy < outH; oy++) {
    const iy = oy * stride - padTop;
    const kyLo = max(0, -iy);
    const kyHi = min(kh, inH - iy);
    const orow = out + <usize>oy * <usize>outW * outPixel;
    for (let b = 0; b < blocks; b++) {
      const w = weights + <usize>b * blockBytes;
      if (outChannels >= 8) {
        // When the count is not a multiple of 8, the last block is the last 8 channels, overlapping the one before.
        const o = orow + (<usize>(b < full ? b << 3 : outChannels - 8) << 2);
        blockRow(input, w, o, inW, inChannels, outW, kw, stride, padLeft, iy, kyLo, kyHi, oxLo, oxHi, rowBytes, outPixel, 8, mode);
      } else {
        narrowBlockRow(input, w, orow, inW, inChannels, outW, kw, stride, padLeft, iy, kyLo, kyHi, oxLo, oxHi, rowBytes, outPixel, outChannels, mode);
      }
    }
  }
}

/**
 * Full conv + bias + activation `mode` (epilogue.ts: NONE, RELU, RELU6, PRELU with the slopes packed with
 * the weights), chosen per stored vector.
 */
export function convFull(input: usize, weights: usize, out: usize, inH: i32, inW: i32, inChannels: i32, outH: i32, outW: i32, outChannels: i32, kh: i32, kw: i32, stride: i32, padTop: i32, padLeft: i32, mode: i32): void {
  conv(input, weights, out, inH, inW, inChannels, outH, outW, outChannels, kh, kw, stride, padTop, padLeft, mode);
}

/** Full conv + bias + PRELU, specialized (the meshes' first conv: choosing per stored vector cost it ~15%). */
export function convFullPrelu(input: usize, weights: usize, out: usize, inH: i32, inW: i32, inChannels: i32, outH: i32, outW: i32, outChannels: i32, kh: i32, kw: i32, stride: i32, padTop: i32, padLeft: i32): void {
  conv(input, weights, out, inH, inW, inChannels, outH, outW, outChannels, kh, kw, stride, padTop, padLeft, PRELU);
}

/** Full conv + bias + RELU, specialized (BlazeFace's first conv). */
export function convFullRelu(input: usize, weights: usize, out: usize, inH: i32, inW: i32, inChannels: i32, outH: i32, outW: i32, outChannels: i32, kh: i32, kw: i32, stride: i32, padTop: i32, padLeft: i32): void {
  conv(input, weights, out, inH, inW, inChannels, outH, outW, outChannels, kh, kw, stride, padTop, padLeft, RELU);
}
