// Whether a frame's copied bytes are all opaque, for readFrame (pipeline/frame.ts): a frame copied
// in its own byte order (BGRA) holds the same red, green and blue as its RGBA conversion only where
// alpha is 255 (Chromium converts see-through pixels through premultiplied values).

/** 1 when every fourth byte (alpha) of the `bytes` bytes at p is 255, else 0. `bytes`: a multiple of 4. */
export function allOpaque(p: usize, bytes: i32): i32 {
  const end64 = p + <usize>(bytes & ~63);
  const end = p + <usize>bytes;
  let all = i32x4.splat(-1);
  for (; p < end64; p += 64) {
    all = v128.and(all, v128.and(v128.and(v128.load(p), v128.load(p, 16)), v128.and(v128.load(p, 32), v128.load(p, 48))));
  }
  let rest: u32 = 0xffffffff;
  for (; p < end; p += 4) rest &= load<u32>(p);
  const alpha = i32x4.splat(0xff000000);
  return i32x4.all_true(i32x4.eq(v128.and(all, alpha), alpha)) && (rest & 0xff000000) == 0xff000000 ? 1 : 0;
}
