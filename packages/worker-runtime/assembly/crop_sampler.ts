// The frame-to-model-input sampler (pipeline/image_to_tensor.ts's imageToTensorData) on RGBA (or,
// with `bgr`, BGRA: how Chromium's bitmaps are copied without conversion) bytes in the backend's memory, writing float32 RGB straight into the model's input buffer. The same
// operations in the same order as the TypeScript version, so the values are identical: sample
// points, texel indices and fractions in float64, the bilinear blend in float32 (the model's input
// type; four pixels per v128, one channel in each).
//
// Source: `win` holds the frame's columns left..left+winWidth-1 and rows top..top+winHeight-1
// (4 bytes a pixel, rows of winWidth * 4 bytes) of a frameWidth x frameHeight frame, and every
// texel the crop reads. Output pixel (u, v) samples the frame at (a·u + b·v + c, d·u + e·v + f)
// (integers = pixel centres), bilinear, texel indices clamped to the frame; with `zeroBorder`, a
// point beyond half a pixel outside the frame is `offset` (MediaPipe's zero border). value =
// bilinear byte value · scale + offset.
//
// What bounds it is the instruction count (the window's bytes come from cache: the same time warm
// or after a 4 MB sweep): per four pixels, the float64 points, 8 gathered loads, and per channel
// 4 texel conversions and the blend. Texel bytes are taken from 32-bit lanes with shifts (a shuffle
// of two vectors or a mask constant costs more in V8), and the floors become integers by adding
// 2^52 (i32x4.trunc_sat_f64x2_s_zero is several instructions on x64).

/**
 * One output pixel at source point (sx, sy), any point (clamped to the frame, zero border, NaN):
 * 3 floats at out. The same float operations as sampleFour's lanes.
 */
function samplePixel(
  win: usize, rowBytes: isize, left: i32, top: i32, frameWidth: i32, frameHeight: i32,
  sx: f64, sy: f64, zeroBorder: i32, scale: f32, offset: f32, bgr: bool, out: usize,
): void {
  const W = <f64>frameWidth;
  const H = <f64>frameHeight;
  if (zeroBorder && (sx < -0.5 || sx > W - 0.5 || sy < -0.5 || sy > H - 0.5)) {
    store<f32>(out, offset); store<f32>(out, offset, 4); store<f32>(out, offset, 8);
    return;
  }
  if (!(isFinite(sx) && isFinite(sy))) {
    store<f32>(out, NaN); store<f32>(out, NaN, 4); store<f32>(out, NaN, 8);
    return;
  }
  const lastX = frameWidth - 1;
  const lastY = frameHeight - 1;
  const fx0 = Math.floor(sx);
  const fy0 = Math.floor(sy);
  const ax = <f32>(sx - fx0);
  const ay = <f32>(sy - fy0);
  // Texel indices clamped to the frame, in integers: the float floor is first limited to
  // [-1, size] (which clamps to the same texels) so that one conversion each is exact.
  const ix = <i32>Math.min(Math.max(fx0, -1), W);
  const iy = <i32>Math.min(Math.max(fy0, -1), H);
  const x0 = ix < 0 ? 0 : ix > lastX ? lastX : ix;
  const x1 = ix + 1 < 0 ? 0 : ix + 1 > lastX ? lastX : ix + 1;
  const y0 = iy < 0 ? 0 : iy > lastY ? lastY : iy;
  const y1 = iy + 1 < 0 ? 0 : iy + 1 > lastY ? lastY : iy + 1;
  const p00 = win + <usize>(<isize>(y0 - top) * rowBytes + (<isize>(x0 - left) << 2));
  const p01 = p00 + <usize>((x1 - x0) << 2);
  const p10 = p00 + <usize>(<isize>(y1 - y0) * rowBytes);
  const p11 = p10 + <usize>((x1 - x0) << 2);
  const bx: f32 = 1 - ax;
  const by: f32 = 1 - ay;
  const k00 = f32x4.splat(bx * by);
  const k01 = f32x4.splat(ax * by);
  const k10 = f32x4.splat(bx * ay);
  const k11 = f32x4.splat(ax * ay);
  const sum = f32x4.add(f32x4.add(f32x4.add(
    f32x4.mul(k00, texel(p00)), f32x4.mul(k01, texel(p01))), f32x4.mul(k10, texel(p10))), f32x4.mul(k11, texel(p11)));
  const blended = f32x4.add(f32x4.mul(sum, f32x4.splat(scale)), f32x4.splat(offset));
  const value = bgr ? i32x4.shuffle(blended, blended, 2, 1, 0, 3) : blended;
  v128.store64_lane(out, value, 0);
  v128.store32_lane(out, value, 2, 8);
}

/** The bytes at p (one texel) as four floats. */
@inline function texel(p: usize): v128 {
  return f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p))));
}

/** Byte 0, 1 or 2 of each 32-bit lane (a texel's bytes, one texel per lane) as floats. */
@inline function byte0(t: v128): v128 { return f32x4.convert_i32x4_s(i32x4.shr_u(i32x4.shl(t, 24), 24)); }
@inline function byte1(t: v128): v128 { return f32x4.convert_i32x4_s(i32x4.shr_u(i32x4.shl(t, 16), 24)); }
@inline function byte2(t: v128): v128 { return f32x4.convert_i32x4_s(i32x4.shr_u(i32x4.shl(t, 8), 24)); }

/**
 * Four pixels whose points all lie in [0, last) on both axes (texels x0, x0 + 1, y0, y0 + 1, no
 * clamping): 12 floats at out. Lanes are pixels u..u+3 throughout.
 */
@inline function sampleFour(
  sx01: v128, sy01: v128, sx23: v128, sy23: v128, origin: v128, rowStride: v128, rowBytes: usize,
  s4: v128, o4: v128, bgr: bool, out: usize,
): void {
  const fx01 = f64x2.floor(sx01);
  const fy01 = f64x2.floor(sy01);
  const fx23 = f64x2.floor(sx23);
  const fy23 = f64x2.floor(sy23);
  const ax = i32x4.shuffle(f32x4.demote_f64x2_zero(f64x2.sub(sx01, fx01)), f32x4.demote_f64x2_zero(f64x2.sub(sx23, fx23)), 0, 1, 4, 5);
  const ay = i32x4.shuffle(f32x4.demote_f64x2_zero(f64x2.sub(sy01, fy01)), f32x4.demote_f64x2_zero(f64x2.sub(sy23, fy23)), 0, 1, 4, 5);
  const one = f32x4.splat(1);
  const bx = f32x4.sub(one, ax);
  const by = f32x4.sub(one, ay);
  const k00 = f32x4.mul(bx, by);
  const k01 = f32x4.mul(ax, by);
  const k10 = f32x4.mul(bx, ay);
  const k11 = f32x4.mul(ax, ay);
  // The floors as integers: 2^52 + n holds n in its low 32 bits (0 <= n < 2^31), exactly.
  const magic = f64x2.splat(4503599627370496.0);
  const xs = i32x4.shuffle(f64x2.add(fx01, magic), f64x2.add(fx23, magic), 0, 2, 4, 6);
  const ys = i32x4.shuffle(f64x2.add(fy01, magic), f64x2.add(fy23, magic), 0, 2, 4, 6);
  const p = i32x4.add(origin, i32x4.add(i32x4.mul(ys, rowStride), i32x4.shl(xs, 2)));
  const p0 = <usize>i32x4.extract_lane(p, 0);
  const p1 = <usize>i32x4.extract_lane(p, 1);
  const p2 = <usize>i32x4.extract_lane(p, 2);
  const p3 = <usize>i32x4.extract_lane(p, 3);
  // Each pixel's texels (x0, y0) and (x0 + 1, y0): 8 bytes; then the row below.
  const u01 = v128.load64_lane(p1, v128.load64_zero(p0), 1);
  const u23 = v128.load64_lane(p3, v128.load64_zero(p2), 1);
  const l01 = v128.load64_lane(p1 + rowBytes, v128.load64_zero(p0 + rowBytes), 1);
  const l23 = v128.load64_lane(p3 + rowBytes, v128.load64_zero(p2 + rowBytes), 1);
  // One texel of the four pixels per vector, a texel per 32-bit lane: (x0, y0), (x0 + 1, y0), ...
  const t00 = i32x4.shuffle(u01, u23, 0, 2, 4, 6);
  const t01 = i32x4.shuffle(u01, u23, 1, 3, 5, 7);
  const t10 = i32x4.shuffle(l01, l23, 0, 2, 4, 6);
  const t11 = i32x4.shuffle(l01, l23, 1, 3, 5, 7);
  const c0 = blend(byte0(t00), byte0(t01), byte0(t10), byte0(t11), k00, k01, k10, k11, s4, o4);
  const g = blend(byte1(t00), byte1(t01), byte1(t10), byte1(t11), k00, k01, k10, k11, s4, o4);
  const c2 = blend(byte2(t00), byte2(t01), byte2(t10), byte2(t11), k00, k01, k10, k11, s4, o4);
  const r = bgr ? c2 : c0;
  const b = bgr ? c0 : c2;
  // Interleaved: r0 g0 b0 r1 g1 b1 r2 g2 b2 r3 g3 b3.
  const rg01 = i32x4.shuffle(r, g, 0, 4, 1, 5);
  const rg23 = i32x4.shuffle(r, g, 2, 6, 3, 7);
  v128.store64_lane(out, rg01, 0);
  v128.store32_lane(out, b, 0, 8);
  v128.store64_lane(out, rg01, 1, 12);
  v128.store32_lane(out, b, 1, 20);
  v128.store64_lane(out, rg23, 0, 24);
  v128.store32_lane(out, b, 2, 32);
  v128.store64_lane(out, rg23, 1, 36);
  v128.store32_lane(out, b, 3, 44);
}

/** One channel of four pixels: ((w00·t00 + w01·t01) + w10·t10) + w11·t11, then · scale + offset. */
@inline function blend(t00: v128, t01: v128, t10: v128, t11: v128, k00: v128, k01: v128, k10: v128, k11: v128, s4: v128, o4: v128): v128 {
  const sum = f32x4.add(f32x4.add(f32x4.add(f32x4.mul(k00, t00), f32x4.mul(k01, t01)), f32x4.mul(k10, t10)), f32x4.mul(k11, t11));
  return f32x4.add(f32x4.mul(sum, s4), o4);
}

export function sampleCrop(
  win: usize, winWidth: i32, left: i32, top: i32, frameWidth: i32, frameHeight: i32,
  a: f64, b: f64, c: f64, d: f64, e: f64, f: f64,
  outWidth: i32, outHeight: i32, zeroBorder: i32, scale: f64, offset: f64, out: usize, bgrBytes: i32,
): void {
  const bgr = bgrBytes != 0;
  const rowBytes = <isize>winWidth << 2;
  const scale32 = <f32>scale;
  const offset32 = <f32>offset;
  const s4 = f32x4.splat(scale32);
  const o4 = f32x4.splat(offset32);
  const a2 = f64x2.splat(a);
  const d2 = f64x2.splat(d);
  const c2 = f64x2.splat(c);
  const f2 = f64x2.splat(f);
  const zero = f64x2.splat(0);
  const limX = f64x2.splat(<f64>(frameWidth - 1));
  const limY = f64x2.splat(<f64>(frameHeight - 1));
  const lastX = <f64>(frameWidth - 1);
  const lastY = <f64>(frameHeight - 1);
  const origin = i32x4.splat(<i32>win - top * (winWidth << 2) - (left << 2));
  const rowStride = i32x4.splat(winWidth << 2);
  const end4 = outWidth & ~3;
  const four = f64x2.splat(4);
  for (let v = 0; v < outHeight; v++) {
    const bv = b * <f64>v;
    const ev = e * <f64>v;
    const bv2 = f64x2.splat(bv);
    const ev2 = f64x2.splat(ev);
    // Points move monotonically along a row: when its two ends are inside, every point is.
    const n = <f64>(outWidth - 1);
    const sx0 = bv + c, sxn = a * n + bv + c, sy0 = ev + f, syn = d * n + ev + f;
    const rowInside = Math.min(sx0, sxn) >= 0 && Math.max(sx0, sxn) < lastX && Math.min(sy0, syn) >= 0 && Math.max(sy0, syn) < lastY;
    let u = 0;
    // u, u + 1 and u + 2, u + 3 as floats (whole numbers: adding 4 is exact).
    let u01 = f64x2(0, 1);
    let u23 = f64x2(2, 3);
    for (; u < end4; u += 4, u01 = f64x2.add(u01, four), u23 = f64x2.add(u23, four)) {
      const sx01 = f64x2.add(f64x2.add(f64x2.mul(a2, u01), bv2), c2);
      const sy01 = f64x2.add(f64x2.add(f64x2.mul(d2, u01), ev2), f2);
      const sx23 = f64x2.add(f64x2.add(f64x2.mul(a2, u23), bv2), c2);
      const sy23 = f64x2.add(f64x2.add(f64x2.mul(d2, u23), ev2), f2);
      if (!rowInside) {
        const inside = v128.and(
          v128.and(v128.and(f64x2.ge(sx01, zero), f64x2.lt(sx01, limX)), v128.and(f64x2.ge(sy01, zero), f64x2.lt(sy01, limY))),
          v128.and(v128.and(f64x2.ge(sx23, zero), f64x2.lt(sx23, limX)), v128.and(f64x2.ge(sy23, zero), f64x2.lt(sy23, limY))));
        if (!i64x2.all_true(inside)) {
          samplePixel(win, rowBytes, left, top, frameWidth, frameHeight, f64x2.extract_lane(sx01, 0), f64x2.extract_lane(sy01, 0), zeroBorder, scale32, offset32, bgr, out);
          samplePixel(win, rowBytes, left, top, frameWidth, frameHeight, f64x2.extract_lane(sx01, 1), f64x2.extract_lane(sy01, 1), zeroBorder, scale32, offset32, bgr, out + 12);
          samplePixel(win, rowBytes, left, top, frameWidth, frameHeight, f64x2.extract_lane(sx23, 0), f64x2.extract_lane(sy23, 0), zeroBorder, scale32, offset32, bgr, out + 24);
          samplePixel(win, rowBytes, left, top, frameWidth, frameHeight, f64x2.extract_lane(sx23, 1), f64x2.extract_lane(sy23, 1), zeroBorder, scale32, offset32, bgr, out + 36);
          out += 48;
          continue;
        }
      }
      sampleFour(sx01, sy01, sx23, sy23, origin, rowStride, <usize>rowBytes, s4, o4, bgr, out);
      out += 48;
    }
    for (; u < outWidth; u++) {
      const uf = <f64>u;
      samplePixel(win, rowBytes, left, top, frameWidth, frameHeight, a * uf + bv + c, d * uf + ev + f, zeroBorder, scale32, offset32, bgr, out);
      out += 12;
    }
  }
}
