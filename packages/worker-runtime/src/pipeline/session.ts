/**
 * A loaded face pipeline inside the worker: both models, the pipeline state, and the frame path
 * (frame -> RGBA -> pipeline -> result with transferable buffers).
 */
import { DetectorModel, MeshModel } from '../models/models.js';
import { fetchModelBytes, parseModelFile } from '../models/loader.js';
import type { StageListener } from '../startup.js';
import type { FaceGeometryMetadata } from '@face-mesh/geometry';
import type { ModelGraph } from '@face-mesh/tflite/types';
import { loadFaceGeometryMetadata } from './face_geometry_file.js';
import { FacePipeline, WindowTooSmallError } from './face_pipeline.js';
import { frameSize, readFrame, type FrameInput } from './frame.js';
import { WasmCropSampler } from './wasm_crop_sampler.js';
import { WasmBackendAccess } from '@face-mesh/tflite';
import { attachCropKernel } from './crop_kernel.js';
import * as tf from '@tensorflow/tfjs-core';
import type { FrameResult, PipelineModelUrls, PipelineOptions } from './types.js';

export type { PipelineModelUrls } from './types.js';

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
    private detector: DetectorModel,
    private mesh: MeshModel,
    readonly pipeline: FacePipeline,
    private sampler: WasmCropSampler | null,
    private readonly models: PipelineModels,
  ) {}

  /**
   * `onProgress`: the fraction of the two models' bytes received (from their Content-Length), now and
   * then. `onStage`: the start-up stages, model-fetch then model-compile (startup.ts).
   */
  static async load(urls: PipelineModelUrls, options: Partial<PipelineOptions> = {}, onProgress?: (fraction: number) => void, onStage?: StageListener): Promise<PipelineSession> {
    const progress = onProgress ? byteProgress(2, onProgress) : () => undefined;
    onStage?.({ stage: 'model-fetch', url: urls.mesh });
    const [detectorBytes, meshBytes, geometry] = await Promise.all([
      fetchModelBytes(urls.detector, progress(0)),
      fetchModelBytes(urls.mesh, progress(1)),
      urls.geometry ? loadFaceGeometryMetadata(urls.geometry) : Promise.resolve(null),
    ]);
    onStage?.({ stage: 'model-compile', bytes: detectorBytes.byteLength + meshBytes.byteLength, url: urls.mesh });
    // (a macrotask first, so the page hears of the stage before the compile holds the worker)
    await new Promise((resolve) => setTimeout(resolve, 0));
    const detector = parseModelFile(urls.detector, detectorBytes);
    const mesh = parseModelFile(urls.mesh, meshBytes);
    const session = PipelineSession.fromModels({ detector, mesh, geometry }, options);
    session.modelBytes = detectorBytes.byteLength + meshBytes.byteLength;
    return session;
  }

  /** The model files' size, when loaded from them (what a rebuild compiles again). */
  modelBytes = 0;

  /**
   * From models already parsed: where the files are read without fetch() (Node reads them from
   * disk). `geometry` is the parsed face geometry metadata, needed by the `transform` and `eyes` options.
   */
  static fromModels(models: PipelineModels, options: Partial<PipelineOptions> = {}): PipelineSession {
    if ((options.transform || options.eyes) && !models.geometry) {
      throw new Error('The transform and eyes options need the face geometry metadata (geometry_pipeline_metadata_landmarks.binarypb): pass its URL as `geometry`.');
    }
    const detector = new DetectorModel(models.detector);
    let mesh: MeshModel;
    try {
      mesh = new MeshModel(models.mesh);
    } catch (e) {
      detector.dispose();
      throw e;
    }
    const sampler = createCropSampler();
    const pipeline = new FacePipeline(detector, mesh, options, sampler);
    pipeline.setGeometry(models.geometry ?? null);
    return new PipelineSession(detector, mesh, pipeline, sampler, models);
  }

  /**
   * The wasm backend restarts (`restart`, threads="auto" changing binaries: thread_tuning.ts), after
   * the frames in hand: the models and the sampler are freed from the old backend, then built again
   * on whatever runs once `restart` settles (it rejects after starting the previous binary again).
   * The tracking state (faces, ids, smoothing) is the pipeline's: it goes on.
   */
  rebuild(restart: () => Promise<void>): Promise<void> {
    const run = this.queue.then(async () => {
      this.dispose();
      try {
        await restart();
      } finally {
        this.detector = new DetectorModel(this.models.detector);
        this.mesh = new MeshModel(this.models.mesh);
        this.sampler = createCropSampler();
        this.idleMeshInput = undefined;
        this.pipeline.useRunners(this.detector, this.mesh, this.sampler);
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** `timestampMs`: the frame's capture time, for smoothing (default: now). */
  /** Frames are handled one after the other (a detect() call waits for the stream's frame in hand). */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * One frame, after those already in hand: reading a frame is asynchronous, and two reads at once
   * would share the sampler's frame buffer and the tracking state.
   */
  process(frame: FrameInput, options?: { stillImage?: boolean; timestampMs?: number }): Promise<FrameResult> {
    const run = this.queue.then(() => this.processNow(frame, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async processNow(frame: FrameInput, options?: { stillImage?: boolean; timestampMs?: number }): Promise<FrameResult> {
    const t0 = performance.now();
    // Tracking frames read only the pixels around the faces (the detector needs the whole frame).
    // One frame time for both decisions (which pixels to read, whether the detector runs).
    options = { ...options, timestampMs: options?.timestampMs ?? performance.now() };
    const size = frameSize(frame);
    const region = size ? this.pipeline.readRegion(size.width, size.height, options) : null;
    const into = this.sampler ? (bytes: number) => this.sampler!.frameBuffer(bytes) : undefined;
    // The crop sampler reads BGRA as well as RGBA: Chromium's bitmaps are copied without conversion.
    const read = { anyByteOrder: true, opaque: this.sampler ? (data: Uint8Array) => this.sampler!.opaque(data) : undefined };
    let image = await readFrame(frame, region ?? undefined, into, read);
    let readMs = performance.now() - t0;
    let result;
    try {
      result = this.pipeline.process(image, options);
    } catch (e) {
      // The tracked faces changed while the frame was read (another call in between): read it whole.
      if (!(e instanceof WindowTooSmallError)) throw e;
      const t1 = performance.now();
      image = await readFrame(frame, undefined, into, read);
      readMs += performance.now() - t1;
      result = this.pipeline.process(image, options);
    }
    result.timings.readMs = readMs;
    result.timings.readPixels = image.width * image.height;
    return result;
  }

  /**
   * One run of the mesh model on whatever its input holds, timed in ms: the measure of a thread
   * count (thread_tuning.ts). The tracking state is untouched.
   */
  timeMeshRun(): number {
    const t0 = performance.now();
    if (this.mesh.inputByteOffset !== null) this.mesh.run();
    else this.mesh.run((this.idleMeshInput ??= new Float32Array(MeshModel.INPUT_SHAPE.reduce((a, b) => a * b, 1)).fill(0.5)));
    return performance.now() - t0;
  }

  private idleMeshInput: Float32Array | undefined;

  dispose(): void {
    this.detector.dispose();
    this.mesh.dispose();
    this.sampler?.dispose();
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

/** Our wasm crop sampler on the wasm backend, or null (then the pipeline samples in TypeScript). */
function createCropSampler(): WasmCropSampler | null {
  if (tf.getBackend() !== 'wasm') return null;
  const wasm = new WasmBackendAccess();
  const { kernels } = attachCropKernel(wasm.memory());
  return kernels ? new WasmCropSampler(wasm, kernels) : null;
}
