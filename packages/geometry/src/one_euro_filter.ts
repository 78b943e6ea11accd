/**
 * Landmark smoothing as in MediaPipe Tasks FaceLandmarker (docs/pipeline.md §5.1):
 *   - `OneEuroFilter` mirrors mediapipe/util/filtering/one_euro_filter.cc (+ low_pass_filter.cc);
 *   - `LandmarksSmoother` mirrors the OneEuroFilterImpl of
 *     mediapipe/calculators/util/landmarks_smoothing_calculator_utils.cc.
 *
 * Timestamps: MediaPipe takes an absl::Duration (nanoseconds internally); this API takes
 * **milliseconds** (as `performance.now()`, `requestVideoFrameCallback`'s `mediaTime * 1000` or a
 * video frame's timestamp in ms give them) and converts: frequency = 1000 / (t − t_prev) Hz.
 * Passing seconds by mistake makes frames look 1000× closer together (30 kHz instead of 30 Hz): the
 * speed estimate is 1000× too large and both low-pass filters behave very differently (see the test).
 *
 * Differences from MediaPipe, all deliberate:
 *   - arithmetic is float64 (MediaPipe's LowPassFilter stores float32);
 *   - MediaPipe uses `last_time_ == 0` as "no timestamp yet", so a first frame at t = 0 is dropped
 *     (returned as is, state untouched); here a flag is used and t = 0 is an ordinary first sample.
 */

/** One-Euro parameters (`OneEuroFilter` in mediapipe/calculators/util/landmarks_smoothing_calculator.proto). */
export interface OneEuroFilterOptions {
  /** Initial sampling frequency in Hz, used until two timestamps have been seen. */
  frequency?: number;
  /** Minimum cutoff frequency (Hz): lower = smoother when still, more lag. */
  minCutoff?: number;
  /** Cutoff slope: higher = less lag on fast motion. */
  beta?: number;
  /** Cutoff frequency (Hz) of the derivative's low-pass filter. */
  derivateCutoff?: number;
}

/**
 * MediaPipe Tasks FaceLandmarker's values (face_landmarks_detector_graph.cc,
 * ConfigureLandmarksSmoothingCalculator; frequency is the proto default).
 */
export const FACE_LANDMARKER_ONE_EURO: Readonly<Required<OneEuroFilterOptions>> = Object.freeze({
  frequency: 30,
  minCutoff: 0.05,
  beta: 80,
  derivateCutoff: 1,
});

/** `min_allowed_object_scale` default (landmarks_smoothing_calculator.proto). */
export const MIN_ALLOWED_OBJECT_SCALE = 1e-6;

/** one_euro_filter.cc kEpsilon: frequency, minCutoff and derivateCutoff must exceed it. */
export const ONE_EURO_EPSILON = 1e-6;
const EPSILON = ONE_EURO_EPSILON;

function resolveOptions(options: OneEuroFilterOptions | undefined): Required<OneEuroFilterOptions> {
  const o = { ...FACE_LANDMARKER_ONE_EURO, ...stripUndefined(options ?? {}) };
  // one_euro_filter.cc logs and ignores non-positive values; we reject them up front.
  if (!(o.frequency > EPSILON)) throw new Error(`OneEuroFilter: frequency must be > 0 (got ${o.frequency})`);
  if (!(o.minCutoff > EPSILON)) throw new Error(`OneEuroFilter: minCutoff must be > 0 (got ${o.minCutoff})`);
  if (!(o.derivateCutoff > EPSILON)) throw new Error(`OneEuroFilter: derivateCutoff must be > 0 (got ${o.derivateCutoff})`);
  if (!Number.isFinite(o.beta)) throw new Error(`OneEuroFilter: beta must be finite (got ${o.beta})`);
  return o;
}

function stripUndefined(o: OneEuroFilterOptions): OneEuroFilterOptions {
  const out: OneEuroFilterOptions = {};
  if (o.frequency !== undefined) out.frequency = o.frequency;
  if (o.minCutoff !== undefined) out.minCutoff = o.minCutoff;
  if (o.beta !== undefined) out.beta = o.beta;
  if (o.derivateCutoff !== undefined) out.derivateCutoff = o.derivateCutoff;
  return out;
}

/** one_euro_filter.cc GetAlpha: α = 1 / (1 + τ/Te), τ = 1/(2π·fc), Te = 1/frequency. */
export function oneEuroAlpha(cutoff: number, frequency: number): number {
  const te = 1 / frequency;
  const tau = 1 / (2 * Math.PI * cutoff);
  return 1 / (1 + tau / te);
}

/** A scalar One-Euro filter (mediapipe/util/filtering/one_euro_filter.cc). */
export class OneEuroFilter {
  readonly minCutoff: number;
  readonly beta: number;
  readonly derivateCutoff: number;
  private readonly initialFrequency: number;
  private frequency: number;
  private lastTimeMs = 0;
  private hasTime = false;
  // x_: low_pass_filter.cc state (raw and filtered value).
  private xInit = false;
  private xRaw = 0;
  private xStored = 0;
  // dx_: the derivative's low-pass filter.
  private dxInit = false;
  private dxStored = 0;

  constructor(options?: OneEuroFilterOptions) {
    const o = resolveOptions(options);
    this.initialFrequency = o.frequency;
    this.frequency = o.frequency;
    this.minCutoff = o.minCutoff;
    this.beta = o.beta;
    this.derivateCutoff = o.derivateCutoff;
  }

  /** The sampling frequency (Hz) in use: the initial one, then 1000/Δt of the last two timestamps. */
  get currentFrequency(): number {
    return this.frequency;
  }

  /**
   * Filters `value` observed at `timestampMs` (OneEuroFilter::Apply). `valueScale` multiplies the
   * derivative only (the calculator passes 1/object_scale so the cutoff adapts to relative speed).
   * A timestamp not strictly greater than the previous one returns `value` unchanged, state untouched.
   */
  apply(value: number, timestampMs: number, valueScale = 1): number {
    if (this.hasTime && this.lastTimeMs >= timestampMs) return value;
    if (this.hasTime) this.frequency = 1000 / (timestampMs - this.lastTimeMs);
    this.lastTimeMs = timestampMs;
    this.hasTime = true;

    // Variation per second, 0 on the first sample (x_->HasLastRawValue()).
    const dvalue = this.xInit ? (value - this.xRaw) * valueScale * this.frequency : 0;
    const aD = oneEuroAlpha(this.derivateCutoff, this.frequency);
    const edvalue = this.dxInit ? aD * dvalue + (1 - aD) * this.dxStored : dvalue;
    this.dxInit = true;
    this.dxStored = edvalue;

    const cutoff = this.minCutoff + this.beta * Math.abs(edvalue);
    const a = oneEuroAlpha(cutoff, this.frequency);
    const result = this.xInit ? a * value + (1 - a) * this.xStored : value;
    this.xInit = true;
    this.xRaw = value;
    this.xStored = result;
    return result;
  }

  /** Forget all state (as if newly constructed). */
  reset(): void {
    this.frequency = this.initialFrequency;
    this.lastTimeMs = 0;
    this.hasTime = false;
    this.xInit = false;
    this.dxInit = false;
    this.xRaw = 0;
    this.xStored = 0;
    this.dxStored = 0;
  }
}

/** Options of `LandmarksSmoother`: One-Euro parameters plus the calculator's scaling options. */
export interface LandmarksSmootherOptions extends OneEuroFilterOptions {
  /** Below this object scale (pixels) landmarks pass through unfiltered. Default 1e-6. */
  minAllowedObjectScale?: number;
  /** If true, value_scale = 1 instead of 1/object_scale. Default false. */
  disableValueScaling?: boolean;
}

/**
 * ((max x − min x) + (max y − min y)) / 2 over interleaved (x, y, z) landmarks
 * (GetObjectScale in landmarks_smoothing_calculator_utils.cc).
 */
export function landmarksObjectScale(landmarks: ArrayLike<number>, count = Math.floor(landmarks.length / 3)): number {
  if (count <= 0) return 0;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < count; i++) {
    const x = landmarks[i * 3];
    const y = landmarks[i * 3 + 1];
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return (maxX - minX + (maxY - minY)) / 2;
}

/**
 * One-Euro smoothing of a landmark set, one filter per coordinate (landmarks_smoothing_calculator_utils.cc
 * OneEuroFilterImpl). Input and output are interleaved (x, y, z) **in pixels** (x·W, y·H, z·W, as
 * NormalizedLandmarksToLandmarks makes them); `applyNormalized` does that conversion for you.
 * Per frame: object scale s from the input; s < minAllowedObjectScale → pass through (filters untouched);
 * otherwise every value goes through its own OneEuroFilter with value_scale = 1/s.
 * State is stored flat (no per-frame allocation); results equal those of independent `OneEuroFilter`s.
 * Call `reset()` when the face is lost (the calculator resets on an empty landmark list). A change in the
 * landmark count also resets (MediaPipe would fail a RET_CHECK instead).
 */
export class LandmarksSmoother {
  readonly options: Readonly<Required<LandmarksSmootherOptions>>;
  private count = 0;
  private frequency: number;
  private lastTimeMs = 0;
  private hasTime = false;
  private hasValues = false;
  private xRaw = new Float64Array(0);
  private xStored = new Float64Array(0);
  private dxStored = new Float64Array(0);
  private scratch = new Float32Array(0);

  constructor(options?: LandmarksSmootherOptions) {
    const o = resolveOptions(options);
    this.options = Object.freeze({
      ...o,
      minAllowedObjectScale: options?.minAllowedObjectScale ?? MIN_ALLOWED_OBJECT_SCALE,
      disableValueScaling: options?.disableValueScaling ?? false,
    });
    this.frequency = o.frequency;
  }

  /**
   * Smooths `count` pixel landmarks (interleaved x, y, z) seen at `timestampMs` into `out`
   * (may be the same array as `landmarks`). Returns `out`.
   */
  apply(
    landmarks: ArrayLike<number>,
    timestampMs: number,
    out: Float32Array,
    count = Math.floor(landmarks.length / 3),
  ): Float32Array {
    const n = count * 3;
    if (out.length < n) throw new Error(`LandmarksSmoother: output holds ${out.length} values, ${n} needed`);
    if (landmarks.length < n) throw new Error(`LandmarksSmoother: input holds ${landmarks.length} values, ${n} needed`);
    if (count !== this.count) this.resize(count);

    let valueScale = 1;
    if (!this.options.disableValueScaling) {
      const scale = landmarksObjectScale(landmarks, count);
      if (!(scale >= this.options.minAllowedObjectScale)) return copy(landmarks, out, n);
      valueScale = 1 / scale;
    }
    // Every filter shares the timestamp sequence, so one clock stands for all of them.
    if (this.hasTime && this.lastTimeMs >= timestampMs) return copy(landmarks, out, n);
    if (this.hasTime) this.frequency = 1000 / (timestampMs - this.lastTimeMs);
    this.lastTimeMs = timestampMs;
    this.hasTime = true;

    const freq = this.frequency;
    const { minCutoff, beta } = this.options;
    const aD = oneEuroAlpha(this.options.derivateCutoff, freq);
    const xRaw = this.xRaw;
    const xStored = this.xStored;
    const dxStored = this.dxStored;
    if (!this.hasValues) {
      // First sample: both low-pass filters pass through, derivative 0.
      for (let i = 0; i < n; i++) {
        const v = landmarks[i];
        xRaw[i] = v;
        xStored[i] = v;
        dxStored[i] = 0;
        out[i] = v;
      }
      this.hasValues = true;
      return out;
    }
    const twoPiTe = (2 * Math.PI) / freq;
    for (let i = 0; i < n; i++) {
      const v = landmarks[i];
      const dvalue = (v - xRaw[i]) * valueScale * freq;
      const edvalue = aD * dvalue + (1 - aD) * dxStored[i];
      dxStored[i] = edvalue;
      const cutoff = minCutoff + beta * Math.abs(edvalue);
      // α = 1/(1 + τ/Te) with τ = 1/(2π·fc) ⇔ α = 1/(1 + 1/(2π·fc·Te)).
      const a = 1 / (1 + 1 / (twoPiTe * cutoff));
      const r = a * v + (1 - a) * xStored[i];
      xRaw[i] = v;
      xStored[i] = r;
      out[i] = r;
    }
    return out;
  }

  /**
   * Same on image-normalized landmarks (x/W, y/H, z/W, e.g. FaceResult.normalized): converts to pixels,
   * smooths and converts back, as LandmarksSmoothingCalculator does for NORM_LANDMARKS.
   */
  applyNormalized(
    normalized: ArrayLike<number>,
    imageWidth: number,
    imageHeight: number,
    timestampMs: number,
    out: Float32Array,
    count = Math.floor(normalized.length / 3),
  ): Float32Array {
    const n = count * 3;
    if (this.scratch.length < n) this.scratch = new Float32Array(n);
    const px = this.scratch;
    for (let i = 0; i < n; i += 3) {
      px[i] = normalized[i] * imageWidth;
      px[i + 1] = normalized[i + 1] * imageHeight;
      px[i + 2] = normalized[i + 2] * imageWidth;
    }
    this.apply(px, timestampMs, px, count);
    if (out.length < n) throw new Error(`LandmarksSmoother: output holds ${out.length} values, ${n} needed`);
    for (let i = 0; i < n; i += 3) {
      out[i] = px[i] / imageWidth;
      out[i + 1] = px[i + 1] / imageHeight;
      out[i + 2] = px[i + 2] / imageWidth;
    }
    return out;
  }

  /** Forget all state (the next frame passes through). */
  reset(): void {
    this.frequency = this.options.frequency;
    this.lastTimeMs = 0;
    this.hasTime = false;
    this.hasValues = false;
  }

  private resize(count: number): void {
    this.count = count;
    this.xRaw = new Float64Array(count * 3);
    this.xStored = new Float64Array(count * 3);
    this.dxStored = new Float64Array(count * 3);
    this.reset();
  }
}

function copy(src: ArrayLike<number>, out: Float32Array, n: number): Float32Array {
  if (src !== out) for (let i = 0; i < n; i++) out[i] = src[i];
  return out;
}
