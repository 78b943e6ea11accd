/**
 * Image files to RGBA pixels with sharp (libvips): JPEG, PNG, WebP, GIF, AVIF, TIFF. Decoded the way
 * Chromium does for an <img> drawn on a canvas: EXIF orientation applied, embedded ICC profiles
 * converted to sRGB, 8 bits per channel; on the test photos the pixels are byte for byte Chromium's
 * (see the package README). Damaged or truncated files are refused rather than half-decoded.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { MAX_FRAME_PIXELS, type RawFrame } from '@face-mesh/worker-runtime';
import { FaceMeshNodeError } from './errors.js';

export async function decodeImage(file: string): Promise<RawFrame> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new FaceMeshNodeError('unreadable', `${file}: cannot read it (${reason})`);
  }
  // 'error' refuses damaged and truncated data, and lets through the warnings many cameras' files raise.
  const image = sharp(bytes, { failOn: 'error', limitInputPixels: false });
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = await image.metadata());
  } catch (e) {
    throw new FaceMeshNodeError('not-an-image', `${file}: not an image sharp can decode (JPEG, PNG, WebP, GIF, AVIF, TIFF) (${(e as Error).message})`);
  }
  // Refuse huge images before decoding them, as the worker runtime refuses huge frames.
  if (width && height && width * height > MAX_FRAME_PIXELS) {
    throw new FaceMeshNodeError('frame-too-large', `${file}: ${width}x${height} (${((width * height) / 1e6).toFixed(1)} MP) is over the ${MAX_FRAME_PIXELS / 1e6} MP limit; scale it down first.`);
  }
  try {
    const { data, info } = await image
      .autoOrient()
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`${info.channels} channels after conversion to RGBA`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (e) {
    throw new FaceMeshNodeError('not-an-image', `${file}: the image is damaged or truncated (${(e as Error).message})`);
  }
}
