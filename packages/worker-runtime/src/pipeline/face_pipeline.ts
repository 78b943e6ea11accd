/**
 * MediaPipe's face landmark front graph (face_landmark_front_cpu.pbtxt with attention), as a
 * wiring of the geometry calculators: letterbox -> BlazeFace -> decode -> weighted NMS -> ROI ->
 * 192x192 crop -> Attention Mesh -> face flag gate -> refinement -> projection -> next-frame ROI.
 * In video mode the ROIs of frame t come from frame t-1's landmarks and the detector runs only
 * while fewer faces are tracked than `maxFaces` (and, with some tracked, at most once per
 * `detectionIntervalMs` of frame time).
 */
import {
  DETECTOR_INPUT_SIZE,
  FACE_DETECTION_DECODE_OPTIONS,
  FACE_LANDMARKER_ENVIRONMENT,
  MESH_INPUT_SIZE,
  ONE_EURO_EPSILON,
  associateDetectionsWithTracked,
  cropAffine,
  decodeDetections,
  detectionToRoi,
  generateAnchors,
  landmarksToPixels,
  landmarksToRoi,
  letterboxAffine,
  projectDetection,
  projectLandmarks,
  projectPoints2d,
  refineLandmarks,
  sampledRect,
  unionRect,
  sigmoid,
  weightedNonMaxSuppression,
  type Detection,
  FaceGeometryPipeline,
  measureEyes,
  pinholeCamera,
  type FaceGeometryMetadata,
  type PixelRect,
  type Roi,
} from '@face-mesh/geometry';
import { imageToTensorData, isFrameWindow, type FrameWindow, type RgbaImage } from './image_to_tensor.js';
import { mirrorFace } from './mirror_result.js';
import type { WasmCropSampler } from './wasm_crop_sampler.js';
import { FaceSmoothing } from './face_smoothing.js';
import { DEFAULT_PIPELINE_OPTIONS } from '../defaults.js';
import {
  type DetectorRunner,
  type FaceRegions,
  type FaceResult,
  type FrameResult,
  type MeshRawOutputs,
  type MeshRunner,
  type PipelineOptions,
} from './types.js';

interface Candidate {
  roi: Roi;
  detection?: Detection;
  /** Set for faces tracked from the previous frame. */
  id?: number;
}

interface TrackedFace {
  roi: Roi;
  id: number;
}

const REGION_KEYS = ['lips', 'leftEye', 'rightEye', 'leftIris', 'rightIris'] as const;

export class FacePipeline {
  private options: PipelineOptions;
  private readonly anchors = generateAnchors();
  private readonly detectorInput = new Float32Array(DETECTOR_INPUT_SIZE * DETECTOR_INPUT_SIZE * 3);
  private readonly meshInput = new Float32Array(MESH_INPUT_SIZE * MESH_INPUT_SIZE * 3);
  /** ROIs for the next frame, from this frame's landmarks (video mode), with the faces' ids. */
  private tracked: TrackedFace[] = [];
  /** Face ids are never reused within a pipeline's life. */
  private nextFaceId = 1;
  /** Frame time (ms) of the detector's last run in video mode; null: none since the last reset. */
  private lastDetectionMs: number | null = null;
  /** A face tracked into the last video frame was lost there: look for it again at once. */
  private lostFace = false;
  private readonly smoothing = new FaceSmoothing();
  /** The canonical face, once loaded (see setGeometry), and the pose estimator for the current fov. */
  private geometryMetadata: FaceGeometryMetadata | null = null;
  private geometry: FaceGeometryPipeline | null = null;

  /**
   * `sampler`: our wasm crop sampler, which writes the models' inputs in place (same values as
   * imageToTensorData); without it, or for a runner without an in-place input, the TypeScript one.
   */
  constructor(
    private detector: DetectorRunner,
    private mesh: MeshRunner,
    options: Partial<PipelineOptions> = {},
    private sampler: WasmCropSampler | null = null,
  ) {
    this.options = validateOptions({ ...DEFAULT_PIPELINE_OPTIONS, ...options });
    this.configureSmoothing(this.options);
  }

  /** The same models built again (on a restarted wasm backend): the tracking state is kept. */
  useRunners(detector: DetectorRunner, mesh: MeshRunner, sampler: WasmCropSampler | null): void {
    this.detector = detector;
    this.mesh = mesh;
    this.sampler = sampler;
  }

  private configureSmoothing(o: PipelineOptions): void {
    this.smoothing.configure({ minCutoff: o.smoothingMinCutoff, beta: o.smoothingBeta, derivateCutoff: o.smoothingDerivateCutoff });
  }

  setOptions(options: Partial<PipelineOptions>): void {
    const next = validateOptions({ ...this.options, ...options });
    if ((next.transform || next.eyes) && !this.geometryMetadata) {
      throw new Error(`The ${next.transform ? 'transform' : 'eyes'} option needs the face geometry metadata: load the pipeline with its URL (\`geometry\`).`);
    }
    this.configureSmoothing(next);
    if (next.fov !== this.options.fov) this.geometry = this.poseEstimator(next.fov);
    if (next.staticImageMode !== this.options.staticImageMode || next.maxFaces < this.tracked.length) this.reset();
    this.options = next;
  }

  getOptions(): PipelineOptions {
    return { ...this.options };
  }

  /** Forget the tracked faces: the next frame starts from the detector. */
  reset(): void {
    this.tracked = [];
    this.lastDetectionMs = null;
    this.lostFace = false;
    this.smoothing.reset();
  }

  /** The canonical face for the `transform` and `eyes` options. */
  setGeometry(metadata: FaceGeometryMetadata | null): void {
    this.geometryMetadata = metadata;
    this.geometry = this.poseEstimator(this.options.fov);
  }

  get hasGeometry(): boolean {
    return this.geometry !== null;
  }

  private poseEstimator(fov: number): FaceGeometryPipeline | null {
    if (!this.geometryMetadata) return null;
    const camera = { ...FACE_LANDMARKER_ENVIRONMENT.perspectiveCamera, verticalFovDegrees: fov };
    return new FaceGeometryPipeline(this.geometryMetadata, { ...FACE_LANDMARKER_ENVIRONMENT, perspectiveCamera: camera });
  }

  /**
   * The pixels the next frame of this size needs (the tracked faces' crops), when the detector will
   * not run on it; null when it needs the whole frame. Reading only these is the cheap way in.
   */
  readRegion(
    width: number, height: number, { stillImage = false, timestampMs = performance.now() }: { stillImage?: boolean; timestampMs?: number } = {},
  ): PixelRect | null {
    if (this.detectorDue(this.options.staticImageMode || stillImage, timestampMs)) return null;
    let rect: PixelRect | null = null;
    for (const t of this.tracked) {
      // Even-aligned: a VideoFrame's 4:2:0 planes can only be read from even coordinates.
      const r = sampledRect(cropAffine(t.roi, width, height), MESH_INPUT_SIZE, MESH_INPUT_SIZE, width, height, 2);
      rect = rect ? unionRect(rect, r) : r;
    }
    return rect;
  }

  /**
   * One frame: the whole frame, or a FrameWindow holding readRegion()'s pixels. With
   * `{ stillImage: true }` the frame is handled as a still image whatever the mode (detector, no
   * tracking) and the tracked faces are left as they were. Throws WindowTooSmallError, before
   * changing any state, when a window does not hold what this frame needs.
   */
  process(image: RgbaImage | FrameWindow, { stillImage = false, timestampMs = performance.now() }: { stillImage?: boolean; timestampMs?: number } = {}): FrameResult {
    const t0 = performance.now();
    this.sampler?.endFrame(); // a new frame: stage its bytes again
    const width = isFrameWindow(image) ? image.frameWidth : image.width;
    const height = isFrameWindow(image) ? image.frameHeight : image.height;
    const staticImageMode = this.options.staticImageMode || stillImage;
    const detectorRan = this.detectorDue(staticImageMode, timestampMs);
    if (isFrameWindow(image)) {
      const needed = detectorRan ? { x: 0, y: 0, width, height } : this.readRegion(width, height, { timestampMs });
      if (!needed || !rectInside(needed, image)) throw new WindowTooSmallError();
    }
    if (detectorRan && !staticImageMode) this.lastDetectionMs = timestampMs;
    const candidates = this.candidates(image, detectorRan, staticImageMode, width, height);
    const t1 = performance.now();
    const { faces, next, lostFace, cropMs, meshMs } = this.meshFaces(image, candidates, staticImageMode, width, height);
    if (!stillImage) {
      this.lostFace = lostFace;
      this.tracked = next;
    }
    this.outputStages(faces, staticImageMode, timestampMs, width, height);
    const t2 = performance.now();
    return {
      width,
      height,
      faces,
      detectorRan,
      timings: { detectorMs: t1 - t0, cropMs, meshMs, postMs: t2 - t1 - cropMs - meshMs, totalMs: t2 - t0 },
    };
  }

  /** The ROIs to mesh on this frame: the detector's (when it ran) and the tracked faces', associated. */
  private candidates(image: RgbaImage | FrameWindow, detectorRan: boolean, staticImageMode: boolean, width: number, height: number): Candidate[] {
    const previousFaces = staticImageMode ? [] : this.tracked;
    const previous = previousFaces.map((t) => t.roi);
    const tracked: Candidate[] = previousFaces.map(({ roi, id }) => ({ roi, id }));
    const detections = detectorRan ? this.detect(image).slice(0, this.options.maxFaces) : [];
    const fromDetections: Candidate[] = detections.map((d) => ({ roi: detectionToRoi(d, width, height), detection: d }));
    // AssociationNormRectCalculator, on every frame as in MediaPipe's graph (with no detections it
    // still merges tracked ROIs that overlap, so a face tracked twice is followed once from the
    // next frame): detections first, tracked ROIs win on overlap, a later tracked ROI over an earlier.
    const merged = associateDetectionsWithTracked(fromDetections.map((c) => c.roi), previous);
    const byRoi = new Map<Roi, Candidate>([...fromDetections, ...tracked].map((c) => [c.roi, c]));
    return merged.map((roi) => byRoi.get(roi) ?? { roi });
  }

  /**
   * The mesh on each candidate's crop: the faces that pass the face flag, the next frame's ROIs
   * from their landmarks, whether a tracked face was lost, and the time in crops and in the mesh.
   */
  private meshFaces(
    image: RgbaImage | FrameWindow, candidates: readonly Candidate[], staticImageMode: boolean, width: number, height: number,
  ): { faces: FaceResult[]; next: TrackedFace[]; lostFace: boolean; cropMs: number; meshMs: number } {
    const faces: FaceResult[] = [];
    const next: TrackedFace[] = [];
    let cropMs = 0;
    let meshMs = 0;
    /** A tracked face failed the face flag here (one merged into another by the association was not lost). */
    let lostFace = false;
    for (const candidate of candidates) {
      const c0 = performance.now();
      const inPlace = this.sampler ? this.mesh.inputByteOffset ?? null : null;
      if (inPlace !== null) this.sampler!.sample(image, cropAffine(candidate.roi, width, height), MESH_CROP, inPlace);
      else imageToTensorData(image, cropAffine(candidate.roi, width, height), MESH_CROP, this.meshInput);
      const c1 = performance.now();
      const raw = inPlace !== null ? this.mesh.run() : this.mesh.run(this.meshInput);
      const c2 = performance.now();
      cropMs += c1 - c0;
      meshMs += c2 - c1;
      const score = sigmoid(raw.faceFlag);
      // ThresholdingCalculator: present iff score > threshold (strict); otherwise no landmarks, no ROI.
      if (!(score > this.options.minTrackingConfidence)) {
        if (candidate.id !== undefined) lostFace = true;
        continue;
      }
      // A face keeps its id while it is tracked; a face from the detector gets a new one.
      const id = candidate.id ?? this.nextFaceId++;
      const face = this.toFace(raw, candidate, id, score, width, height);
      faces.push(face);
      if (!staticImageMode) next.push({ roi: landmarksToRoi(face.normalized, width, height), id });
    }
    return { faces, next, lostFace, cropMs, meshMs };
  }

  /**
   * Smoothing, pose and eyes, mirroring: after the next ROIs are taken from the raw landmarks in the
   * camera's own frame.
   */
  private outputStages(faces: FaceResult[], staticImageMode: boolean, timestampMs: number, width: number, height: number): void {
    if (this.options.smoothing && !staticImageMode) this.smoothing.apply(faces, timestampMs, width, height);
    const { transform, eyes } = this.options;
    if ((transform || eyes) && this.geometry) {
      const camera = pinholeCamera(width, height, this.options.fov);
      for (const face of faces) {
        const g = this.geometry.estimate(face.normalized, width, height);
        if (g && transform) face.transform = { matrix: g.poseTransform, metricLandmarks: g.metricLandmarks };
        // Eyes are measured in the camera's own (unmirrored) view; mirrorFace converts them.
        const measured = eyes ? measureEyes(face.landmarks, camera, g) : null;
        if (measured) face.eyes = measured;
      }
    }
    if (this.options.mirror) for (const face of faces) mirrorFace(face, width);
  }

  /**
   * Whether this frame runs the detector (it reads the whole frame then): always for still images.
   * In video mode, never once `maxFaces` are tracked; always with none tracked (the first face is
   * found at once) or right after a face was lost; otherwise when `detectionIntervalMs` of frame
   * time has passed since its last run (or the clock went back: a new source).
   */
  private detectorDue(staticImageMode: boolean, timestampMs: number): boolean {
    if (staticImageMode) return true;
    const trackedCount = this.tracked.length;
    if (trackedCount >= this.options.maxFaces) return false;
    if (trackedCount === 0 || this.lostFace || this.lastDetectionMs === null) return true;
    const elapsed = timestampMs - this.lastDetectionMs;
    return elapsed >= this.options.detectionIntervalMs || elapsed < 0;
  }

  /** BlazeFace on the letterboxed frame; detections in normalized image coordinates, best first. */
  private detect(image: RgbaImage): Detection[] {
    const inPlace = this.sampler ? this.detector.inputByteOffset ?? null : null;
    if (inPlace !== null) this.sampler!.sample(image, letterboxAffine(image.width, image.height), DETECTOR_LETTERBOX, inPlace);
    else imageToTensorData(image, letterboxAffine(image.width, image.height), DETECTOR_LETTERBOX, this.detectorInput);
    const { regressors, scores } = inPlace !== null ? this.detector.run() : this.detector.run(this.detectorInput);
    const decoded = decodeDetections(regressors, scores, this.anchors, {
      ...FACE_DETECTION_DECODE_OPTIONS,
      minScore: this.options.minDetectionConfidence,
    });
    return weightedNonMaxSuppression(decoded).map((d) => projectDetection(d, image.width, image.height));
  }

  private toFace(raw: MeshRawOutputs, candidate: Candidate, id: number, score: number, width: number, height: number): FaceResult {
    const { roi, detection } = candidate;
    // The plain mesh model has no region heads: its 468 points are the result (refineLandmarks: false).
    const refined = raw.lips.length > 0 ? refineLandmarks(raw) : meshLandmarks(raw.mesh);
    const normalized = projectLandmarks(refined, roi);
    const landmarks = landmarksToPixels(normalized, width, height);
    const regions = {} as FaceRegions;
    for (const key of REGION_KEYS) {
      const points = raw[key];
      const out = new Float32Array(points.length);
      for (let i = 0; i < points.length; i++) out[i] = points[i] / MESH_INPUT_SIZE;
      projectPoints2d(out, roi, out);
      for (let i = 0; i < out.length; i += 2) {
        out[i] *= width;
        out[i + 1] *= height;
      }
      regions[key] = out;
    }
    const face: FaceResult = { id, landmarks, normalized, regions, score, faceFlagLogit: raw.faceFlag, roi };
    if (detection) {
      const { xMin, yMin, xMax, yMax } = detection;
      face.detection = { score: detection.score, box: { xMin, yMin, xMax, yMax }, keypoints: detection.keypoints };
    }
    return face;
  }
}

/** Mesh input: the rotated ROI at 192x192, values in [0, 1], replicated border. */
const MESH_CROP = { width: MESH_INPUT_SIZE, height: MESH_INPUT_SIZE, border: 'replicate', scale: 1 / 255, offset: 0 } as const;
/** Thrown by process() when a FrameWindow misses pixels the frame needs (the caller reads the whole frame). */
export class WindowTooSmallError extends Error {
  override name = 'WindowTooSmallError';
  constructor() {
    super('the frame window does not hold the pixels this frame needs');
  }
}

function rectInside(r: PixelRect, w: FrameWindow): boolean {
  return r.x >= w.left && r.y >= w.top && r.x + r.width <= w.left + w.width && r.y + r.height <= w.top + w.height;
}

/** Detector input: the letterboxed frame at 128x128, values in [-1, 1], zero (-1) outside the image. */
const DETECTOR_LETTERBOX = { width: DETECTOR_INPUT_SIZE, height: DETECTOR_INPUT_SIZE, border: 'zero', scale: 2 / 255, offset: -1 } as const;

function validateOptions(o: PipelineOptions): PipelineOptions {
  if (!Number.isInteger(o.maxFaces) || o.maxFaces < 1) throw new RangeError(`maxFaces must be a positive integer, got ${o.maxFaces}.`);
  for (const key of ['minDetectionConfidence', 'minTrackingConfidence'] as const) {
    const v = o[key];
    if (!(typeof v === 'number' && v >= 0 && v <= 1)) throw new RangeError(`${key} must be a number between 0 and 1, got ${v}.`);
  }
  for (const key of ['smoothingBeta', 'detectionIntervalMs'] as const) {
    const v = o[key];
    if (!(typeof v === 'number' && v >= 0 && Number.isFinite(v))) throw new RangeError(`${key} must be a number >= 0, got ${v}.`);
  }
  // What the One-Euro filter accepts (a cutoff of 0 would divide by zero in it on every frame).
  for (const key of ['smoothingMinCutoff', 'smoothingDerivateCutoff'] as const) {
    const v = o[key];
    if (!(typeof v === 'number' && v > ONE_EURO_EPSILON && Number.isFinite(v))) throw new RangeError(`${key} must be a number > 0, got ${v}.`);
  }
  if (!(typeof o.fov === 'number' && o.fov > 0 && o.fov < 180)) throw new RangeError(`fov (the vertical field of view) must be between 0 and 180 degrees, got ${o.fov}.`);
  for (const key of ['staticImageMode', 'mirror', 'smoothing', 'transform', 'eyes'] as const) {
    if (typeof o[key] !== 'boolean') throw new RangeError(`${key} must be true or false, got ${String(o[key])}.`);
  }
  return o;
}

/** The mesh head alone, normalized like refinement does (x, y and z divided by the input size). */
function meshLandmarks(mesh: Float32Array): Float32Array {
  const out = new Float32Array(mesh.length);
  for (let i = 0; i < mesh.length; i++) out[i] = mesh[i] / MESH_INPUT_SIZE;
  return out;
}
