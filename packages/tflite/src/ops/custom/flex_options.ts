/**
 * Reading values out of a decoded FlexBuffer map (`Operator.custom_options` of a TFLite custom
 * op). A decoder may hand integers back as `number` or `bigint` and vectors as arrays or typed
 * arrays; all of those are accepted here. Errors name the op and the key.
 */

type Scalar = number | bigint;

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return `a ${Object.prototype.toString.call(v).slice(8, -1)}`;
}

export function optionError(op: string, key: string, want: string, got: unknown): Error {
  return new Error(`${op}: custom option "${key}" must be ${want} (got ${describe(got)}).`);
}

/** An integer option; `min` is inclusive. */
export function readInt(op: string, map: Record<string, unknown>, key: string, min: number): number {
  const raw = map[key];
  const v = toNumber(raw);
  const want = min === 0 ? 'an integer >= 0' : `an integer >= ${min}`;
  if (v === undefined || !Number.isSafeInteger(v) || v < min) throw optionError(op, key, want, raw);
  return v;
}

/** A finite float option; `positive` requires > 0; `fallback` is used when the key is absent. */
export function readFloat(
  op: string,
  map: Record<string, unknown>,
  key: string,
  { positive = false, fallback }: { positive?: boolean; fallback?: number } = {},
): number {
  const raw = map[key];
  if (raw === undefined && fallback !== undefined) return fallback;
  const v = toNumber(raw);
  const want = positive ? 'a finite number > 0' : 'a finite number';
  if (v === undefined || !Number.isFinite(v) || (positive && !(v > 0))) throw optionError(op, key, want, raw);
  return v;
}

/** A non-empty vector of integers >= 0. */
export function readIndexVector(op: string, map: Record<string, unknown>, key: string): number[] {
  const raw = map[key];
  const isVector =
    Array.isArray(raw) || (ArrayBuffer.isView(raw) && !(raw instanceof DataView));
  if (!isVector) throw optionError(op, key, 'a non-empty vector of integers >= 0', raw);
  const list = raw as ArrayLike<unknown>;
  if (list.length === 0) throw optionError(op, key, 'a non-empty vector of integers >= 0', raw);
  const out = new Array<number>(list.length);
  for (let i = 0; i < list.length; i++) {
    const v = toNumber(list[i] as Scalar);
    if (v === undefined || !Number.isSafeInteger(v) || v < 0) {
      throw new Error(`${op}: custom option "${key}"[${i}] must be an integer >= 0 (got ${describe(list[i])}).`);
    }
    out[i] = v;
  }
  return out;
}

export function requireMap(op: string, map: unknown): Record<string, unknown> {
  if (map === null || typeof map !== 'object' || Array.isArray(map)) {
    throw new Error(`${op}: custom options must be a FlexBuffer map (got ${describe(map)}).`);
  }
  return map as Record<string, unknown>;
}

/** The 16 values of a [1,4,4] (or [4,4]) matrix tensor's data, checked. */
export function checkMatrixShape(op: string, shape: readonly number[]): void {
  const size = shape.reduce((a, b) => a * b, 1);
  const ok = size === 16 && shape.length >= 2 && shape[shape.length - 1] === 4 && shape[shape.length - 2] === 4;
  if (!ok) throw new Error(`${op}: the matrix input must have shape [1,4,4] (got [${shape.join(',')}]).`);
}
