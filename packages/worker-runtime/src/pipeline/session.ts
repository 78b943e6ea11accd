/**
 * A loaded face pipeline inside the worker: both models, the pipeline state, and the frame path
 * (frame -> RGBA -> pipeline -> result with transferable buffers).
 */
import { DetectorModel, MeshModel } from '../models.js';
import { fetchModel } from '../loader.js';
import { FaceGeometryPipeline } from '@face-mesh/geometry';
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

  /** `onProgress`: the fraction of the two models' bytes received (from their Content-Length), now and then. */
  static async load(urls: PipelineModelUrls, options: Partial<PipelineOptions> = {}, onProgress?: (fraction: number) => void): Promise<PipelineSession> {
    const progress = onProgress ? byteProgress(2, onProgress) : () => undefined;
    const [detectorGraph, meshGraph, geometry] = await Promise.all([
      fetchModel(urls.detector, progress(0)),
      fetchModel(urls.mesh, progress(1)),
      urls.geometry ? fetchFaceGeometry(urls.geometry) : Promise.resolve(null),
    ]);
    if (options.transform && !geometry) {
      throw new Error('The transform option needs the face geometry metadata (geometry_pipeline_metadata_landmarks.binarypb): pass its URL as `geometry`.');
    }
    const detector = new DetectorModel(detectorGraph);
    let mesh: MeshModel;
    try {
      mesh = new MeshModel(meshGraph);
    } catch (e) {
      detector.dispose();
      throw e;
    }
    const pipeline = new FacePipeline(detector, mesh, options);
    pipeline.setGeometry(geometry);
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

/**
 * Progress over `files` parallel downloads: a reporter per file, calling `report` with the fraction
 * of the bytes received (files without a Content-Length count once done), at most every 2%.
 */
function byteProgress(files: number, report: (fraction: number) => void): (file: number) => (loaded: number, total: number | null) => void {
  const loaded = new Array<number>(files).fill(0);
  const totals = new Array<number | null>(files).fill(null);
  let last = 0;
  return (file) => (bytes, total) => {
    loaded[file] = bytes;
    totals[file] = total ?? bytes;
    if (totals.some((t) => t === null)) return; // wait until every size is known
    const sum = (a: (number | null)[]) => a.reduce<number>((s, v) => s + (v ?? 0), 0);
    const fraction = Math.min(1, sum(loaded) / sum(totals));
    if (fraction - last >= 0.02 || fraction === 1) {
      last = fraction;
      report(fraction);
    }
  };
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

async function fetchFaceGeometry(url: string): Promise<FaceGeometryPipeline> {
  return new FaceGeometryPipeline(await loadFaceGeometryMetadata(url));
}
