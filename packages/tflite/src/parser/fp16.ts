/**
 * IEEE 754 half precision -> single precision. The face models store every weight as float16
 * (consumed by a DEQUANTIZE op); we upcast once at load so inference only ever sees float32.
 */

/** One float16 bit pattern -> its exact float32 value (subnormals, infinities and NaN included). */
export function float16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1024 + frac) * 2 ** (exp - 25);
}

let table: Float32Array | undefined;

/**
 * `count` little-endian float16 values starting at `byteOffset` -> a new Float32Array.
 * A 65536-entry table (256 KB, built on first use) makes the ~1.2 M-weight upcast a plain lookup.
 */
export function float16ToFloat32(bytes: Uint8Array, byteOffset: number, count: number): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = float16BitsToNumber(h);
  }
  const out = new Float32Array(count);
  for (let i = 0, o = byteOffset; i < count; i++, o += 2) out[i] = table[bytes[o]! | (bytes[o + 1]! << 8)]!;
  return out;
}
