/**
 * An image file's pixel size from its header, without decoding it: PNG (IHDR), GIF (logical
 * screen), JPEG (the first SOFn marker), WebP (VP8, VP8L, VP8X) and BMP. A compressed file of a few
 * KB can decode to gigabytes, so `src` images are checked against MAX_FRAME_PIXELS first. Other
 * formats (AVIF, ...) give null: those are decoded, then checked.
 */
export interface ImageSize { format: string; width: number; height: number }

export function imageSize(b: Uint8Array): ImageSize | null {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const has = (n: number) => b.byteLength >= n;
  const ascii = (at: number, s: string) => has(at + s.length) && [...s].every((c, i) => b[at + i] === c.charCodeAt(0));
  if (has(24) && b[0] === 0x89 && ascii(1, 'PNG') && ascii(12, 'IHDR')) {
    return { format: 'PNG', width: v.getUint32(16), height: v.getUint32(20) };
  }
  if (has(10) && (ascii(0, 'GIF87a') || ascii(0, 'GIF89a'))) {
    return { format: 'GIF', width: v.getUint16(6, true), height: v.getUint16(8, true) };
  }
  if (has(26) && ascii(0, 'BM')) {
    return { format: 'BMP', width: Math.abs(v.getInt32(18, true)), height: Math.abs(v.getInt32(22, true)) };
  }
  if (has(30) && ascii(0, 'RIFF') && ascii(8, 'WEBP')) return webpSize(b, v);
  if (has(4) && b[0] === 0xff && b[1] === 0xd8) return jpegSize(b, v);
  return null;
}

function webpSize(b: Uint8Array, v: DataView): ImageSize | null {
  const chunk = String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!);
  if (chunk === 'VP8X') return { format: 'WebP', width: 1 + (v.getUint32(24, true) & 0xffffff), height: 1 + (v.getUint32(27, true) & 0xffffff) };
  if (chunk === 'VP8L') {
    const bits = v.getUint32(21, true);
    return { format: 'WebP', width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  if (chunk === 'VP8 ') return { format: 'WebP', width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff };
  return null;
}

/** Walks the JPEG markers up to the first start-of-frame (SOF0..SOF15 except DHT, JPG, DAC). */
function jpegSize(b: Uint8Array, v: DataView): ImageSize | null {
  let at = 2;
  while (at + 9 < b.byteLength) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1]!;
    if (marker === 0xff) { at++; continue; } // fill byte
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { at += 2; continue; } // no length
    const length = v.getUint16(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { format: 'JPEG', width: v.getUint16(at + 7), height: v.getUint16(at + 5) };
    }
    if (length < 2) return null;
    at += 2 + length;
  }
  return null;
}
