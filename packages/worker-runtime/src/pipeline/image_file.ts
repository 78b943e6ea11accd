/** An image file fetched and decoded in the worker (a `src` image, the overlay texture). */
import { RuntimeError } from '../errors.js';
import { fetchAsset } from '../assets/fetch_asset.js';
import { checkFrameSize, FrameError } from './frame.js';
import { imageSize } from './image_size.js';

/** Compressed image files larger than this are refused before they are read to the end. */
const MAX_IMAGE_BYTES = 256 << 20;

/**
 * Fetch (stall timeout, size cap) and decode an image, refusing one over MAX_FRAME_PIXELS from its
 * header, before decoding (a small file can decode to gigabytes): 'frame-too-large'.
 */
export async function fetchImageFile(url: string, options: ImageBitmapOptions = { colorSpaceConversion: 'default' }): Promise<ImageBitmap> {
  const bytes = await fetchAsset(url, {
    what: 'the image', code: 'source-failed', integrityCode: 'source-failed', maxBytes: MAX_IMAGE_BYTES, hint: 'Check the src URL.',
  });
  const size = imageSize(bytes);
  if (size) {
    try {
      checkFrameSize(size.width, size.height);
    } catch (e) {
      throw e instanceof FrameError ? new FrameError(e.code, `The image ${url} (${size.format}): ${e.message}`) : e;
    }
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes]), options);
  } catch {
    throw new RuntimeError('source-failed', `The image ${url} could not be decoded (is it a JPEG, PNG, WebP or GIF?).`);
  }
  return bitmap;
}

