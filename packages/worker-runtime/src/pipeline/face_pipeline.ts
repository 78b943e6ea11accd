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
  MESH_INPUT_SIZE,
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
  sigmoid,
  weightedNonMaxSuppression,
  type Detection,
  type FaceGeometryPipeline,
  type Roi,
} from '@face-mesh/geometry';
import { imageToTensorData, type RgbaImage } from './image_to_tensor.js';
import { mirrorFace } from './mirror_result.js';
import { FaceSmoothing } from './face_smoothing.js';
import {
  DEFAULT_PIPELINE_OPTIONS,
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
  /** Pose estimation, once the face geometry metadata is loaded (see setGeometry). */
  private geometry: FaceGeometryPipeline | null = null;

  constructor(
    private readonly detector: DetectorRunner,
    private readonly mesh: MeshRunner,
    options: Partial<PipelineOptions> = {},
  ) {
    this.options = validateOptions({ ...DEFAULT_PIPELINE_OPTIONS, ...options });
    this.configureSmoothing(this.options);
  }

  private configureSmoothing(o: PipelineOptions): void {
    this.smoothing.configure({ minCutoff: o.smoothingMinCutoff, beta: o.smoothingBeta, derivateCutoff: o.smoothingDerivateCutoff });
  }

  setOptions(options: Partial<PipelineOptions>): void {
    const next = validateOptions({ ...this.options, ...options });
    if (next.transform && !this.geometry) {
      throw new Error('The transform option needs the face geometry metadata: load the pipeline with its URL (`geometry`).');
    }
    this.configureSmoothing(next);
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

  /** The canonical face for the `transform` option. */
  setGeometry(geometry: FaceGeometryPipeline | null): void {
    this.geometry = geometry;
  }

  get hasGeometry(): boolean {
    return this.geometry !== null;
  }

  /**
   * One frame. With `{ stillImage: true }` the frame is handled as a still image whatever the mode
   * (detector, no tracking) and the tracked faces are left as they were.
   */
  process(image: RgbaImage, { stillImage = false, timestampMs = performance.now() }: { stillImage?: boolean; timestampMs?: number } = {}): FrameResult {
    const t0 = performance.now();
    const { width, height } = image;
    const { maxFaces } = this.options;
    const staticImageMode = this.options.staticImageMode || stillImage;
    const previousFaces = staticImageMode ? [] : this.tracked;
    const previous = previousFaces.map((t) => t.roi);

    const tracked: Candidate[] = previousFaces.map(({ roi, id }) => ({ roi, id }));
    const detectorRan = staticImageMode || this.detectorDue(previous.length, timestampMs);
    if (detectorRan && !staticImageMode) this.lastDetectionMs = timestampMs;
    const detections = detectorRan ? this.detect(image).slice(0, maxFaces) : [];
    const fromDetections: Candidate[] = detections.map((d) => ({ roi: detectionToRoi(d, width, height), detection: d }));
    // AssociationNormRectCalculator, on every frame as in MediaPipe's graph (with no detections it
    // still merges tracked ROIs that overlap, so a face tracked twice is followed once from the
    // next frame): detections first, tracked ROIs win on overlap, a later tracked ROI over an earlier.
    const merged = associateDetectionsWithTracked(fromDetections.map((c) => c.roi), previous);
    const byRoi = new Map<Roi, Candidate>([...fromDetections, ...tracked].map((c) => [c.roi, c]));
    const candidates = merged.map((roi) => byRoi.get(roi) ?? { roi });
    const t1 = performance.now();

    const faces: FaceResult[] = [];
    const next: TrackedFace[] = [];
    let cropMs = 0;
    let meshMs = 0;
    /** A tracked face failed the face flag here (one merged into another by the association was not lost). */
    let lostFace = false;
    for (const candidate of candidates) {
      const c0 = performance.now();
      imageToTensorData(image, cropAffine(candidate.roi, width, height), MESH_CROP, this.meshInput);
      const c1 = performance.now();
      const raw = this.mesh.run(this.meshInput);
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
    if (!stillImage) {
      this.lostFace = lostFace;
      this.tracked = next;
    }
    // Output stages, after the next ROIs are taken from the raw landmarks in the camera's own frame.
    if (this.options.smoothing && !staticImageMode) this.smoothing.apply(faces, timestampMs, width, height);
    if (this.options.transform && this.geometry) {
      for (const face of faces) {
        const g = this.geometry.estimate(face.normalized, width, height);
        if (g) face.transform = { matrix: g.poseTransform, metricLandmarks: g.metricLandmarks };
      }
    }
    if (this.options.mirror) for (const face of faces) mirrorFace(face, width);
    const t2 = performance.now();
    return {
      width,
      height,
      faces,
      detectorRan,
      timings: { detectorMs: t1 - t0, cropMs, meshMs, postMs: t2 - t1 - cropMs - meshMs, totalMs: t2 - t0 },
    };
  }

  /**
   * Video mode: whether this frame runs the detector. Never once `maxFaces` are tracked; always
   * with none tracked (the first face is found at once) or right after a face was lost; otherwise
   * when `detectionIntervalMs` of frame time has passed since its last run (or the clock went back:
   * a new source).
   */
  private detectorDue(trackedCount: number, timestampMs: number): boolean {
    if (trackedCount >= this.options.maxFaces) return false;
    if (trackedCount === 0 || this.lostFace || this.lastDetectionMs === null) return true;
    const elapsed = timestampMs - this.lastDetectionMs;
    return elapsed >= this.options.detectionIntervalMs || elapsed < 0;
  }

  /** BlazeFace on the letterboxed frame; detections in normalized image coordinates, best first. */
  private detect(image: RgbaImage): Detection[] {
    imageToTensorData(image, letterboxAffine(image.width, image.height), DETECTOR_LETTERBOX, this.detectorInput);
    const { regressors, scores } = this.detector.run(this.detectorInput);
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
/** Detector input: the letterboxed frame at 128x128, values in [-1, 1], zero (-1) outside the image. */
const DETECTOR_LETTERBOX = { width: DETECTOR_INPUT_SIZE, height: DETECTOR_INPUT_SIZE, border: 'zero', scale: 2 / 255, offset: -1 } as const;

function validateOptions(o: PipelineOptions): PipelineOptions {
  if (!Number.isInteger(o.maxFaces) || o.maxFaces < 1) throw new RangeError(`maxFaces must be a positive integer, got ${o.maxFaces}.`);
  for (const key of ['minDetectionConfidence', 'minTrackingConfidence'] as const) {
    const v = o[key];
    if (!(typeof v === 'number' && v >= 0 && v <= 1)) throw new RangeError(`${key} must be a number between 0 and 1, got ${v}.`);
  }
  for (const key of ['smoothingMinCutoff', 'smoothingBeta', 'smoothingDerivateCutoff', 'detectionIntervalMs'] as const) {
    const v = o[key];
    if (!(typeof v === 'number' && v >= 0 && Number.isFinite(v))) throw new RangeError(`${key} must be a number >= 0, got ${v}.`);
  }
  for (const key of ['staticImageMode', 'mirror', 'smoothing', 'transform'] as const) {
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
