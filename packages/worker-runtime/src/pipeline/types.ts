/** The pipeline's inputs and results: typed arrays throughout, no per-landmark objects. */
import type { Box, EyesMeasurement, Roi } from '@face-mesh/geometry';

export type { EyeMeasurement, EyesMeasurement, Gaze } from '@face-mesh/geometry';

/** A raw RGBA buffer with its size, e.g. from a canvas or a decoder. */
export interface RawFrame {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/** Options of the face pipeline; the defaults (MediaPipe's face_mesh solution's) are in defaults.ts. */
export interface PipelineOptions {
  /** Most faces to find and track. Defaults to 1. */
  maxFaces: number;
  /** Detector score a face needs to be acquired. Defaults to 0.5. */
  minDetectionConfidence: number;
  /** Face-flag score under which a tracked face is dropped (and re-acquired by the detector). Defaults to 0.5. */
  minTrackingConfidence: number;
  /** Every frame is a new still image: detect every time, never track. Defaults to false. */
  staticImageMode: boolean;
  /**
   * Video mode, while at least one face but fewer than `maxFaces` are tracked: run the detector
   * (to find more faces) only when at least this many milliseconds of frame time have passed since
   * its last run. 0 = on every such frame (MediaPipe's behaviour). With no face tracked, or on the
   * frame after a tracked face was lost, it runs whatever the interval. Defaults to 0.
   */
  detectionIntervalMs: number;
  /**
   * Give results in the horizontally mirrored (selfie) view: x flipped, and the left/right eye and
   * iris groups swapped so that "left" is the subject's left eye. Tracking is unaffected. Defaults to false.
   */
  mirror: boolean;
  /**
   * One-Euro smoothing of the landmarks of tracked faces (video mode only; still images are never
   * smoothed). Tracking itself uses the raw landmarks. Defaults to true.
   */
  smoothing: boolean;
  /** One-Euro minimum cutoff frequency (Hz): lower = smoother when still. Defaults to 0.05 (MediaPipe). */
  smoothingMinCutoff: number;
  /** One-Euro speed coefficient: higher = less lag when moving. Defaults to 80 (MediaPipe). */
  smoothingBeta: number;
  /** One-Euro cutoff (Hz) of the speed estimate. Defaults to 1 (MediaPipe). */
  smoothingDerivateCutoff: number;
  /**
   * Estimate each face's pose: the facial transformation matrix and metric 3D landmarks (needs the
   * face geometry metadata). Defaults to false.
   */
  transform: boolean;
  /**
   * Measure each face's eyes: distance from the camera (iris size) and gaze (needs the face geometry
   * metadata, for the head pose). Defaults to false.
   */
  eyes: boolean;
  /**
   * Vertical field of view of the camera, degrees: the camera model of the pose (`transform`) and of
   * the eyes. Defaults to 63 (MediaPipe FaceLandmarker's).
   */
  fov: number;
}

/** A face's pose (MediaPipe FaceGeometry), when the `transform` option is on. */
export interface FaceTransform {
  /**
   * 4x4 column-major matrix from the canonical face model (cm) to camera space (OpenGL style: x right,
   * y up, looking down -z), MediaPipe's facial transformation matrix. With `mirror` it is given for
   * the mirrored view (x negated on both sides: M' = S·M·S, S = diag(-1, 1, 1, 1)).
   */
  matrix: Float32Array;
  /** 468 x (x, y, z) in cm: the observed face in the canonical model's frame (MediaPipe's metric landmarks). */
  metricLandmarks: Float32Array;
}

/** The attention model's raw outputs in pixels of its 192x192 input (its model card's list). */
export interface MeshRawOutputs {
  /** 468 x (x, y, z) */
  mesh: Float32Array;
  /** 80 x (x, y) */
  lips: Float32Array;
  /** 71 x (x, y): the eye on the image's left in an unmirrored frame (the subject's right eye). */
  leftEye: Float32Array;
  /** 71 x (x, y) */
  rightEye: Float32Array;
  /** 5 x (x, y): centre, then four edge points. */
  leftIris: Float32Array;
  /** 5 x (x, y) */
  rightIris: Float32Array;
  /** Face-presence logit. */
  faceFlag: number;
}

/** The region outputs, projected to image pixels. */
export interface FaceRegions {
  lips: Float32Array;
  leftEye: Float32Array;
  rightEye: Float32Array;
  leftIris: Float32Array;
  rightIris: Float32Array;
}

export interface FaceDetectionInfo {
  /** Detector score (sigmoid). */
  score: number;
  /** Box normalized to the image. */
  box: Box;
  /** 6 keypoints (eyes, nose tip, mouth, ear tragions), normalized, interleaved x, y. */
  keypoints: Float32Array;
}

export interface FaceResult {
  /**
   * Stable id: a face keeps it for as long as it is tracked from frame to frame; a face found by the
   * detector gets a new one. Never reused within a session (in static mode every frame's faces are new).
   */
  id: number;
  /**
   * 478 x (x, y, z) in image pixels (468 with the plain mesh model); z is relative depth in the units
   * of x (negative = nearer).
   */
  landmarks: Float32Array;
  /** The same, normalized: x / width, y / height, z / width. */
  normalized: Float32Array;
  /** Raw region outputs of the attention heads, in image pixels (empty arrays with the plain mesh model). */
  regions: FaceRegions;
  /** Face-presence score: the sigmoid of the face flag. */
  score: number;
  /** The face flag as the model gives it (a logit). */
  faceFlagLogit: number;
  /** The crop that produced these landmarks (normalized centre and size, rotation in radians). */
  roi: Roi;
  /** Where the detector found this face, when this frame's crop came from the detector. */
  detection?: FaceDetectionInfo;
  /** Head pose and metric landmarks, with the `transform` option. */
  transform?: FaceTransform;
  /**
   * Each eye's distance from the camera and gaze, with the `eyes` option (and the 478-point model).
   * "left" is the iris group 468-472, like `regions.leftIris`.
   */
  eyes?: EyesMeasurement;
}

export interface PipelineTimings {
  /** Reading the frame into RGBA bytes in the worker (VideoFrame.copyTo, or drawImage + getImageData). */
  readMs?: number;
  /**
   * Pixels read from the frame: all of them when the detector runs (or for ImageData and raw
   * frames, whose bytes are already in memory); on tracking frames, only the region around the faces.
   */
  readPixels?: number;
  detectorMs: number;
  cropMs: number;
  meshMs: number;
  postMs: number;
  totalMs: number;
  /** Drawing the overlay on the worker's canvas (with an overlay other than 'none'), after the pipeline. */
  overlayMs?: number;
}

export interface FrameResult {
  width: number;
  height: number;
  faces: FaceResult[];
  /** Whether the detector ran on this frame. */
  detectorRan: boolean;
  timings: PipelineTimings;
}

/** What the pipeline needs from the models: typed arrays in, typed arrays out. */
export interface DetectorRunner {
  /** Input 128x128x3 in [-1, 1] (omitted: already written at inputByteOffset); output regressors 896x16 and 896 score logits. */
  run(input?: Float32Array): { regressors: Float32Array; scores: Float32Array };
  /** Where the input may be written in place in the wasm backend's memory, or null. */
  readonly inputByteOffset?: number | null;
}

export interface MeshRunner {
  /** Input 192x192x3 in [0, 1] (omitted: already written at inputByteOffset). */
  run(input?: Float32Array): MeshRawOutputs;
  /** Where the input may be written in place in the wasm backend's memory, or null. */
  readonly inputByteOffset?: number | null;
}

/** Where a pipeline's files are (PipelineSession.load). */
export interface PipelineModelUrls {
  /** face_detection_short_range.tflite */
  detector: string;
  /**
   * face_landmark_with_attention.tflite (478 refined landmarks), or the plain face_landmark.tflite
   * (468 landmarks, no lips/eyes/irises refinement: MediaPipe's `refineLandmarks: false`).
   */
  mesh: string;
  /** geometry_pipeline_metadata_landmarks.binarypb: the canonical face, for the `transform` and `eyes` options. */
  geometry?: string;
}
