// The frame-to-model-input sampler (pipeline/image_to_tensor.ts's imageToTensorData) on RGBA bytes
// in the backend's memory, writing float32 RGB straight into the model's input buffer. The same
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

/**
 * One output pixel at source point (sx, sy), any point (clamped to the frame, zero border, NaN):
 * 3 floats at out. The same float operations as sampleFour's lanes.
 */
function samplePixel(
  win: usize, rowBytes: isize, left: i32, top: i32, frameWidth: i32, frameHeight: i32,
  sx: f64, sy: f64, zeroBorder: i32, scale: f32, offset: f32, out: usize,
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
  const value = f32x4.add(f32x4.mul(sum, f32x4.splat(scale)), f32x4.splat(offset));
  v128.store64_lane(out, value, 0);
  v128.store32_lane(out, value, 2, 8);
}

/** The RGBA bytes at p as four floats. */
@inline function texel(p: usize): v128 {
  return f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p))));
}

/** Lanes 0-3 of a u16x8 as floats, and lanes 4-7. */
@inline function low4(v: v128): v128 { return f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(v)); }
@inline function high4(v: v128): v128 { return f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(v)); }

/**
 * Four pixels whose points all lie in [0, last) on both axes (texels x0, x0 + 1, y0, y0 + 1, no
 * clamping): 12 floats at out. Lanes are pixels u..u+3 throughout.
 */
@inline function sampleFour(
  sx01: v128, sy01: v128, sx23: v128, sy23: v128, origin: v128, rowStride: v128, rowBytes: usize,
  s4: v128, o4: v128, out: usize,
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
  const xs = i32x4.shuffle(i32x4.trunc_sat_f64x2_s_zero(fx01), i32x4.trunc_sat_f64x2_s_zero(fx23), 0, 1, 4, 5);
  const ys = i32x4.shuffle(i32x4.trunc_sat_f64x2_s_zero(fy01), i32x4.trunc_sat_f64x2_s_zero(fy23), 0, 1, 4, 5);
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
  // Bytes by channel and texel, 4 pixels each: [R x0, R x0+1, G x0, G x0+1] and [B x0, B x0+1, ...].
  const urg = i8x16.shuffle(u01, u23, 0, 8, 16, 24, 4, 12, 20, 28, 1, 9, 17, 25, 5, 13, 21, 29);
  const ub = i8x16.shuffle(u01, u23, 2, 10, 18, 26, 6, 14, 22, 30, 2, 10, 18, 26, 6, 14, 22, 30);
  const lrg = i8x16.shuffle(l01, l23, 0, 8, 16, 24, 4, 12, 20, 28, 1, 9, 17, 25, 5, 13, 21, 29);
  const lb = i8x16.shuffle(l01, l23, 2, 10, 18, 26, 6, 14, 22, 30, 2, 10, 18, 26, 6, 14, 22, 30);
  const ur = i16x8.extend_low_i8x16_u(urg);
  const ug = i16x8.extend_high_i8x16_u(urg);
  const ubb = i16x8.extend_low_i8x16_u(ub);
  const lr = i16x8.extend_low_i8x16_u(lrg);
  const lg = i16x8.extend_high_i8x16_u(lrg);
  const lbb = i16x8.extend_low_i8x16_u(lb);
  const r = blend(low4(ur), high4(ur), low4(lr), high4(lr), k00, k01, k10, k11, s4, o4);
  const g = blend(low4(ug), high4(ug), low4(lg), high4(lg), k00, k01, k10, k11, s4, o4);
  const b = blend(low4(ubb), high4(ubb), low4(lbb), high4(lbb), k00, k01, k10, k11, s4, o4);
  // Interleaved: r0 g0 b0 r1 | g1 b1 r2 g2 | b2 r3 g3 b3.
  const rg01 = i32x4.shuffle(r, g, 0, 4, 1, 5);
  const rg23 = i32x4.shuffle(r, g, 2, 6, 3, 7);
  v128.store(out, i32x4.shuffle(rg01, b, 0, 1, 4, 2));
  v128.store(out, i32x4.shuffle(i32x4.shuffle(rg01, b, 3, 5, 3, 5), rg23, 0, 1, 4, 5), 16);
  v128.store(out, i32x4.shuffle(rg23, b, 6, 2, 3, 7), 32);
}

/** One channel of four pixels: ((w00·t00 + w01·t01) + w10·t10) + w11·t11, then · scale + offset. */
@inline function blend(t00: v128, t01: v128, t10: v128, t11: v128, k00: v128, k01: v128, k10: v128, k11: v128, s4: v128, o4: v128): v128 {
  const sum = f32x4.add(f32x4.add(f32x4.add(f32x4.mul(k00, t00), f32x4.mul(k01, t01)), f32x4.mul(k10, t10)), f32x4.mul(k11, t11));
  return f32x4.add(f32x4.mul(sum, s4), o4);
}

export function sampleCrop(
  win: usize, winWidth: i32, left: i32, top: i32, frameWidth: i32, frameHeight: i32,
  a: f64, b: f64, c: f64, d: f64, e: f64, f: f64,
  outWidth: i32, outHeight: i32, zeroBorder: i32, scale: f64, offset: f64, out: usize,
): void {
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
    for (; u < end4; u += 4) {
      const u01 = f64x2(<f64>u, <f64>(u + 1));
      const u23 = f64x2(<f64>(u + 2), <f64>(u + 3));
      const sx01 = f64x2.add(f64x2.add(f64x2.mul(a2, u01), bv2), c2);
      const sy01 = f64x2.add(f64x2.add(f64x2.mul(d2, u01), ev2), f2);
      const sx23 = f64x2.add(f64x2.add(f64x2.mul(a2, u23), bv2), c2);
      const sy23 = f64x2.add(f64x2.add(f64x2.mul(d2, u23), ev2), f2);
      if (!rowInside) {
        const inside = v128.and(
          v128.and(v128.and(f64x2.ge(sx01, zero), f64x2.lt(sx01, limX)), v128.and(f64x2.ge(sy01, zero), f64x2.lt(sy01, limY))),
          v128.and(v128.and(f64x2.ge(sx23, zero), f64x2.lt(sx23, limX)), v128.and(f64x2.ge(sy23, zero), f64x2.lt(sy23, limY))));
        if (!i64x2.all_true(inside)) {
          samplePixel(win, rowBytes, left, top, frameWidth, frameHeight, f64x2.extract_lane(sx01, 0), f64x2.extract_lane(sy01, 0), zeroBorder, scale32, offset32, out);
          samplePixel(win, rowBytes, left, top, frameWidth, frameHeight, f64x2.extract_lane(sx01, 1), f64x2.extract_lane(sy01, 1), zeroBorder, scale32, offset32, out + 12);
          samplePixel(win, rowBytes, left, top, frameWidth, frameHeight, f64x2.extract_lane(sx23, 0), f64x2.extract_lane(sy23, 0), zeroBorder, scale32, offset32, out + 24);
          samplePixel(win, rowBytes, left, top, frameWidth, frameHeight, f64x2.extract_lane(sx23, 1), f64x2.extract_lane(sy23, 1), zeroBorder, scale32, offset32, out + 36);
          out += 48;
          continue;
        }
      }
      sampleFour(sx01, sy01, sx23, sy23, origin, rowStride, <usize>rowBytes, s4, o4, out);
      out += 48;
    }
    for (; u < outWidth; u++) {
      const uf = <f64>u;
      samplePixel(win, rowBytes, left, top, frameWidth, frameHeight, a * uf + bv + c, d * uf + ev + f, zeroBorder, scale32, offset32, out);
      out += 12;
    }
  }
}
