/**
 * FlexBuffers decoder for TFLite `custom_options` (the custom ops' parameters are a FlexBuffer
 * map). Decodes into plain JS values: ints/uints/floats -> number, bools, strings, keys, blobs ->
 * Uint8Array, typed and untyped vectors -> arrays, maps -> objects. Reads are bounds-checked, and
 * the work is bounded: vectors may point at earlier vectors (the format allows sharing), so a few
 * hundred bytes can describe a tree with 2^100 paths. Nesting deeper than MAX_FLEX_DEPTH and
 * decoding more than the budget (values and string bytes; by default a few times the buffer's
 * size, what any real options map needs) fail with a FlexBufferError.
 */

export class FlexBufferError extends Error {
  override name = 'FlexBufferError';
}

import { MAX_FLEX_DEPTH } from '../limits.js';

/** Decoding work allowed for a buffer of `length` bytes (values + string bytes). */
export const flexBudgetFor = (length: number): number => 4 * length + 256;

/** Shared between decodes (e.g. all the ops of one model file): `left` goes down as values are made. */
export interface FlexBudget { left: number }

export type FlexValue = null | number | boolean | string | Uint8Array | FlexValue[] | { [key: string]: FlexValue };

// FlexBuffer value types (flexbuffers.h `Type`).
const T = {
  NULL: 0, INT: 1, UINT: 2, FLOAT: 3, KEY: 4, STRING: 5, INDIRECT_INT: 6, INDIRECT_UINT: 7, INDIRECT_FLOAT: 8,
  MAP: 9, VECTOR: 10, VECTOR_INT: 11, VECTOR_UINT: 12, VECTOR_FLOAT: 13, VECTOR_KEY: 14, VECTOR_STRING: 15,
  VECTOR_INT2: 16, VECTOR_FLOAT4: 24, BLOB: 25, BOOL: 26, VECTOR_BOOL: 36,
} as const;

class Reader {
  private readonly view: DataView;
  private depth = 0;
  constructor(private readonly bytes: Uint8Array, private readonly budget: FlexBudget) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private check(o: number, n: number): void {
    if (!(o >= 0 && o + n <= this.bytes.byteLength)) {
      throw new FlexBufferError(`corrupt FlexBuffer: read of ${n} bytes at ${o} outside ${this.bytes.byteLength}`);
    }
  }

  private spend(n: number): void {
    this.budget.left -= n;
    if (this.budget.left < 0) {
      throw new FlexBufferError(`corrupt FlexBuffer: it decodes to far more values than its ${this.bytes.byteLength} bytes hold (shared vectors referring to each other)`);
    }
  }

  /** A vector's `n` slots of `width` bytes (plus `typeBytes` type bytes) lie inside the buffer. */
  private checkVector(target: number, n: number, width: number, typeBytes: number): void {
    this.check(target, n * width + typeBytes);
    this.spend(n);
  }

  int(o: number, w: number): number {
    this.check(o, w);
    switch (w) {
      case 1: return this.view.getInt8(o);
      case 2: return this.view.getInt16(o, true);
      case 4: return this.view.getInt32(o, true);
      case 8: return Number(this.view.getBigInt64(o, true));
    }
    throw new FlexBufferError(`corrupt FlexBuffer: int width ${w}`);
  }

  uint(o: number, w: number): number {
    this.check(o, w);
    switch (w) {
      case 1: return this.view.getUint8(o);
      case 2: return this.view.getUint16(o, true);
      case 4: return this.view.getUint32(o, true);
      case 8: return Number(this.view.getBigUint64(o, true));
    }
    throw new FlexBufferError(`corrupt FlexBuffer: uint width ${w}`);
  }

  float(o: number, w: number): number {
    this.check(o, w);
    if (w === 4) return this.view.getFloat32(o, true);
    if (w === 8) return this.view.getFloat64(o, true);
    throw new FlexBufferError(`corrupt FlexBuffer: float width ${w}`);
  }

  cstring(o: number): string {
    let e = o;
    while (true) {
      this.check(e, 1);
      if (this.bytes[e] === 0) break;
      e++;
    }
    this.spend(e - o);
    return new TextDecoder().decode(this.bytes.subarray(o, e));
  }

  sized(o: number, n: number): Uint8Array {
    this.check(o, n);
    this.spend(n);
    return this.bytes.subarray(o, o + n);
  }

  /** The value stored at `o` (slot width `parentWidth`) with packed type byte `packed`. */
  value(o: number, parentWidth: number, packed: number): FlexValue {
    this.spend(1);
    if (++this.depth > MAX_FLEX_DEPTH) throw new FlexBufferError(`corrupt FlexBuffer: nested deeper than ${MAX_FLEX_DEPTH} levels`);
    try {
      return this.valueAt(o, parentWidth, packed);
    } finally {
      this.depth--;
    }
  }

  private valueAt(o: number, parentWidth: number, packed: number): FlexValue {
    const type = packed >> 2;
    const width = 1 << (packed & 3);
    switch (type) {
      case T.NULL: return null;
      case T.INT: return this.int(o, parentWidth);
      case T.UINT: return this.uint(o, parentWidth);
      case T.FLOAT: return this.float(o, parentWidth);
      case T.BOOL: return this.uint(o, parentWidth) !== 0;
    }
    // Everything else is stored at an offset backwards from the slot.
    const target = o - this.uint(o, parentWidth);
    switch (type) {
      case T.INDIRECT_INT: return this.int(target, width);
      case T.INDIRECT_UINT: return this.uint(target, width);
      case T.INDIRECT_FLOAT: return this.float(target, width);
      case T.KEY: return this.cstring(target);
      case T.STRING: return new TextDecoder().decode(this.sized(target, this.uint(target - width, width)));
      case T.BLOB: return this.sized(target, this.uint(target - width, width)).slice();
      case T.MAP: return this.map(target, width);
      case T.VECTOR: {
        const n = this.uint(target - width, width);
        const types = target + n * width;
        this.checkVector(target, n, width, n);
        const out: FlexValue[] = [];
        for (let i = 0; i < n; i++) out.push(this.value(target + i * width, width, this.uint(types + i, 1)));
        return out;
      }
      case T.VECTOR_INT: case T.VECTOR_UINT: case T.VECTOR_FLOAT: case T.VECTOR_KEY: case T.VECTOR_STRING: case T.VECTOR_BOOL:
        return this.typedVector(target, width, type, this.uint(target - width, width));
    }
    if (type >= T.VECTOR_INT2 && type <= T.VECTOR_FLOAT4) {
      // Fixed-length typed vectors: INT2 UINT2 FLOAT2 INT3 UINT3 FLOAT3 INT4 UINT4 FLOAT4.
      const k = type - T.VECTOR_INT2;
      return this.typedVector(target, width, T.VECTOR_INT + (k % 3), 2 + Math.floor(k / 3));
    }
    throw new FlexBufferError(`unsupported FlexBuffer type ${type}`);
  }

  private typedVector(target: number, width: number, type: number, n: number): FlexValue[] {
    this.checkVector(target, n, width, 0);
    const out: FlexValue[] = [];
    for (let i = 0; i < n; i++) {
      const p = target + i * width;
      switch (type) {
        case T.VECTOR_INT: out.push(this.int(p, width)); break;
        case T.VECTOR_UINT: out.push(this.uint(p, width)); break;
        case T.VECTOR_FLOAT: out.push(this.float(p, width)); break;
        case T.VECTOR_BOOL: out.push(this.uint(p, width) !== 0); break;
        case T.VECTOR_KEY: out.push(this.cstring(p - this.uint(p, width))); break;
        default: { // VECTOR_STRING (deprecated): offsets to size-prefixed strings
          const s = p - this.uint(p, width);
          out.push(new TextDecoder().decode(this.sized(s, this.uint(s - width, width))));
        }
      }
    }
    return out;
  }

  private map(target: number, width: number): { [key: string]: FlexValue } {
    const n = this.uint(target - width, width);
    const keysWidth = this.uint(target - 2 * width, width);
    const keysSlot = target - 3 * width;
    const keys = keysSlot - this.uint(keysSlot, width);
    const types = target + n * width;
    this.checkVector(target, n, width, n);
    this.check(keys, n * keysWidth);
    const out: { [key: string]: FlexValue } = {};
    for (let i = 0; i < n; i++) {
      const k = keys + i * keysWidth;
      const key = this.cstring(k - this.uint(k, keysWidth));
      out[key] = this.value(target + i * width, width, this.uint(types + i, 1));
    }
    return out;
  }
}

/**
 * Decodes a whole FlexBuffer (root = last bytes: value, packed type, root width). `budget`: the work
 * allowed, shared with other decodes when given (default: flexBudgetFor this buffer).
 */
export function decodeFlexBuffer(bytes: Uint8Array, budget: FlexBudget = { left: flexBudgetFor(bytes.byteLength) }): FlexValue {
  if (bytes.byteLength < 3) throw new FlexBufferError(`corrupt FlexBuffer: only ${bytes.byteLength} bytes`);
  const rootWidth = bytes[bytes.byteLength - 1]!;
  const packed = bytes[bytes.byteLength - 2]!;
  return new Reader(bytes, budget).value(bytes.byteLength - 2 - rootWidth, rootWidth, packed);
}

/** Decodes custom options that must be a map (what TFLite custom ops use). */
export function decodeFlexBufferMap(bytes: Uint8Array, budget?: FlexBudget): Record<string, FlexValue> {
  const v = decodeFlexBuffer(bytes, budget);
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) {
    throw new FlexBufferError('custom options are not a FlexBuffer map');
  }
  return v;
}
