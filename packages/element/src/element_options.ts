/**
 * The element's properties as the worker takes them: pipeline options, the wasm thread count, the
 * overlay mode. Pure functions of the property values (the defaults are in defaults.ts).
 */
import type { PipelineOptions } from '@face-mesh/worker-runtime';
import { ELEMENT_DEFAULTS, OVERLAY_MODES, type OverlayMode } from '@face-mesh/worker-runtime/defaults';

/** The element's properties that make the pipeline options. */
export interface PipelineProperties {
  maxFaces: number;
  detectionInterval: number;
  minDetectionConfidence: number;
  minTrackingConfidence: number;
  mirror: boolean;
  smoothing: 'default' | 'off';
  smoothingMinCutoff: number;
  smoothingBeta: number;
  smoothingDerivateCutoff: number;
  transform: boolean;
  overlay: OverlayMode;
  eyes: boolean;
  fov: number;
}

/** The pipeline options; the pipeline validates them (a bad value is a `model-load-failed` or `internal` error naming it). */
export function pipelineOptionsOf(p: PipelineProperties): Partial<PipelineOptions> {
  return {
    maxFaces: p.maxFaces,
    detectionIntervalMs: Number.isFinite(p.detectionInterval) && p.detectionInterval >= 0 ? p.detectionInterval : ELEMENT_DEFAULTS.detectionInterval,
    minDetectionConfidence: p.minDetectionConfidence,
    minTrackingConfidence: p.minTrackingConfidence,
    mirror: p.mirror,
    smoothing: p.smoothing !== 'off',
    smoothingMinCutoff: p.smoothingMinCutoff,
    smoothingBeta: p.smoothingBeta,
    smoothingDerivateCutoff: p.smoothingDerivateCutoff,
    // The pose axes overlay needs the pose.
    transform: p.transform || p.overlay === 'axes',
    eyes: p.eyes,
    fov: p.fov,
  };
}

/** `threads`: 'off', a thread count (an integer >= 1), or anything else 'auto'. */
export function threadsOptionOf(threads: string): 'auto' | 'off' | number {
  if (threads === 'off') return 'off';
  const n = Number(threads);
  return Number.isInteger(n) && n >= 1 ? n : 'auto';
}

/**
 * `max-fps`: a number >= 0 (0: every frame), else the default (every frame) with `invalid` set, so
 * the element can say so.
 */
export function maxFpsOf(maxFps: number): { fps: number; invalid: boolean } {
  const ok = typeof maxFps === 'number' && Number.isFinite(maxFps) && maxFps >= 0;
  return { fps: ok ? maxFps : ELEMENT_DEFAULTS.maxFps, invalid: !ok };
}

/** `overlay`: one of OVERLAY_MODES, anything else the default. */
export function overlayModeOf(overlay: string): OverlayMode {
  return (OVERLAY_MODES as readonly string[]).includes(overlay) ? (overlay as OverlayMode) : ELEMENT_DEFAULTS.overlay;
}
