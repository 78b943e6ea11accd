/**
 * The element's events: typed CustomEvent subclasses (listen with addEventListener; the payload is
 * `event.detail`). Landmark arrays are the worker's own buffers, transferred, never copied.
 */
import type { ErrorCode, FaceResult, PipelineTimings, RuntimeMode, ThreadChoice } from '@face-mesh/worker-runtime';
import type { StartupStage } from '@face-mesh/worker-runtime/startup';

export type { FaceResult } from '@face-mesh/worker-runtime';

export interface LandmarksDetail {
  /**
   * Capture time of the frame, in milliseconds, on the source's clock: for camera frames it is the
   * VideoFrame's timestamp (in Chromium the capture time on the browser's monotonic clock, not
   * `performance.now()`); for `src` videos, images and `detect()` the page's `performance.now()`.
   * Use it for order and intervals between frames of one source, not against `performance.now()`.
   */
  timestamp: number;
  /** Size of the processed frame, in pixels; landmark coordinates are in these pixels. */
  width: number;
  height: number;
  /** One entry per face: 478x3 `landmarks` (Float32Array), `normalized`, `regions`, `score`, `roi`, `detection`. */
  faces: FaceResult[];
  /** Where the worker spent its time on this frame. */
  timings: PipelineTimings;
  /** Whether the detector ran on this frame (it runs only while fewer faces are tracked than max-faces, and with some tracked at most once per detection-interval). */
  detectorRan: boolean;
  /** Camera frames skipped so far because a newer frame arrived while the worker was busy. */
  dropped: number;
  /**
   * The worker's load: the fraction of about the last second it spent on frames (reading, pipeline,
   * overlay), 0..1; NaN during the first second. Live sources only (a `src` image: NaN). Lower it
   * with `max-fps` (docs/element.md, on a phone).
   */
  busy: number;
  /** The wasm threads the models ran on for this frame (`threads="auto"` may change it: `threadschange`). */
  threads: number;
}

export interface ReadyDetail extends RuntimeMode {
  /** Time from start to models loaded, in milliseconds. */
  loadMs: number;
  /**
   * 'on': the worker draws the overlay; 'off': this browser cannot hand a canvas to a worker (no
   * `transferControlToOffscreen`), so nothing is drawn (`note` says so). Landmarks are unaffected.
   */
  overlay: 'on' | 'off';
}

/** `threadschange`: what `threads="auto"` runs on now, and why (the same shape as `ready.detail.threadChoice`). */
export type ThreadsChangeDetail = ThreadChoice;

export interface SuspendDetail {
  /** Why processing stopped or started again: 'hidden' (the page's `document.hidden`). */
  reason: 'hidden';
}

/**
 * The page's error codes, besides the worker's (ErrorCode). aborted: the element was removed (or its
 * worker restarted) before the call finished; not-connected: start() or detect() on an element that
 * is not in the document; startup-stalled: a start-up stage passed its deadline in two workers;
 * invalid-option: an attribute value the element cannot use (it uses the default, and says so).
 */
export const ELEMENT_ERROR_CODES = [
  'camera-denied',
  'camera-not-found',
  'camera-in-use',
  'camera-unsupported',
  'camera-ended',
  'source-failed',
  'worker-crashed',
  'startup-stalled',
  'aborted',
  'not-connected',
  'invalid-option',
] as const;

export type FaceMeshErrorCode = ErrorCode | (typeof ELEMENT_ERROR_CODES)[number];

export interface ErrorDetail {
  code: FaceMeshErrorCode;
  /** What went wrong and what to do about it. */
  message: string;
  /**
   * Set when the same error repeated on a live source: how many identical errors were not dispatched
   * since the previous event for it (the first occurrence is dispatched without this field).
   */
  repeated?: number;
  /** With 'startup-stalled': the start-up stage that stalled twice (worker-script, wasm-fetch, wasm-compile, wasm-start, model-fetch, model-compile). */
  stage?: StartupStage;
}

export interface FaceCountDetail {
  /** The face's stable id (the same as `faces[i].id` in `landmarks` events). */
  id: number;
  /** Faces in the frame that fired the event. */
  count: number;
  timestamp: number;
}

export interface ProgressDetail {
  stage: 'wasm' | 'models' | 'ready';
  /** 0..1 over the whole start-up. */
  progress: number;
}

/** Fired for every processed frame. */
export class LandmarksEvent extends CustomEvent<LandmarksDetail> {
  static readonly eventName = 'landmarks';
  constructor(detail: LandmarksDetail) {
    super(LandmarksEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/**
 * `threads="auto"` changed the number of wasm threads while running (threads stopped paying, or
 * paid again when tried); `detail.threads`, `detail.binary` (one thread: 'simd'; more:
 * 'threaded-simd'), `detail.reason`, `detail.measuredMs`.
 */
export class ThreadsChangeEvent extends CustomEvent<ThreadsChangeDetail> {
  static readonly eventName = 'threadschange';
  constructor(detail: ThreadsChangeDetail) {
    super(ThreadsChangeEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/** Fired once the wasm runtime and the models are loaded. */
export class ReadyEvent extends CustomEvent<ReadyDetail> {
  static readonly eventName = 'ready';
  constructor(detail: ReadyDetail) {
    super(ReadyEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/** Fired when a face appears: a new id (found by the detector). */
export class FaceFoundEvent extends CustomEvent<FaceCountDetail> {
  static readonly eventName = 'facefound';
  constructor(detail: FaceCountDetail) {
    super(FaceFoundEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/** Fired when a tracked face is lost (its id will not come back). */
export class FaceLostEvent extends CustomEvent<FaceCountDetail> {
  static readonly eventName = 'facelost';
  constructor(detail: FaceCountDetail) {
    super(FaceLostEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/**
 * Something failed; `detail.code` is stable, `detail.message` says what to do. It does not bubble:
 * an `error` event reaching `window` would look like an uncaught script error to error trackers.
 */
export class FaceMeshErrorEvent extends CustomEvent<ErrorDetail> {
  static readonly eventName = 'error';
  constructor(detail: ErrorDetail) {
    super(FaceMeshErrorEvent.eventName, { detail });
  }
}

/** The `error` event for something thrown (its message) under `code`. */
export function errorEvent(code: FaceMeshErrorCode, e: unknown): FaceMeshErrorEvent {
  const stage = e instanceof FaceMeshError ? e.stage : undefined;
  return new FaceMeshErrorEvent({ code, message: e instanceof Error ? e.message : String(e), ...(stage ? { stage } : {}) });
}

/** Start-up progress while the wasm runtime and the models load. */
export class LoadProgressEvent extends CustomEvent<ProgressDetail> {
  static readonly eventName = 'progress';
  constructor(detail: ProgressDetail) {
    super(LoadProgressEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/**
 * The page was hidden (another tab, minimized): no frame is processed until it is visible again.
 * The camera stays open (so resuming needs no new permission); a `src` video is paused.
 */
export class SuspendEvent extends CustomEvent<SuspendDetail> {
  static readonly eventName = 'suspend';
  constructor(detail: SuspendDetail) {
    super(SuspendEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/** The page is visible again: processing resumes (after a `suspend`). */
export class ResumeEvent extends CustomEvent<SuspendDetail> {
  static readonly eventName = 'resume';
  constructor(detail: SuspendDetail) {
    super(ResumeEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/** An Error with the element's error code, for rejected promises (start(), detect()). */
export class FaceMeshError extends Error {
  constructor(
    readonly code: FaceMeshErrorCode,
    message: string,
    /** With 'startup-stalled': the start-up stage that stalled. */
    readonly stage?: StartupStage,
  ) {
    super(message);
    this.name = 'FaceMeshError';
  }
}

/**
 * The element's events by name, for `FaceMeshElement.addEventListener` (typed on the element only:
 * `error`, `progress` and `suspend` mean something else on other elements, so nothing is added to
 * the global HTMLElementEventMap). The other HTMLElement events keep their DOM types.
 */
export interface FaceMeshEventMap extends Omit<HTMLElementEventMap, FaceMeshEventName> {
  landmarks: LandmarksEvent;
  ready: ReadyEvent;
  facefound: FaceFoundEvent;
  facelost: FaceLostEvent;
  error: FaceMeshErrorEvent;
  progress: LoadProgressEvent;
  suspend: SuspendEvent;
  resume: ResumeEvent;
  threadschange: ThreadsChangeEvent;
}

/** The names of the element's own events. */
export type FaceMeshEventName = 'landmarks' | 'ready' | 'facefound' | 'facelost' | 'error' | 'progress' | 'suspend' | 'resume' | 'threadschange';
