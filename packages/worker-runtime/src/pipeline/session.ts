/**
 * A loaded face pipeline inside the worker: both models, the pipeline state, and the frame path
 * (frame -> RGBA -> pipeline -> result with transferable buffers).
 */
import { DetectorModel, MeshModel } from '../models.js';
import { fetchModel } from '../loader.js';
import { FaceGeometryPipeline, type FaceGeometryMetadata } from '@face-mesh/geometry';
import type { ModelGraph } from '../tflite/model.js';
import { loadFaceGeometryMetadata } from './face_geometry_file.js';
import { FacePipeline } from './face_pipeline.js';
import { readFrame, type FrameInput } from './frame.js';
import type { FrameResult, PipelineOptions } from './types.js';

export interface PipelineModelUrls {
  /** face_detection_short_range.tflite */
  detector: string;
  /**
   * face_landmark_with_attention.tflite (478 refined landmarks), or the plain face_landmark.tflite
   * (468 landmarks, no lips/eyes/irises refinement: MediaPipe's `refineLandmarks: false`).
   */
  mesh: string;
  /** geometry_pipeline_metadata_landmarks.binarypb: the canonical face, for the `transform` option. */
  geometry?: string;
}

/** Both models parsed, and optionally the face geometry metadata. */
export interface PipelineModels {
  detector: ModelGraph;
  mesh: ModelGraph;
  geometry?: FaceGeometryMetadata | null;
}

export interface PipelineLoadInfo {
  loadMs: number;
  options: PipelineOptions;
}

export class PipelineSession {
  private constructor(
    private readonly detector: DetectorModel,
    private readonly mesh: MeshModel,
    readonly pipeline: FacePipeline,
  ) {}

  static async load(urls: PipelineModelUrls, options: Partial<PipelineOptions> = {}): Promise<PipelineSession> {
    const [detector, mesh, geometry] = await Promise.all([
      fetchModel(urls.detector),
      fetchModel(urls.mesh),
      urls.geometry ? loadFaceGeometryMetadata(urls.geometry) : Promise.resolve(null),
    ]);
    return PipelineSession.fromModels({ detector, mesh, geometry }, options);
  }

  /**
   * From models already parsed: where the files are read without fetch() (Node reads them from
   * disk). `geometry` is the parsed face geometry metadata, needed by the `transform` option.
   */
  static fromModels(models: PipelineModels, options: Partial<PipelineOptions> = {}): PipelineSession {
    if (options.transform && !models.geometry) {
      throw new Error('The transform option needs the face geometry metadata (geometry_pipeline_metadata_landmarks.binarypb): pass its URL as `geometry`.');
    }
    const detector = new DetectorModel(models.detector);
    let mesh: MeshModel;
    try {
      mesh = new MeshModel(models.mesh);
    } catch (e) {
      detector.dispose();
      throw e;
    }
    const pipeline = new FacePipeline(detector, mesh, options);
    pipeline.setGeometry(models.geometry ? new FaceGeometryPipeline(models.geometry) : null);
    return new PipelineSession(detector, mesh, pipeline);
  }

  /** `timestampMs`: the frame's capture time, for smoothing (default: now). */
  async process(frame: FrameInput, options?: { stillImage?: boolean; timestampMs?: number }): Promise<FrameResult> {
    const t0 = performance.now();
    const image = await readFrame(frame);
    const readMs = performance.now() - t0;
    const result = this.pipeline.process(image, options);
    result.timings.readMs = readMs;
    return result;
  }

  dispose(): void {
    this.detector.dispose();
    this.mesh.dispose();
  }
}

/** Every ArrayBuffer a result holds, to hand to Comlink.transfer (no copies across the boundary). */
export function resultBuffers(result: FrameResult): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const face of result.faces) {
    buffers.push(face.landmarks.buffer as ArrayBuffer, face.normalized.buffer as ArrayBuffer);
    for (const region of Object.values(face.regions)) buffers.push(region.buffer as ArrayBuffer);
    if (face.detection) buffers.push(face.detection.keypoints.buffer as ArrayBuffer);
  }
  return [...new Set(buffers)];
}

