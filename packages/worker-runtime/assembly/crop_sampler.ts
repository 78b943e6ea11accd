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
      const x0 = fx0 < 0 ? 0 : fx0 > maxX ? maxX : fx0;
      const x1 = fx0 + 1 < 0 ? 0 : fx0 + 1 > maxX ? maxX : fx0 + 1;
      const y0 = fy0 < 0 ? 0 : fy0 > maxY ? maxY : fy0;
      const y1 = fy0 + 1 < 0 ? 0 : fy0 + 1 > maxY ? maxY : fy0 + 1;
      const ix0 = <isize>x0 - left;
      const iy0 = <isize>y0 - top;
      const p00 = win + <usize>(iy0 * rowBytes + (ix0 << 2));
      const p01 = p00 + <usize>((<isize>x1 - <isize>x0) << 2);
      const p10 = p00 + <usize>((<isize>y1 - <isize>y0) * rowBytes);
      const p11 = p10 + <usize>((<isize>x1 - <isize>x0) << 2);
      const w00 = (1 - ax) * (1 - ay);
      const w01 = ax * (1 - ay);
      const w10 = (1 - ax) * ay;
      const w11 = ax * ay;
      store<f32>(out, <f32>((w00 * <f64>load<u8>(p00) + w01 * <f64>load<u8>(p01) + w10 * <f64>load<u8>(p10) + w11 * <f64>load<u8>(p11)) * scale + offset));
      store<f32>(out, <f32>((w00 * <f64>load<u8>(p00, 1) + w01 * <f64>load<u8>(p01, 1) + w10 * <f64>load<u8>(p10, 1) + w11 * <f64>load<u8>(p11, 1)) * scale + offset), 4);
      store<f32>(out, <f32>((w00 * <f64>load<u8>(p00, 2) + w01 * <f64>load<u8>(p01, 2) + w10 * <f64>load<u8>(p10, 2) + w11 * <f64>load<u8>(p11, 2)) * scale + offset), 8);
      out += 12;
    }
  }
}
