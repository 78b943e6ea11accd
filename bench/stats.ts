/** Small helpers for the benchmarks: order statistics and formatting. */

export interface Stats {
  n: number;
  min: number;
  median: number;
  p90: number;
  mean: number;
}

/** Nearest-rank quantile of sorted values. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function stats(values: number[]): Stats {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return { n: s.length, min: round(s[0] ?? NaN), median: round(quantile(s, 0.5)), p90: round(quantile(s, 0.9)), mean: round(mean) };
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** "median / p90" in ms with 2 decimals. */
export function mp(s: Stats | undefined): string {
  if (!s || s.n === 0) return 'n/a';
  return `${s.median.toFixed(2)} / ${s.p90.toFixed(2)}`;
}

/** Deterministic pseudo-random model input in [0, 1). */
export function benchInput(size: number): Float32Array {
  const x = new Float32Array(size * size * 3);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
  return x;
}
