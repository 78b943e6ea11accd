/** Argument helpers shared by the commands: errors that end in the usage text, exit status 2. */
export class UsageError extends Error {}

export function positiveInteger(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || !(Number(v) >= 1)) throw new UsageError(`${flag} must be a positive integer, got "${v}"`);
  return Number(v);
}

export function fraction(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !(x >= 0 && x <= 1)) throw new UsageError(`${flag} must be a number between 0 and 1, got "${v}"`);
  return x;
}

export function nonNegative(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !(x >= 0 && Number.isFinite(x))) throw new UsageError(`${flag} must be a number >= 0, got "${v}"`);
  return x;
}

export function positiveNumber(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !(x > 0 && Number.isFinite(x))) throw new UsageError(`${flag} must be a number > 0, got "${v}"`);
  return x;
}

/** A time in the video: seconds (`90`, `12.5`) or `[hh:]mm:ss[.frac]`, as ffmpeg writes them. */
export function timeSeconds(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(?:(?:(\d+):)?(\d+):)?(\d+(?:\.\d+)?)$/.exec(v.trim());
  if (!m) throw new UsageError(`${flag} must be seconds (90, 12.5) or [hh:]mm:ss, got "${v}"`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3]);
}
