/**
 * The parity metric of reference/compare.mjs, on interleaved (x, y, z) faces in the reference files'
 * units (x·W, y·H, z·W pixels): errors are mean 2-D distances in percent of the reference face's
 * inter-ocular distance (3-D distance between the eye centres, each the midpoint of two corners).
 */
import {
  FACE_MATCH_MAX_DISTANCE_IOD,
  LEFT_EYE_CORNERS,
  NOSE_TIP_LANDMARK,
  NUM_MESH_LANDMARKS,
  NUM_REFINED_LANDMARKS,
  RIGHT_EYE_CORNERS,
} from './constants.js';
import { LEFT_IRIS_Z_AVERAGE_INDICES, LIPS_INDICES, RIGHT_IRIS_Z_AVERAGE_INDICES } from './refinement.js';

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** compare.mjs regions (its "eyes" are the 2 x 16 eyelid contour points). */
export const METRIC_REGIONS = {
  all: range(0, NUM_REFINED_LANDMARKS),
  mesh468: range(0, NUM_MESH_LANDMARKS),
  lips: LIPS_INDICES,
  eyes: [...LEFT_IRIS_Z_AVERAGE_INDICES, ...RIGHT_IRIS_Z_AVERAGE_INDICES],
  irises: range(NUM_MESH_LANDMARKS, NUM_REFINED_LANDMARKS),
} as const satisfies Record<string, readonly number[]>;

export type MetricRegion = keyof typeof METRIC_REGIONS;
/** % IOD per region; a region is absent when none of its points exist in both faces. */
export type RegionErrors = Partial<Record<MetricRegion, number>>;

function distance(a: Float32Array, i: number, b: Float32Array, j: number, dims: 2 | 3): number {
  const dx = a[3 * i] - b[3 * j];
  const dy = a[3 * i + 1] - b[3 * j + 1];
  const dz = dims === 3 ? a[3 * i + 2] - b[3 * j + 2] : 0;
  return Math.hypot(dx, dy, dz);
}

function midpoint(face: Float32Array, i: number, j: number): Float32Array {
  return Float32Array.of(
    (face[3 * i] + face[3 * j]) / 2,
    (face[3 * i + 1] + face[3 * j + 1]) / 2,
    (face[3 * i + 2] + face[3 * j + 2]) / 2,
  );
}

/** 3-D distance between the eye centres (midpoints of 33/133 and of 362/263). */
export function interOcularDistance(face: Float32Array): number {
  // float64 midpoints: compare.mjs works in doubles
  const [a0, a1] = LEFT_EYE_CORNERS;
  const [b0, b1] = RIGHT_EYE_CORNERS;
  const c = (k: number, i: number, j: number) => (face[3 * i + k] + face[3 * j + k]) / 2;
  return Math.hypot(c(0, a0, a1) - c(0, b0, b1), c(1, a0, a1) - c(1, b0, b1), c(2, a0, a1) - c(2, b0, b1));
}

/** Eye centres (left = midpoint of 33/133, right = midpoint of 362/263) as (x, y, z). */
export function eyeCentres(face: Float32Array): { left: Float32Array; right: Float32Array } {
  return { left: midpoint(face, ...LEFT_EYE_CORNERS), right: midpoint(face, ...RIGHT_EYE_CORNERS) };
}

/** Mean 2-D distance over the given points, in % of the reference's IOD. */
export function meanErrorIod(ref: Float32Array, cand: Float32Array, indices: readonly number[] = METRIC_REGIONS.all): number {
  let sum = 0;
  for (const i of indices) sum += distance(ref, i, cand, i, 2);
  return (100 * sum) / indices.length / interOcularDistance(ref);
}

/** compare.mjs `compareFaces`: per-region errors over the points both faces have (478, or 468). */
export function compareFaces(ref: Float32Array, cand: Float32Array): RegionErrors {
  const n = Math.min(ref.length, cand.length) / 3;
  const out: RegionErrors = {};
  for (const name of Object.keys(METRIC_REGIONS) as MetricRegion[]) {
    const idx = METRIC_REGIONS[name].filter((i) => i < n);
    if (idx.length) out[name] = meanErrorIod(ref, cand, idx);
  }
  return out;
}

export interface FaceMatch {
  /** Index into the reference faces. */
  ref: number;
  /** Index into the candidate faces as given. */
  cand: number;
  errors: RegionErrors;
}

export interface FaceMatching {
  matches: FaceMatch[];
  /** Reference faces without a candidate. */
  missed: number;
  /** Candidates (with >= 468 points) left unmatched. */
  extra: number;
}

/**
 * compare.mjs `compareFiles`: candidates with fewer than 468 points are ignored (not even extra);
 * each reference face in order takes the remaining candidate whose nose tip (landmark 1) is closest
 * in 2-D, first one on ties, if that distance is < 1 IOD of the reference; otherwise it is missed.
 */
export function matchFaces(refs: readonly Float32Array[], cands: readonly Float32Array[]): FaceMatching {
  const pool = cands.map((_, j) => j).filter((j) => cands[j].length >= 3 * NUM_MESH_LANDMARKS);
  const matches: FaceMatch[] = [];
  let missed = 0;
  refs.forEach((r, i) => {
    const scale = interOcularDistance(r);
    let best = -1;
    let bestD = Infinity;
    pool.forEach((j, k) => {
      const d = distance(r, NOSE_TIP_LANDMARK, cands[j], NOSE_TIP_LANDMARK, 2) / scale;
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    });
    if (best >= 0 && bestD < FACE_MATCH_MAX_DISTANCE_IOD) {
      const j = pool.splice(best, 1)[0];
      matches.push({ ref: i, cand: j, errors: compareFaces(r, cands[j]) });
    } else {
      missed++;
    }
  });
  return { matches, missed, extra: pool.length };
}
