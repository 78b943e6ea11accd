// The frame-to-model-input sampler (pipeline/image_to_tensor.ts's imageToTensorData) on RGBA bytes
// in the backend's memory, writing float32 RGB straight into the model's input buffer. The same
// float64 operations in the same order as the TypeScript version, so the values are identical; it
// is faster because it is compiled ahead of time and reads bytes without bounds checks.
//
// Source: `win` holds the frame's columns left..left+winWidth-1 and rows top..top+winHeight-1
// (4 bytes a pixel, rows of winWidth * 4 bytes) of a frameWidth x frameHeight frame, and every
// texel the crop reads. Output pixel (u, v) samples the frame at (a·u + b·v + c, d·u + e·v + f)
// (integers = pixel centres), bilinear, texel indices clamped to the frame; with `zeroBorder`, a
// point beyond half a pixel outside the frame is `offset` (MediaPipe's zero border). value =
// bilinear byte value · scale + offset.

/** The RGBA bytes at p as four 32-bit integers. */
@inline function texel(p: usize): v128 {
  return i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p)));
}

/** Lanes 2 and 3 moved to 0 and 1. */
@inline function high(v: v128): v128 {
  return i32x4.shuffle(v, v, 2, 3, 2, 3);
}

export function sampleCrop(
  win: usize, winWidth: i32, left: i32, top: i32, frameWidth: i32, frameHeight: i32,
  a: f64, b: f64, c: f64, d: f64, e: f64, f: f64,
  outWidth: i32, outHeight: i32, zeroBorder: i32, scale: f64, offset: f64, out: usize,
): void {
  const maxX = <f64>(frameWidth - 1);
  const maxY = <f64>(frameHeight - 1);
  const W = <f64>frameWidth;
  const H = <f64>frameHeight;
  const rowBytes = <isize>winWidth << 2;
  const lastX = frameWidth - 1;
  const lastY = frameHeight - 1;
  for (let v = 0; v < outHeight; v++) {
    const bv = b * <f64>v;
    const ev = e * <f64>v;
    for (let u = 0; u < outWidth; u++) {
      const sx = a * <f64>u + bv + c;
      const sy = d * <f64>u + ev + f;
      if (zeroBorder && (sx < -0.5 || sx > W - 0.5 || sy < -0.5 || sy > H - 0.5)) {
        const o = <f32>offset;
        store<f32>(out, o); store<f32>(out, o, 4); store<f32>(out, o, 8);
        out += 12;
        continue;
      }
      if (!(isFinite(sx) && isFinite(sy))) {
        store<f32>(out, NaN); store<f32>(out, NaN, 4); store<f32>(out, NaN, 8);
        out += 12;
        continue;
      }
      const fx0 = Math.floor(sx);
      const fy0 = Math.floor(sy);
      const ax = sx - fx0;
      const ay = sy - fy0;
      // Texel indices clamped to the frame, in integers: the float floor is first limited to
      // [-1, size] (which clamps to the same texels) so that one conversion each is exact.
      const ix = <i32>Math.min(Math.max(fx0, -1), maxX + 1);
      const iy = <i32>Math.min(Math.max(fy0, -1), maxY + 1);
      const x0 = ix < 0 ? 0 : ix > lastX ? lastX : ix;
      const x1 = ix + 1 < 0 ? 0 : ix + 1 > lastX ? lastX : ix + 1;
      const y0 = iy < 0 ? 0 : iy > lastY ? lastY : iy;
      const y1 = iy + 1 < 0 ? 0 : iy + 1 > lastY ? lastY : iy + 1;
      const p00 = win + <usize>(<isize>(y0 - top) * rowBytes + (<isize>(x0 - left) << 2));
      const p01 = p00 + <usize>((x1 - x0) << 2);
      const p10 = p00 + <usize>(<isize>(y1 - y0) * rowBytes);
      const p11 = p10 + <usize>((x1 - x0) << 2);
      const w00 = (1 - ax) * (1 - ay);
      const w01 = ax * (1 - ay);
      const w10 = (1 - ax) * ay;
      const w11 = ax * ay;
      // Two lanes of float64: (R, G) and (B, A), the same products and sums, in the same order, as
      // the scalar expression per channel, so every value is bit-identical to it.
      const k00 = f64x2.splat(w00);
      const k01 = f64x2.splat(w01);
      const k10 = f64x2.splat(w10);
      const k11 = f64x2.splat(w11);
      const t00 = texel(p00);
      const t01 = texel(p01);
      const t10 = texel(p10);
      const t11 = texel(p11);
      const rg = f64x2.add(f64x2.add(f64x2.add(
        f64x2.mul(k00, f64x2.convert_low_i32x4_u(t00)), f64x2.mul(k01, f64x2.convert_low_i32x4_u(t01))),
        f64x2.mul(k10, f64x2.convert_low_i32x4_u(t10))), f64x2.mul(k11, f64x2.convert_low_i32x4_u(t11)));
      const ba = f64x2.add(f64x2.add(f64x2.add(
        f64x2.mul(k00, f64x2.convert_low_i32x4_u(high(t00))), f64x2.mul(k01, f64x2.convert_low_i32x4_u(high(t01)))),
        f64x2.mul(k10, f64x2.convert_low_i32x4_u(high(t10)))), f64x2.mul(k11, f64x2.convert_low_i32x4_u(high(t11))));
      const s2 = f64x2.splat(scale);
      const o2 = f64x2.splat(offset);
      const rgOut = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(rg, s2), o2));
      const baOut = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(ba, s2), o2));
      v128.store64_lane(out, rgOut, 0);
      store<f32>(out, f32x4.extract_lane(baOut, 0), 8);
      out += 12;
    }
  }
}
