/**
 * The model card's evaluation: IOD MAE (mean 2-D distance over the 468 mesh points, in percent of
 * the ground truth's inter-ocular distance: 3-D between the eye centres, the midpoints of corners
 * 33/133 and 362/263; 2-D when the annotation has no z) per group, in two modes, and the fairness
 * check against the human annotators' discrepancy.
 *
 * Fairness, as this tool defines it: a mode's `spread` is the largest group mean minus the
 * smallest; a group is `flagged` when its mean exceeds the best (smallest) group mean by more than
 * the threshold (2.56% IOD, the discrepancy between human annotators). Groups where no face was
 * measured have no mean and are listed as `unmeasured` instead.
 */
import { METRIC_REGIONS, meanErrorIod } from '@face-mesh/geometry';
import type { DatasetEntry } from './dataset.js';

export const MODES = ['tracking', 'reacquisition'] as const;
export type Mode = (typeof MODES)[number];

export interface Stats {
  /** Faces measured (in the mean); the group's annotated faces are n + missed. */
  n: number;
  /** Mean IOD MAE in percent; null when n is 0. */
  mean: number | null;
  /** Population standard deviation; null when n is 0. */
  std: number | null;
  /** Annotated faces for which the pipeline gave no face at all. */
  missed: number;
}

export interface ModeReport {
  total: Stats;
  groups: Record<string, Stats>;
}

export interface FairnessReport {
  spread: number | null;
  flagged: string[];
  unmeasured: string[];
}

export interface EvaluationReport {
  metric: 'iod_mae_percent';
  points: 468;
  /** '3-D' when every annotation has z, '2-D' when none has, 'mixed' otherwise. */
  iod: '3-D' | '2-D' | 'mixed';
  /** Frames of the tracking mode (measured on the last). */
  frames: number;
  modes: Record<Mode, ModeReport>;
  fairness: { threshold: number } & Record<Mode, FairnessReport>;
}

/** IOD MAE of a predicted face (>= 468 points, x y z interleaved) against the ground truth. */
export function iodMae(truth: Float32Array, predicted: Float32Array): number {
  return meanErrorIod(truth, predicted, METRIC_REGIONS.mesh468);
}

/** The error of the predicted face closest to the truth, or null when there is none. */
export function bestFaceError(truth: Float32Array, predicted: readonly Float32Array[]): number | null {
  let best: number | null = null;
  for (const face of predicted) {
    const e = iodMae(truth, face);
    if (best === null || e < best) best = e;
  }
  return best;
}

export function stats(errors: readonly (number | null)[]): Stats {
  const measured = errors.filter((e): e is number => e !== null);
  const n = measured.length;
  if (n === 0) return { n, mean: null, std: null, missed: errors.length };
  const mean = measured.reduce((a, b) => a + b, 0) / n;
  const variance = measured.reduce((a, e) => a + (e - mean) ** 2, 0) / n;
  return { n, mean, std: Math.sqrt(variance), missed: errors.length - n };
}

function fairness(groups: Record<string, Stats>, threshold: number): FairnessReport {
  const measured = Object.entries(groups).filter((g): g is [string, Stats & { mean: number }] => g[1].mean !== null);
  const unmeasured = Object.keys(groups).filter((g) => groups[g].mean === null);
  if (measured.length === 0) return { spread: null, flagged: [], unmeasured };
  const means = measured.map(([, s]) => s.mean);
  const best = Math.min(...means);
  return {
    spread: Math.max(...means) - best,
    flagged: measured.filter(([, s]) => s.mean - best > threshold).map(([g]) => g),
    unmeasured,
  };
}

/** `errors[mode][i]`: entry i's error in that mode, null when missed. */
export function evaluationReport(entries: readonly DatasetEntry[], errors: Record<Mode, readonly (number | null)[]>, frames: number, threshold: number): EvaluationReport {
  const groups = [...new Set(entries.map((e) => e.group))].sort();
  const modeReport = (mode: Mode): ModeReport => ({
    total: stats(errors[mode]),
    groups: Object.fromEntries(groups.map((g) => [g, stats(errors[mode].filter((_, i) => entries[i].group === g))])),
  });
  const modes = { tracking: modeReport('tracking'), reacquisition: modeReport('reacquisition') };
  const with3d = entries.filter((e) => e.has3d).length;
  return {
    metric: 'iod_mae_percent',
    points: 468,
    iod: with3d === entries.length ? '3-D' : with3d === 0 ? '2-D' : 'mixed',
    frames,
    modes,
    fairness: {
      threshold,
      tracking: fairness(modes.tracking.groups, threshold),
      reacquisition: fairness(modes.reacquisition.groups, threshold),
    },
  };
}

const pct = (x: number | null) => (x === null ? '-' : x.toFixed(2));

/** The model card's table, as Markdown, with the fairness lines under it. */
export function formatReport(r: EvaluationReport): string {
  const iod = r.iod === '3-D' ? '3-D inter-ocular distance' : r.iod === '2-D' ? '2-D inter-ocular distance (the annotations have no z)' : 'inter-ocular distance 3-D where the annotation has z, 2-D where it has not';
  const lines = [
    `IOD MAE, % of the ${iod}, over the 468 mesh points; tracking = the image fed ${r.frames} times, measured on the last frame; reacquisition = the first frame (detector)`,
    '',
    '| group | tracking mean | tracking std | reacquisition mean | reacquisition std | n | missed (tracking / reacquisition) |',
    '|---|---|---|---|---|---|---|',
  ];
  const row = (name: string, t: Stats, q: Stats) => `| ${name} | ${pct(t.mean)} | ${pct(t.std)} | ${pct(q.mean)} | ${pct(q.std)} | ${t.n + t.missed} | ${t.missed} / ${q.missed} |`;
  for (const g of Object.keys(r.modes.tracking.groups)) lines.push(row(g, r.modes.tracking.groups[g], r.modes.reacquisition.groups[g]));
  lines.push(row('**all**', r.modes.tracking.total, r.modes.reacquisition.total));
  lines.push('', `fairness (a group is flagged when its mean exceeds the best group's by more than ${r.fairness.threshold}% IOD):`);
  for (const mode of MODES) {
    const f = r.fairness[mode];
    const flagged = f.flagged.length ? `flagged: ${f.flagged.join(', ')}` : 'none flagged';
    const unmeasured = f.unmeasured.length ? `; no face measured in ${f.unmeasured.join(', ')}` : '';
    lines.push(`  ${mode}: spread ${pct(f.spread)}% IOD, ${flagged}${unmeasured}`);
  }
  return lines.join('\n');
}
