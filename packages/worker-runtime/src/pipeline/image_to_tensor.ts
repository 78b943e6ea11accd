/**
 * Image -> model input, sampled the way MediaPipe's browser solution does it: its GPU
 * ImageToTensor converter reads the texture with bilinear filtering at the centre of each output
 * pixel, at full resolution (no pre-scaling, no area averaging). Plain TypeScript over the RGBA
 * bytes: it reads only the 4 texels per output pixel it needs (the frame is never uploaded whole)
 * and the border rules are exactly the shader's. Sample points, texel indices and fractions are
 * float64; the blend (weights, products, sums, scale and offset) is float32, the model input's
 * type, one rounding per operation: the definition the wasm kernel (crop_sampler.ts) follows
 * lane by lane, four pixels per v128.
 */
import type { Affine } from '@face-mesh/geometry';

/**
 * Pixel bytes, row-major, 4 per pixel: RGBA (ImageData's layout), or with `byteOrder: 'bgra'` blue,
 * green, red, then a fourth byte (how Chromium holds a bitmap: readFrame copies such frames as they
 * are for the crop sampler, which reads only red, green and blue).
 */
export interface RgbaImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  byteOrder?: ByteOrder;
}

/** Where a pixel's red, green and blue bytes are: 0, 1, 2 ('rgba', the default) or 2, 1, 0 ('bgra'). */
export type ByteOrder = 'rgba' | 'bgra';

/**
 * Part of a larger frame (what a tracking frame reads: the pixels around the face): `data` holds the
 * frame's columns left..left+width-1 and rows top..top+height-1.
 */
export interface FrameWindow extends RgbaImage {
  left: number;
  top: number;
  frameWidth: number;
  frameHeight: number;
}

export function isFrameWindow(image: RgbaImage): image is FrameWindow {
  return 'left' in image;
}

/**
 * `replicate`: clamp to the edge texel (the mesh crop: BORDER_REPLICATE).
 * `zero`: a sample whose point lies outside the image (beyond half a pixel from the edge texel
 * centres) is 0 before the value range transform; inside, clamp to edge (the shader's
 * CUSTOM_ZERO_BORDER_MODE, used by the detector letterbox).
 */
export type BorderMode = 'replicate' | 'zero';

export interface SampleOptions {
  width: number;
  height: number;
  border: BorderMode;
  /** value = byte * scale + offset: [0, 1] is (1/255, 0), [-1, 1] is (2/255, -1). */
  scale: number;
  offset: number;
}

/**
 * A float32 operation's result from the float64 one: exact for a sum or product of two float32
 * values (float64 holds it exactly, or with room enough that rounding twice equals rounding once).
 */
const f32 = Math.fround;

/**
 * Fills `out` (or a new array) with outHeight x outWidth x RGB floats. `toSource` sends output pixel
 * (u, v) (integers = pixel centres) to the source point (integers = pixel centres) in the frame. A
 * FrameWindow must hold every texel the crop reads (geometry's sampledRect); the result is then the
 * same, bit for bit, as from the whole frame.
 */
export function imageToTensorData(image: RgbaImage | FrameWindow, toSource: Affine, o: SampleOptions, out?: Float32Array): Float32Array {
  const { width: windowWidth, height: windowHeight, data } = image;
  const left = isFrameWindow(image) ? image.left : 0;
  const top = isFrameWindow(image) ? image.top : 0;
  const W = isFrameWindow(image) ? image.frameWidth : windowWidth;
  const H = isFrameWindow(image) ? image.frameHeight : windowHeight;
  if (!(windowWidth > 0 && windowHeight > 0)) throw new Error(`Cannot sample a ${windowWidth}x${windowHeight} image.`);
  if (data.length < windowWidth * windowHeight * 4) {
    throw new Error(`The RGBA buffer holds ${data.length} bytes; a ${windowWidth}x${windowHeight} image needs ${windowWidth * windowHeight * 4}.`);
  }
  if (o.border === 'zero' && (windowWidth !== W || windowHeight !== H)) throw new Error('The zero border needs the whole frame.');
  const n = o.width * o.height * 3;
  const dst = out ?? new Float32Array(n);
  if (dst.length !== n) throw new Error(`Output buffer has ${dst.length} floats, expected ${n}.`);
  const [a, b, c, d, e, f] = toSource;
  const scale = f32(o.scale);
  const offset = f32(o.offset);
  const zero = o.border === 'zero';
  // Texel indices are clamped to the frame, then made relative to the window.
  const maxX = W - 1;
  const maxY = H - 1;
  const rowBytes = windowWidth * 4;
  const bgra = image.byteOrder === 'bgra';
  let k = 0;
  for (let v = 0; v < o.height; v++) {
    // b * v and e * v once a row: a * u + bv + c is the same float operations as a * u + b * v + c.
    const bv = b * v;
    const ev = e * v;
    for (let u = 0; u < o.width; u++) {
      const sx = a * u + bv + c;
      const sy = d * u + ev + f;
      if (zero && (sx < -0.5 || sx > W - 0.5 || sy < -0.5 || sy > H - 0.5)) {
        dst[k++] = offset;
        dst[k++] = offset;
        dst[k++] = offset;
        continue;
      }
      const fx0 = Math.floor(sx);
      const fy0 = Math.floor(sy);
      const x0 = fx0 < 0 ? 0 : fx0 > maxX ? maxX : fx0;
      const x1 = fx0 + 1 < 0 ? 0 : fx0 + 1 > maxX ? maxX : fx0 + 1;
      const y0 = fy0 < 0 ? 0 : fy0 > maxY ? maxY : fy0;
      const y1 = fy0 + 1 < 0 ? 0 : fy0 + 1 > maxY ? maxY : fy0 + 1;
      const p00 = (y0 - top) * rowBytes + (x0 - left) * 4;
      const p01 = p00 + (x1 - x0) * 4;
      const p10 = p00 + (y1 - y0) * rowBytes;
      const p11 = p10 + (x1 - x0) * 4;
      // The blend in float32 (f32: one rounding per operation, as the wasm kernel's lanes do).
      const ax = f32(sx - fx0);
      const ay = f32(sy - fy0);
      const bx = f32(1 - ax);
      const by = f32(1 - ay);
      const w00 = f32(bx * by);
      const w01 = f32(ax * by);
      const w10 = f32(bx * ay);
      const w11 = f32(ax * ay);
      for (let ch = 0; ch < 3; ch++) {
        const at = bgra ? 2 - ch : ch;
        const sum = f32(f32(f32(f32(w00 * data[p00 + at]!) + f32(w01 * data[p01 + at]!)) + f32(w10 * data[p10 + at]!)) + f32(w11 * data[p11 + at]!));
        dst[k++] = f32(f32(sum * scale) + offset);
      }
    }
  }
  return dst;
}
