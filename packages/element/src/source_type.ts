/**
 * Whether a `src` is an image or a video. The URL says so when it ends in a known extension or is a
 * `data:` URL with its MIME type; otherwise (`blob:` URLs, URLs without an extension) the first
 * bytes are fetched and sniffed: the Content-Type header, then the file signature.
 */
export type MediaKind = 'image' | 'video';
/** The `src-type` attribute: 'auto' (the default) guesses as above. */
export type SrcType = 'auto' | MediaKind;

const VIDEO_EXTENSION = /\.(mp4|webm|ogv|ogg|mov|m4v|mkv)$/i;
const IMAGE_EXTENSION = /\.(jpe?g|png|gif|webp|avif|bmp|ico|svg)$/i;

/** The kind a URL names by itself (extension or data: MIME type), or null when it does not. */
export function kindFromUrl(url: URL): MediaKind | null {
  if (url.protocol === 'data:') {
    const mime = /^(image|video)\//i.exec(url.pathname);
    return mime ? (mime[1]!.toLowerCase() as MediaKind) : null;
  }
  if (url.protocol === 'blob:') return null;
  if (VIDEO_EXTENSION.test(url.pathname)) return 'video';
  if (IMAGE_EXTENSION.test(url.pathname)) return 'image';
  return null;
}

/** File signatures: JPEG, PNG, GIF, WebP, BMP; WebM/Matroska, MP4/QuickTime ('ftyp'), Ogg. */
export function kindFromBytes(b: Uint8Array): MediaKind | null {
  const at = (offset: number, ...bytes: number[]) => bytes.every((v, i) => b[offset + i] === v);
  const ascii = (offset: number, text: string) => at(offset, ...Array.from(text, (c) => c.charCodeAt(0)));
  if (at(0, 0xff, 0xd8, 0xff) || at(0, 0x89, 0x50, 0x4e, 0x47) || ascii(0, 'GIF8') || (ascii(0, 'RIFF') && ascii(8, 'WEBP')) || ascii(0, 'BM')) return 'image';
  if (ascii(4, 'ftyp') && /^(avif|avis|heic|heix|mif1)$/.test(String.fromCharCode(...b.subarray(8, 12)))) return 'image';
  if (at(0, 0x1a, 0x45, 0xdf, 0xa3) || ascii(4, 'ftyp') || ascii(0, 'OggS')) return 'video';
  return null;
}

function kindFromContentType(type: string | null): MediaKind | null {
  const m = /^\s*(image|video)\//i.exec(type ?? '');
  return m ? (m[1]!.toLowerCase() as MediaKind) : null;
}

/**
 * The kind of `src`: `srcType` when given, else from the URL, else sniffed from the response's
 * headers and first bytes (only those are read). Rejects when the URL cannot be fetched (network,
 * HTTP error, CORS) or its bytes are neither; `crossOrigin` is the element's attribute.
 */
export async function sourceKind(src: URL, srcType: SrcType, crossOrigin: string | null): Promise<MediaKind> {
  if (srcType === 'image' || srcType === 'video') return srcType;
  const fromUrl = kindFromUrl(src);
  if (fromUrl) return fromUrl;
  const abort = new AbortController();
  let res: Response;
  try {
    res = await fetch(src, { signal: abort.signal, credentials: crossOrigin === 'use-credentials' ? 'include' : 'same-origin' });
  } catch (e) {
    throw new Error(`Could not fetch ${src.href} to see whether it is an image or a video (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    if (!res.ok) throw new Error(`Could not fetch ${src.href}: HTTP ${res.status}`);
    const fromHeader = kindFromContentType(res.headers.get('content-type'));
    if (fromHeader) return fromHeader;
    const reader = res.body?.getReader();
    const head = new Uint8Array(16);
    let got = 0;
    while (reader && got < head.length) {
      const { value, done } = await reader.read();
      if (done) break;
      const part = value.subarray(0, head.length - got);
      head.set(part, got);
      got += part.length;
    }
    const fromBytes = kindFromBytes(head.subarray(0, got));
    if (fromBytes) return fromBytes;
    throw new Error(`${src.href} is neither an image nor a video this element knows (Content-Type ${res.headers.get('content-type') ?? 'none'}); set src-type="image" or src-type="video" if it is one.`);
  } finally {
    abort.abort(); // only the first bytes were needed
  }
}
