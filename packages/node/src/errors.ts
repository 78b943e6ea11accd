/** Errors of the Node runtime: a stable code and a message that names the file and says what to do. */
import type { ErrorCode } from '@face-mesh/worker-runtime';

export type NodeErrorCode =
  | ErrorCode
  /** The file cannot be read (missing, a folder, no permission). */
  | 'unreadable'
  /** The file is not an image the decoder knows, or it is damaged or truncated. */
  | 'not-an-image'
  /** A worker thread died; the file it had is reported with this code and a new thread takes its place. */
  | 'worker-crashed'
  /** No ffmpeg to decode video files (not on PATH, or $FACE_MESH_FFMPEG is not a working ffmpeg). */
  | 'decoder-missing'
  /** ffmpeg cannot open the file as a video: not a container it knows, or no video stream. */
  | 'not-a-video'
  /** The video opened but decoding failed part-way (truncated or corrupt data); the frames before are kept. */
  | 'video-damaged'
  /** A partial output's last frame is not in the video (the file changed since): the output must be started over. */
  | 'resume-mismatch';

export class FaceMeshNodeError extends Error {
  constructor(readonly code: NodeErrorCode, message: string) {
    super(message);
    this.name = 'FaceMeshNodeError';
  }
}

/** The code and message of anything thrown, for crossing to the main thread and for summaries. */
export function describeError(e: unknown): { code: NodeErrorCode; message: string } {
  if (e instanceof Error && typeof (e as { code?: unknown }).code === 'string') {
    return { code: (e as unknown as { code: NodeErrorCode }).code, message: e.message };
  }
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}
