/**
 * A minimal, bounds-checked FlatBuffers reader: just what reading a TFLite model needs (tables,
 * scalars with defaults, vectors, strings, nested tables). Every read is checked against the
 * buffer length, so a truncated or corrupt file fails with a FlatBufferError instead of reading
 * garbage (or, worse, out-of-range typed-array views that silently yield `undefined`).
 */

export class FlatBufferError extends Error {
  override name = 'FlatBufferError';
}

/** A table position: the absolute offset of the table's start in the buffer. */
export type TableRef = number;

/**
 * How much a reader may materialize (string bytes, vector elements, decoded constants, FlexBuffer
 * values), in bytes, for a file of `length` bytes. A valid model touches each piece of data once
 * (float16 constants are upcast: twice their size), so a few times the file is plenty; a file whose
 * entries all point at the same data (aliased tables, FlexBuffer vectors of the previous vector)
 * would otherwise make work and memory grow quadratically or exponentially with its size.
 */
export const workBudgetFor = (length: number): number => 4 * length + (1 << 20);

export class FlatBufferReader {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  /** What is left of the work budget (see workBudgetFor). */
  private budget: number;

  constructor(bytes: Uint8Array, budget = workBudgetFor(bytes.byteLength)) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.budget = budget;
  }

  /** Counts `bytes` of materialized data against the budget; throws when it runs out. */
  spend(bytes: number, what: string): void {
    this.budget -= bytes;
    if (this.budget < 0) {
      throw new FlatBufferError(
        `${what}: the file refers to the same data over and over (more than ${workBudgetFor(this.bytes.byteLength)} bytes of decoded data from ${this.bytes.byteLength} bytes)`,
      );
    }
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  /** Throws unless [offset, offset + size) lies inside the buffer. */
  check(offset: number, size: number, what: string): void {
    if (!Number.isInteger(offset) || offset < 0 || size < 0 || offset + size > this.bytes.byteLength) {
      throw new FlatBufferError(
        `truncated or corrupt: ${what} needs bytes [${offset}, ${offset + size}) but the file has ${this.bytes.byteLength}`,
      );
    }
  }

  u8(o: number): number { this.check(o, 1, 'u8'); return this.view.getUint8(o); }
  i8(o: number): number { this.check(o, 1, 'i8'); return this.view.getInt8(o); }
  u16(o: number): number { this.check(o, 2, 'u16'); return this.view.getUint16(o, true); }
  i32(o: number): number { this.check(o, 4, 'i32'); return this.view.getInt32(o, true); }
  u32(o: number): number { this.check(o, 4, 'u32'); return this.view.getUint32(o, true); }
  f32(o: number): number { this.check(o, 4, 'f32'); return this.view.getFloat32(o, true); }
  /** u64 as a JS number (exact below 2^53, plenty for file offsets). */
  u64(o: number): number { this.check(o, 8, 'u64'); return Number(this.view.getBigUint64(o, true)); }

  /** The root table (offset stored in the first 4 bytes). */
  root(): TableRef {
    return this.u32(0);
  }

  /** The 4-byte file identifier at bytes 4..8, or '' when the buffer is shorter. */
  identifier(): string {
    if (this.bytes.byteLength < 8) return '';
    return String.fromCharCode(...this.bytes.subarray(4, 8));
  }

  /** Absolute offset of field `index` of `table`, or 0 when absent (vtable too short or slot 0). */
  field(table: TableRef, index: number): number {
    const vtable = table - this.i32(table);
    const vtableLength = this.u16(vtable);
    const slot = 4 + 2 * index;
    if (slot + 2 > vtableLength) return 0;
    const rel = this.u16(vtable + slot);
    return rel === 0 ? 0 : table + rel;
  }

  /** Follows the uoffset stored at `o`. */
  private deref(o: number): number {
    return o + this.u32(o);
  }

  table(table: TableRef, index: number): TableRef | null {
    const f = this.field(table, index);
    return f === 0 ? null : this.deref(f);
  }

  /** A vector field as [absolute offset of element 0, element count], or null when absent. */
  vector(table: TableRef, index: number, elementSize: number, what: string): [number, number] | null {
    const f = this.field(table, index);
    if (f === 0) return null;
    const v = this.deref(f);
    const n = this.u32(v);
    this.check(v + 4, n * elementSize, what);
    return [v + 4, n];
  }

  int32Vector(table: TableRef, index: number, what: string): Int32Array | null {
    const v = this.vector(table, index, 4, what);
    if (!v) return null;
    this.spend(4 * v[1], what);
    const out = new Int32Array(v[1]);
    for (let i = 0; i < v[1]; i++) out[i] = this.view.getInt32(v[0] + 4 * i, true);
    return out;
  }

  /** A [ubyte] vector as a view into the buffer (no copy). */
  byteVector(table: TableRef, index: number, what: string): Uint8Array | null {
    const v = this.vector(table, index, 1, what);
    return v ? this.bytes.subarray(v[0], v[0] + v[1]) : null;
  }

  tableVector(table: TableRef, index: number, what: string): TableRef[] {
    const v = this.vector(table, index, 4, what);
    if (!v) return [];
    this.spend(4 * v[1], what);
    const out: TableRef[] = [];
    for (let i = 0; i < v[1]; i++) out.push(this.deref(v[0] + 4 * i));
    return out;
  }

  string(table: TableRef, index: number): string | null {
    const f = this.field(table, index);
    if (f === 0) return null;
    const s = this.deref(f);
    const n = this.u32(s);
    this.check(s + 4, n, 'string');
    this.spend(n, 'string');
    return new TextDecoder().decode(this.bytes.subarray(s + 4, s + 4 + n));
  }

  // Scalars with the schema default when the field is absent.
  fieldI8(t: TableRef, i: number, dflt: number): number { const f = this.field(t, i); return f ? this.i8(f) : dflt; }
  fieldU8(t: TableRef, i: number, dflt: number): number { const f = this.field(t, i); return f ? this.u8(f) : dflt; }
  fieldI32(t: TableRef, i: number, dflt: number): number { const f = this.field(t, i); return f ? this.i32(f) : dflt; }
  fieldU32(t: TableRef, i: number, dflt: number): number { const f = this.field(t, i); return f ? this.u32(f) : dflt; }
  fieldF32(t: TableRef, i: number, dflt: number): number { const f = this.field(t, i); return f ? this.f32(f) : dflt; }
  fieldU64(t: TableRef, i: number, dflt: number): number { const f = this.field(t, i); return f ? this.u64(f) : dflt; }
  fieldBool(t: TableRef, i: number, dflt: boolean): boolean { const f = this.field(t, i); return f ? this.u8(f) !== 0 : dflt; }
}
