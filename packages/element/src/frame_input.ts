/** Checks on frames given to detect(), and errors from the worker turned into FaceMeshErrors. */
import { FaceMeshError, type FaceMeshErrorCode } from './events.js';

export type DetectInput = ImageBitmap | VideoFrame | ImageData | { data: Uint8Array | Uint8ClampedArray; width: number; height: number };

function isVideoFrame(frame: unknown): frame is VideoFrame {
  return typeof VideoFrame !== 'undefined' && frame instanceof VideoFrame;
}

function isImageBitmap(frame: unknown): frame is ImageBitmap {
  return typeof ImageBitmap !== 'undefined' && frame instanceof ImageBitmap;
}

const CLOSED_VIDEO_FRAME = 'The VideoFrame is closed (or was already given to detect(), which takes ownership of frames and closes them). Pass a new VideoFrame each call.';
const CLOSED_BITMAP = 'The ImageBitmap is closed (or was already given to detect(), which takes ownership of bitmaps and closes them). Pass a new ImageBitmap each call.';

/**
 * What to transfer to the worker for `frame` (ImageBitmap and VideoFrame move, ImageData is copied);
 * throws 'closed-frame' for a closed or already transferred frame and 'bad-frame' for anything else
 * that is not a frame. Sizes are checked by the worker (0x0: 'empty-frame', over 40 MP: 'frame-too-large').
 */
export function frameTransferList(frame: unknown): Transferable[] {
  if (isVideoFrame(frame)) {
    if (frame.format === null && frame.codedWidth === 0) throw new FaceMeshError('closed-frame', CLOSED_VIDEO_FRAME);
    return [frame as unknown as Transferable];
  }
  if (isImageBitmap(frame)) {
    if (frame.width === 0 && frame.height === 0) throw new FaceMeshError('closed-frame', CLOSED_BITMAP);
    return [frame];
  }
  if (typeof ImageData !== 'undefined' && frame instanceof ImageData) return [];
  if (typeof frame === 'object' && frame !== null && 'data' in frame && 'width' in frame && 'height' in frame) return [];
  const name = frame === null || frame === undefined ? String(frame) : ((frame as object).constructor?.name ?? typeof frame);
  throw new FaceMeshError('bad-frame', `detect() takes an ImageBitmap, a VideoFrame, an ImageData or {data, width, height} of RGBA bytes, got ${name}.`);
}

/**
 * A rejection from the worker (or from posting to it) as a FaceMeshError: worker errors carry their
 * code across Comlink; the browser refuses to post a closed or detached frame with a DataCloneError.
 */
export function toFaceMeshError(e: unknown, fallback: FaceMeshErrorCode, frame?: unknown): FaceMeshError {
  if (e instanceof FaceMeshError) return e;
  if (e instanceof DOMException && e.name === 'DataCloneError' && (isVideoFrame(frame) || isImageBitmap(frame))) {
    return new FaceMeshError('closed-frame', isVideoFrame(frame) ? CLOSED_VIDEO_FRAME : CLOSED_BITMAP);
  }
  const info = e as { code?: unknown; message?: unknown };
  const message = typeof info?.message === 'string' ? info.message : String(e);
  return new FaceMeshError(typeof info?.code === 'string' ? (info.code as FaceMeshErrorCode) : fallback, message);
}
