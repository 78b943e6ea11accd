/** Messages between the pool (pool.ts) and its worker threads (worker.ts). */
import type { FrameResult, PipelineOptions, RuntimeMode } from '@face-mesh/worker-runtime';
import type { FaceMeshOptions } from './face_mesh.js';
import type { NodeErrorCode } from './errors.js';

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

export type ToWorker =
  | { type: 'init'; options: FaceMeshOptions }
  | { type: 'task'; id: number; file: string; runs: Run[] };

export type FromWorker =
  | { type: 'ready'; mode: RuntimeMode; options: PipelineOptions }
  | { type: 'init-error'; error: ErrorPayload }
  | { type: 'result'; id: number; results: FrameResult[] }
  | { type: 'error'; id: number; error: ErrorPayload };
