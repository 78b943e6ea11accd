/**
 * @face-mesh/node: the face-mesh pipeline in Node. `FaceMesh` runs it in the current thread,
 * `FaceMeshPool` in worker threads; both give the worker runtime's FrameResult.
 */
export { FaceMesh, type FaceMeshOptions, type ProcessOptions } from './face_mesh.js';
export { FaceMeshPool, type PoolOptions, type VideoFrameResult } from './pool.js';
export type { Run, VideoRequest } from './protocol.js';
export { decodeImage } from './decode.js';
export { FaceMeshNodeError, type NodeErrorCode } from './errors.js';
export { landmarksRecord, type LandmarksRecord } from './record.js';
export { shardFromScheduler, type Shard } from './shard_env.js';
export { decodeVideo, type DecodedFrame, type VideoSampling, type ResumePoint } from './video_decode.js';
export { findFfmpeg } from './ffmpeg.js';
export type { FaceResult, FrameResult, PipelineOptions, RawFrame, RuntimeMode } from '@face-mesh/worker-runtime';
export { loadDataset, DatasetError, type DatasetEntry } from './dataset.js';
export { evaluateDataset, type EvaluateOptions } from './evaluate_command.js';
export { bestFaceError, evaluationReport, formatReport, iodMae, stats, type EvaluationReport, type FairnessReport, type Mode, type ModeReport, type Stats } from './evaluate.js';
