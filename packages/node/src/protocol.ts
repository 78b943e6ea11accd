/** Messages between the pool (pool.ts) and its worker threads (worker.ts). */
import type { FrameResult, PipelineOptions, RuntimeMode } from '@face-mesh/worker-runtime';
import type { FaceMeshOptions } from './face_mesh.js';
import type { NodeErrorCode } from './errors.js';
import type { ResumePoint, VideoSampling } from './video_decode.js';

/**
 * One way to run a decoded image through the pipeline; the task's result is the last frame's.
 * `still`: a one-off still image (the detector, tracking untouched).
 * `track`: forget tracked faces, then feed the image `frames` times as a video (the crops of frame
 * t come from frame t-1's landmarks).
 * `next`: the next frame of the video the thread is tracking (tools for --video; one thread only).
 */
export type Run = { kind: 'still' } | { kind: 'track'; frames: number } | { kind: 'next' };

export interface ErrorPayload {
  code: NodeErrorCode;
  message: string;
}

/** A video file to decode with `ffmpeg` and track frame by frame, from a fresh start. */
export interface VideoRequest {
  ffmpeg: string;
  sampling: VideoSampling;
  resume?: ResumePoint;
}

export type ToWorker =
  | { type: 'init'; options: FaceMeshOptions }
  | { type: 'task'; id: number; file: string; runs: Run[] }
  | { type: 'video'; id: number; file: string; video: VideoRequest };

export type FromWorker =
  | { type: 'ready'; mode: RuntimeMode; options: PipelineOptions }
  | { type: 'init-error'; error: ErrorPayload }
  | { type: 'result'; id: number; results: FrameResult[] }
  /** One frame of a video task, in order; the task ends with `video-end` or `error`. */
  | { type: 'frame'; id: number; index: number; ptsMs: number; result: FrameResult }
  | { type: 'video-end'; id: number; frames: number }
  | { type: 'error'; id: number; error: ErrorPayload };
