/**
 * Frames as the pipeline takes them: RGBA bytes with a size. ImageData and raw buffers are used as
 * they are; ImageBitmap and VideoFrame are read in the worker (VideoFrame.copyTo RGBA where the
 * browser supports it, else through an OffscreenCanvas), never on the page's main thread.
 */
import type { RgbaImage } from './image_to_tensor.js';

/** A raw RGBA buffer with its size, e.g. from a canvas or a decoder. */
export interface RawFrame {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

export type FrameInput = ImageData | ImageBitmap | VideoFrame | RawFrame;

/** Frames above this many pixels are refused rather than risking the worker's memory (8K UHD is 33 MP). */
export const MAX_FRAME_PIXELS = 40_000_000;

export class FrameError extends Error {
  constructor(readonly code: 'empty-frame' | 'frame-too-large' | 'closed-frame' | 'bad-frame', message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

function checkSize(width: number, height: number): void {
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

function drawToRgba(source: CanvasImageSource, width: number, height: number): RgbaImage {
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
  context.drawImage(source, 0, 0, width, height);
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

/** RGBA bytes of any accepted frame. Does not close the frame: the caller owns it. */
export async function readFrame(frame: FrameInput): Promise<RgbaImage> {
  if (isVideoFrame(frame)) {
    if (frame.format === null && frame.codedWidth === 0) {
      throw new FrameError('closed-frame', 'The VideoFrame is closed (or detached): pass frames before closing them.');
    }
    const width = frame.displayWidth;
    const height = frame.displayHeight;
    checkSize(width, height);
    // copyTo gives the visible rect at its coded resolution; when the frame is meant to be shown
    // at another size (anamorphic video, a displayWidth/Height given), only drawing scales it.
    const visible = frame.visibleRect;
    if (!visible || visible.width !== width || visible.height !== height || !(await videoFrameCopiesToRgba())) return drawToRgba(frame, width, height);
    try {
      const data = new Uint8Array(width * height * 4);
      await frame.copyTo(data, { format: 'RGBA', colorSpace: 'srgb' } as VideoFrameCopyToOptions);
      return { data, width, height };
    } catch {
      return drawToRgba(frame, width, height);
    }
  }
  if (isImageBitmap(frame)) {
    if (frame.width === 0 && frame.height === 0) {
      throw new FrameError('closed-frame', 'The ImageBitmap is closed (or was transferred away).');
    }
    checkSize(frame.width, frame.height);
    return drawToRgba(frame, frame.width, frame.height);
  }
  if (typeof frame !== 'object' || frame === null) {
    throw new FrameError('bad-frame', `Expected an ImageData, ImageBitmap, VideoFrame or {data, width, height}, got ${typeName(frame)}.`);
  }
  const { data, width, height } = frame;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    throw new FrameError('bad-frame', `A raw frame's data must be a Uint8Array or Uint8ClampedArray of RGBA bytes, got ${typeName(data)}. (Expected an ImageData, ImageBitmap, VideoFrame or {data, width, height}.)`);
  }
  checkSize(width, height);
  if (data.length < width * height * 4) {
    throw new FrameError('bad-frame', `The frame's data holds ${data.length} bytes; RGBA ${width}x${height} needs ${width * height * 4} (4 bytes a pixel, rows of ${width * 4} bytes without padding).`);
  }
  return { data, width, height };
}
