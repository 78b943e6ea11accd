/**
 * Crop geometry of a rotated ROI (MediaPipe `ImageToTensorCalculator`, GPU converter
 * image_to_tensor_converter_gl_texture.cc with `GetRotatedSubRectToRectTransformMatrix`), which is what
 * the browser solution runs even with CPU inference. The GPU samples the texture at the centre of each
 * output pixel; OpenCV's corner-to-corner warp is half an output pixel off and does not match (spec §3.4).
 */
import type { Affine } from './affine.js';
import { MESH_INPUT_SIZE } from './constants.js';
import type { Roi } from './roi.js';

/**
 * Affine sending output pixel (u, v) of an outWidth x outHeight crop (integers = pixel centres,
 * u = 0..outWidth-1) to its bilinear sample point in the source image (integers = pixel centres):
 *   (cx, cy) + Rot(θ)·(((u + 0.5)/outW − 0.5)·w, ((v + 0.5)/outH − 0.5)·h) − (0.5, 0.5)
 * with centre and size of the ROI in pixels. Feed it to tf.image.transform (bilinear, fill 'nearest'
 * for the mesh crop).
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
