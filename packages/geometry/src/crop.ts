/**
 * Crop geometry of a rotated ROI (MediaPipe `ImageToTensorCalculator`, GPU converter
 * image_to_tensor_converter_gl_texture.cc with `GetRotatedSubRectToRectTransformMatrix`), which is what
 * the browser solution runs even with CPU inference. The GPU samples the texture at the centre of each
 * output pixel; OpenCV's corner-to-corner warp is half an output pixel off and does not match (docs/pipeline.md §3.4).
 */
import type { Affine } from './affine.js';
import { MESH_INPUT_SIZE } from './constants.js';
import type { Roi } from './roi.js';

/**
 * Affine sending output pixel (u, v) of an outWidth x outHeight crop (integers = pixel centres,
 * u = 0..outWidth-1) to its bilinear sample point in the source image (integers = pixel centres):
 *   (cx, cy) + Rot(θ)·(((u + 0.5)/outW − 0.5)·w, ((v + 0.5)/outH − 0.5)·h) − (0.5, 0.5)
 * with centre and size of the ROI in pixels. The worker's samplers (pipeline/image_to_tensor.ts and its
 * wasm twin) take it, bilinear, replicate border for the mesh crop.
 */
export function cropAffine(
  roi: Roi,
  imageWidth: number,
  imageHeight: number,
  outWidth: number = MESH_INPUT_SIZE,
  outHeight: number = outWidth,
): Affine {
  const cx = roi.xCenter * imageWidth;
  const cy = roi.yCenter * imageHeight;
  const w = roi.width * imageWidth;
  const h = roi.height * imageHeight;
  const cos = Math.cos(roi.rotation);
  const sin = Math.sin(roi.rotation);
  // offset of output pixel 0's centre from the ROI centre, in ROI pixels
  const ox = (0.5 / outWidth - 0.5) * w;
  const oy = (0.5 / outHeight - 0.5) * h;
  return [
    (cos * w) / outWidth,
    (-sin * h) / outHeight,
    cx - 0.5 + cos * ox - sin * oy,
    (sin * w) / outWidth,
    (cos * h) / outHeight,
    cy - 0.5 + sin * ox + cos * oy,
  ];
}

/** A rectangle of whole pixels: columns x..x+width-1, rows y..y+height-1. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The pixels a bilinear crop through `toSource` reads from a width x height image: the two texels
 * around each sample point, for every output pixel (u, v) of an outWidth x outHeight crop, clamped
 * to the image (the replicate border reads edge texels). The affine's extremes are at the crop's
 * corners; one texel of margin on each side absorbs floating-point rounding at whole coordinates.
 * `align` rounds the rectangle outwards to multiples (e.g. 2 for a VideoFrame's 4:2:0 planes).
 */
export function sampledRect(
  toSource: Affine, outWidth: number, outHeight: number, imageWidth: number, imageHeight: number, align = 1,
): PixelRect {
  const [a, b, c, d, e, f] = toSource;
  const us = [0, outWidth - 1];
  const vs = [0, outHeight - 1];
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const u of us) {
    for (const v of vs) {
      const x = a * u + b * v + c;
      const y = d * u + e * v + f;
      minX = Math.min(minX, x); maxX = Math.max(maxX, x);
      minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    }
  }
  if (![minX, maxX, minY, maxY].every(Number.isFinite)) return { x: 0, y: 0, width: imageWidth, height: imageHeight };
  // Texel indices are clamped to the image as the replicate border clamps them, so the range is never empty.
  const span = (min: number, max: number, size: number): [number, number] => {
    const clamp = (i: number) => Math.min(size - 1, Math.max(0, i));
    const first = Math.floor(clamp(Math.floor(min) - 1) / align) * align;
    const end = Math.min(size, Math.ceil((clamp(Math.floor(max) + 2) + 1) / align) * align);
    return [first, end - first];
  };
  const [x, width] = span(minX, maxX, imageWidth);
  const [y, height] = span(minY, maxY, imageHeight);
  return { x, y, width, height };
}

/** The smallest rectangle holding both. */
export function unionRect(p: PixelRect, q: PixelRect): PixelRect {
  const x = Math.min(p.x, q.x);
  const y = Math.min(p.y, q.y);
  return { x, y, width: Math.max(p.x + p.width, q.x + q.width) - x, height: Math.max(p.y + p.height, q.y + q.height) - y };
}
