/**
 * Image -> model input, sampled the way MediaPipe's browser solution does it: its GPU
 * ImageToTensor converter reads the texture with bilinear filtering at the centre of each output
 * pixel, at full resolution (no pre-scaling, no area averaging). Plain TypeScript over the RGBA
 * bytes: it reads only the 4 texels per output pixel it needs (the frame is never uploaded whole)
 * and the border rules are exactly the shader's.
 */
import type { Affine } from '@face-mesh/geometry';

/** RGBA bytes, row-major, 4 per pixel (ImageData's layout). */
export interface RgbaImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
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
 * Fills `out` (or a new array) with outHeight x outWidth x RGB floats. `toSource` sends output pixel
 * (u, v) (integers = pixel centres) to the source point (integers = pixel centres).
 */
export function imageToTensorData(image: RgbaImage, toSource: Affine, o: SampleOptions, out?: Float32Array): Float32Array {
  const { width: W, height: H, data } = image;
  if (!(W > 0 && H > 0)) throw new Error(`Cannot sample a ${W}x${H} image.`);
  if (data.length < W * H * 4) throw new Error(`The RGBA buffer holds ${data.length} bytes; a ${W}x${H} image needs ${W * H * 4}.`);
  const n = o.width * o.height * 3;
  const dst = out ?? new Float32Array(n);
  if (dst.length !== n) throw new Error(`Output buffer has ${dst.length} floats, expected ${n}.`);
  const [a, b, c, d, e, f] = toSource;
  const { scale, offset } = o;
  const zero = o.border === 'zero';
  const maxX = W - 1;
  const maxY = H - 1;
  let k = 0;
  for (let v = 0; v < o.height; v++) {
    for (let u = 0; u < o.width; u++) {
      const sx = a * u + b * v + c;
      const sy = d * u + e * v + f;
      if (zero && (sx < -0.5 || sx > W - 0.5 || sy < -0.5 || sy > H - 0.5)) {
        dst[k++] = offset;
        dst[k++] = offset;
        dst[k++] = offset;
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
      const p00 = (y0 * W + x0) * 4;
      const p01 = (y0 * W + x1) * 4;
      const p10 = (y1 * W + x0) * 4;
      const p11 = (y1 * W + x1) * 4;
      const w00 = (1 - ax) * (1 - ay);
      const w01 = ax * (1 - ay);
      const w10 = (1 - ax) * ay;
      const w11 = ax * ay;
      for (let ch = 0; ch < 3; ch++) {
        const value = w00 * data[p00 + ch] + w01 * data[p01 + ch] + w10 * data[p10 + ch] + w11 * data[p11 + ch];
        dst[k++] = value * scale + offset;
      }
    }
  }
  return dst;
}
