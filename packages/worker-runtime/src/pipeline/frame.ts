/**
 * Frames as the pipeline takes them: RGBA bytes with a size. ImageData and raw buffers are used as
 * they are; ImageBitmap and VideoFrame are read in the worker (VideoFrame.copyTo RGBA where the
 * browser supports it, else through an OffscreenCanvas), never on the page's main thread. A caller
 * that reads only red, green and blue in either order (the crop sampler) may take a BGRA frame's
 * bytes as they are: Chromium's bitmaps are BGRA, and converting them costs 5x the copy.
 */
import type { PixelRect } from '@face-mesh/geometry';
import type { ByteOrder, FrameWindow, RgbaImage } from './image_to_tensor.js';
import type { RawFrame } from './types.js';

export type { RawFrame };

export type FrameInput = ImageData | ImageBitmap | VideoFrame | RawFrame;

/** Frames above this many pixels are refused rather than risking the worker's memory (8K UHD is 33 MP). */
export const MAX_FRAME_PIXELS = 40_000_000;

export class FrameError extends Error {
  constructor(readonly code: 'empty-frame' | 'frame-too-large' | 'closed-frame' | 'bad-frame', message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

/** Throws bad-frame, empty-frame or frame-too-large (over MAX_FRAME_PIXELS) for this size. */
export function checkFrameSize(width: number, height: number): void {
  if (!Number.isFinite(width) || !Number.isFinite(height) || !Number.isInteger(width) || !Number.isInteger(height)) {
    throw new FrameError('bad-frame', `The frame's size must be whole pixels, got ${width}x${height}.`);
  }
  if (!(width > 0 && height > 0)) {
    throw new FrameError('empty-frame', `The frame is ${width}x${height}: there is nothing to look at. Pass an image or video frame with pixels.`);
  }
  if (width * height > MAX_FRAME_PIXELS) {
    throw new FrameError('frame-too-large', `The frame is ${width}x${height} (${((width * height) / 1e6).toFixed(1)} MP); the limit is ${MAX_FRAME_PIXELS / 1e6} MP. Scale it down first.`);
  }
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return (value as object).constructor?.name ?? typeof value;
}

let canvas: OffscreenCanvas | undefined;
let context: OffscreenCanvasRenderingContext2D | undefined;

/** Draws `source` (width x height) and reads back its pixels, or only those of `rect`. */
function drawToRgba(source: CanvasImageSource, width: number, height: number, rect?: PixelRect): RgbaImage | FrameWindow {
  if (rect) {
    const image = drawRect(source, rect.x, rect.y, rect.width, rect.height);
    return { ...image, left: rect.x, top: rect.y, frameWidth: width, frameHeight: height };
  }
  return drawRect(source, 0, 0, width, height);
}

function drawRect(source: CanvasImageSource, x: number, y: number, width: number, height: number): RgbaImage {
  if (!canvas || !context) {
    canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
    if (!ctx) throw new FrameError('bad-frame', 'OffscreenCanvas 2D is not available in this browser.');
    context = ctx;
  }
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  // The canvas is reused: without clearing, transparent pixels would show the previous frame.
  context.clearRect(0, 0, width, height);
  // One to one, whole pixels: a copy, no resampling.
  context.drawImage(source, x, y, width, height, 0, 0, width, height);
  const { data } = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  return { data, width, height };
}

let copyToRgbaWorks: Promise<boolean> | undefined;

/**
 * Whether VideoFrame.copyTo honours `format: 'RGBA'`: WebKitGTK 2.50 accepts the option but copies
 * the frame's own bytes (BGRA), which swaps red and blue. Checked once on a 1-pixel BGRA frame.
 */
function videoFrameCopiesToRgba(): Promise<boolean> {
  copyToRgbaWorks ??= (async () => {
    const probe = new VideoFrame(new Uint8Array([255, 0, 0, 255]), { format: 'BGRA', codedWidth: 1, codedHeight: 1, timestamp: 0 });
    try {
      const out = new Uint8Array(4);
      await probe.copyTo(out, { format: 'RGBA', colorSpace: 'srgb' } as VideoFrameCopyToOptions);
      return out[0] === 0 && out[2] === 255; // a blue pixel
    } catch {
      return false;
    } finally {
      probe.close();
    }
  })();
  return copyToRgbaWorks;
}

function isVideoFrame(frame: FrameInput): frame is VideoFrame {
  return typeof VideoFrame !== 'undefined' && frame instanceof VideoFrame;
}

function isImageBitmap(frame: FrameInput): frame is ImageBitmap {
  return typeof ImageBitmap !== 'undefined' && frame instanceof ImageBitmap;
}

/**
 * The frame's size, checked (closed frames, empty or huge sizes) before anything is read; null for
 * a raw frame or ImageData (its bytes are already here: readFrame checks them).
 */
export function frameSize(frame: FrameInput): { width: number; height: number } | null {
  if (isVideoFrame(frame)) {
    if (frame.format === null && frame.codedWidth === 0) {
      throw new FrameError('closed-frame', 'The VideoFrame is closed (or detached): pass frames before closing them.');
    }
    checkFrameSize(frame.displayWidth, frame.displayHeight);
    return { width: frame.displayWidth, height: frame.displayHeight };
  }
  if (isImageBitmap(frame)) {
    if (frame.width === 0 && frame.height === 0) {
      throw new FrameError('closed-frame', 'The ImageBitmap is closed (or was transferred away).');
    }
    checkFrameSize(frame.width, frame.height);
    return { width: frame.width, height: frame.height };
  }
  return null;
}

let ownOrderCopies = true;

/**
 * For the frame benchmark only (bench/frame_read.worker.ts): false converts every frame to RGBA as
 * before, so both paths are timed in one run. Not exported from the package.
 */
export function copyInOwnByteOrder(on: boolean): void {
  ownOrderCopies = on;
}

/** Pixel formats whose bytes copyTo can give as they are, and where their red, green, blue are. */
const ORDER_OF_FORMAT: Partial<Record<VideoPixelFormat, ByteOrder>> = { RGBA: 'rgba', RGBX: 'rgba', BGRA: 'bgra', BGRX: 'bgra' };

/** Formats whose fourth byte is alpha (not padding). */
const HAS_ALPHA = new Set<VideoPixelFormat>(['RGBA', 'BGRA']);

/** Whether every fourth byte (alpha) of `data` is 255. */
export function allOpaque(data: Uint8Array): boolean {
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return false;
  return true;
}

/**
 * The byte order in which `frame`'s own bytes hold the same red, green and blue as copyTo RGBA
 * sRGB gives, or null (a YUV frame, another color space: copyTo converts those).
 */
function ownByteOrder(frame: VideoFrame): ByteOrder | null {
  const order = frame.format ? ORDER_OF_FORMAT[frame.format] : undefined;
  const space = frame.colorSpace as VideoColorSpace | undefined;
  return order && space?.primaries === 'bt709' && space.transfer === 'iec61966-2-1' ? order : null;
}

/** A VideoFrame's RGBA bytes (or those of `rect`) through copyTo; drawn when it cannot copy. */
async function readVideoFrame(frame: VideoFrame, width: number, height: number, rect?: PixelRect, into?: FrameBuffer, options?: ReadOptions): Promise<RgbaImage | FrameWindow> {
  // copyTo gives the visible rect at its coded resolution; when the frame is meant to be shown
  // at another size (anamorphic video, a displayWidth/Height given), only drawing scales it.
  const visible = frame.visibleRect;
  if (!visible || visible.width !== width || visible.height !== height) return drawToRgba(frame, width, height);
  const part = rect && (rect.width < width || rect.height < height) ? rect : undefined;
  // A browser whose copyTo ignores the RGBA format (WebKitGTK) draws the frame instead, whole:
  // WebKitGTK's drawImage of part of a VideoFrame gave other pixels (a face lost in the tests).
  if (!(await videoFrameCopiesToRgba())) return drawToRgba(frame, width, height);
  try {
    const w = part?.width ?? width;
    const h = part?.height ?? height;
    const region = part ? { rect: { x: visible.x + part.x, y: visible.y + part.y, width: w, height: h } } : {};
    const copy = async (options: VideoFrameCopyToOptions): Promise<Uint8Array> => {
      try {
        const data = into ? into(w * h * 4) : new Uint8Array(w * h * 4);
        await frame.copyTo(data, options);
        return data;
      } catch (e) {
        // A browser may refuse a view of wasm (shared) memory: copy into a plain array instead.
        if (!into) throw e;
        const data = new Uint8Array(w * h * 4);
        await frame.copyTo(data, options);
        return data;
      }
    };
    const rgba = { ...region, format: 'RGBA', colorSpace: 'srgb' } as VideoFrameCopyToOptions;
    // RGB bytes already in sRGB are copied as they are (no format: a plain copy), when the caller
    // takes their order; anything else is converted to RGBA sRGB. With alpha, only where every
    // pixel is opaque: Chromium's RGBA conversion of see-through pixels gives other values.
    let own = options?.anyByteOrder && ownOrderCopies ? ownByteOrder(frame) : null;
    let data = await copy(own ? region : rgba);
    if (own && HAS_ALPHA.has(frame.format!) && !(options?.opaque ?? allOpaque)(data)) {
      own = null;
      data = await copy(rgba);
    }
    const image: RgbaImage = own === 'bgra' ? { data, width: w, height: h, byteOrder: 'bgra' } : { data, width: w, height: h };
    return part ? { ...image, left: part.x, top: part.y, frameWidth: width, frameHeight: height } : image;
  } catch {
    return drawToRgba(frame, width, height);
  }
}

/** Where a frame's bytes may be copied (a buffer of that many bytes), e.g. the crop sampler's. */
export type FrameBuffer = (bytes: number) => Uint8Array;

export interface ReadOptions {
  /**
   * The caller reads only red, green and blue, from the order the result's `byteOrder` names: a
   * frame holding RGBA, RGBX, BGRA or BGRX bytes in sRGB (opaque, where it has alpha) is then
   * copied as it is, not converted to RGBA, and its fourth byte may be anything.
   */
  anyByteOrder?: boolean;
  /**
   * Whether every fourth byte (alpha) of `data` (a copy just made) is 255: a faster check than
   * frame.ts's allOpaque for `into`'s buffers (the crop sampler's is in wasm).
   */
  opaque?: (data: Uint8Array) => boolean;
}

/**
 * RGBA bytes of any accepted frame: all of it, or, with `rect`, a FrameWindow of those pixels
 * (read from an ImageBitmap or VideoFrame only: a raw frame is returned whole). `into` gives the
 * buffer that VideoFrame.copyTo fills (else a new array). With `{ anyByteOrder: true }`, BGRA
 * (`byteOrder: 'bgra'` on the result) where that is the frame's own. Does not close the frame: the
 * caller owns it.
 */
export async function readFrame(frame: FrameInput, rect?: PixelRect, into?: FrameBuffer, options?: ReadOptions): Promise<RgbaImage | FrameWindow> {
  const size = frameSize(frame);
  if (isVideoFrame(frame) && size) return readVideoFrame(frame, size.width, size.height, rect, into, options);
  if (isImageBitmap(frame) && size) {
    const part = rect && (rect.width < size.width || rect.height < size.height) ? rect : undefined;
    // As a VideoFrame, copyTo reads the bitmap's pixels (the same bytes as drawing it) about twice
    // as fast as drawImage + getImageData (10x when it may keep Chromium's BGRA), and without
    // resizing a canvas for each window.
    // Only where copyTo converts to RGBA, and where the wrapper holds exactly the bitmap (Firefox's
    // VideoFrame of a cropped bitmap holds its whole source).
    if (typeof VideoFrame !== 'undefined' && (await videoFrameCopiesToRgba())) {
      let wrapped: VideoFrame | undefined;
      try {
        wrapped = new VideoFrame(frame, { timestamp: 0 });
      } catch {
        wrapped = undefined;
      }
      if (wrapped && (wrapped.codedWidth !== size.width || wrapped.codedHeight !== size.height)) {
        wrapped.close();
        wrapped = undefined;
      }
      if (wrapped) {
        try {
          return await readVideoFrame(wrapped, size.width, size.height, part, into, options);
        } finally {
          wrapped.close();
        }
      }
    }
    return drawToRgba(frame, size.width, size.height, part);
  }
  if (typeof frame !== 'object' || frame === null) {
    throw new FrameError('bad-frame', `Expected an ImageData, ImageBitmap, VideoFrame or {data, width, height}, got ${typeName(frame)}.`);
  }
  const { data, width, height } = frame as RawFrame;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    throw new FrameError('bad-frame', `A raw frame's data must be a Uint8Array or Uint8ClampedArray of RGBA bytes, got ${typeName(data)}. (Expected an ImageData, ImageBitmap, VideoFrame or {data, width, height}.)`);
  }
  checkFrameSize(width, height);
  if (data.length < width * height * 4) {
    throw new FrameError('bad-frame', `The frame's data holds ${data.length} bytes; RGBA ${width}x${height} needs ${width * height * 4} (4 bytes a pixel, rows of ${width * 4} bytes without padding).`);
  }
  return { data, width, height };
}
