/**
 * One-Euro smoothing of each tracked face's landmarks (MediaPipe Tasks FaceLandmarker's
 * LandmarksSmoothingCalculator), keyed by face id: a face's filters live while it is tracked and are
 * dropped when it is lost, so a new face never inherits another's motion. Applied to the output
 * only; tracking uses the raw landmarks, as in MediaPipe.
 */
import { LandmarksSmoother, type OneEuroFilterOptions } from '@face-mesh/geometry';
import type { FaceResult } from './types.js';

export class FaceSmoothing {
  private readonly smoothers = new Map<number, LandmarksSmoother>();
  private params: Required<Omit<OneEuroFilterOptions, 'frequency'>> | null = null;

  configure(params: { minCutoff: number; beta: number; derivateCutoff: number }): void {
    const p = this.params;
    if (p && p.minCutoff === params.minCutoff && p.beta === params.beta && p.derivateCutoff === params.derivateCutoff) return;
    this.params = { ...params };
    this.smoothers.clear();
  }

  /** Smooth `landmarks` (pixels) of each face in place and recompute `normalized`; forget faces not present. */
  apply(faces: FaceResult[], timestampMs: number, width: number, height: number): void {
    const present = new Set<number>();
    for (const face of faces) {
      present.add(face.id);
      let smoother = this.smoothers.get(face.id);
      if (!smoother) {
        smoother = new LandmarksSmoother(this.params ?? undefined);
        this.smoothers.set(face.id, smoother);
      }
      const p = face.landmarks;
      smoother.apply(p, timestampMs, p);
      const q = face.normalized;
      for (let i = 0; i < p.length; i += 3) {
        q[i] = p[i] / width;
        q[i + 1] = p[i + 1] / height;
        q[i + 2] = p[i + 2] / width;
      }
    }
    for (const id of [...this.smoothers.keys()]) if (!present.has(id)) this.smoothers.delete(id);
  }

  reset(): void {
    this.smoothers.clear();
  }
}
