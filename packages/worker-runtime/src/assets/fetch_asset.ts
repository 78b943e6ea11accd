/**
 * Every file the worker downloads (wasm binaries, models, the face geometry, `src` images) comes
 * through fetchAsset: a connection that delivers nothing for `stallMs` is aborted with a coded
 * error naming the URL; the body is read in chunks (progress in bytes, and a size cap, so an
 * endless response cannot fill the memory); and when the page gave the file's SHA-256 (the files
 * this build ships, see asset_checksums.ts) the bytes are checked with Web Crypto before anyone
 * parses or runs them. Checked files are kept in Cache Storage by their SHA-256 when the page asks
 * (asset_cache.ts), and taken from there first.
 */
import { cachedAsset, keepAsset, sha256Hex } from './asset_cache.js';
import { RuntimeError, type ErrorCode } from '../errors.js';

export { sha256Hex };

export interface AssetPolicy {
  /** Abort a download that delivers no bytes for this long. */
  stallMs: number;
  /** Expected SHA-256 (lower-case hex) by absolute URL; files not listed are not checked. */
  sha256: Map<string, string>;
  /** Keep checked files in Cache Storage by their SHA-256, and take them from there first (asset_cache.ts). */
  cache: boolean;
}

/** Set by the page through init(); the defaults apply to direct API use (tests, the CLI). */
export const assetPolicy: AssetPolicy = { stallMs: 30_000, sha256: new Map(), cache: false };

export interface FetchAssetOptions {
  /** What the file is, for messages: 'the model', 'the WebAssembly binary', 'the image'. */
  what: string;
  /** The error code for a failed, stalled or oversized download. */
  code: ErrorCode;
  /** The error code for a checksum mismatch. */
  integrityCode: ErrorCode;
  /** Appended to download errors: what to check. */
  hint: string;
  /** Refuse bodies larger than this. */
  maxBytes: number;
  onProgress?: (loaded: number, total: number | null) => void;
}

export async function fetchAsset(url: string, o: FetchAssetOptions): Promise<Uint8Array<ArrayBuffer>> {
  const sha256 = assetPolicy.cache ? assetPolicy.sha256.get(url) : undefined;
  const kept = sha256 ? await cachedAsset(sha256) : null;
  if (kept) {
    o.onProgress?.(kept.byteLength, kept.byteLength);
    return kept;
  }
  const bytes = await download(url, o);
  await checkIntegrity(url, bytes, o);
  // (not awaited: storage may be slow, and the start does not depend on it)
  if (sha256) void keepAsset(sha256, bytes);
  return bytes;
}

/** The body of `url`, under the stall timeout and the size cap. */
async function download(url: string, o: FetchAssetOptions): Promise<Uint8Array<ArrayBuffer>> {
  const controller = new AbortController();
  let stalled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, assetPolicy.stallMs);
  };
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  try {
    arm();
    const res = await fetch(url, { signal: controller.signal });
    if (!res.ok) throw new RuntimeError(o.code, `Could not fetch ${o.what} ${url}: HTTP ${`${res.status} ${res.statusText}`.trim()}. ${o.hint}`);
    const length = Number(res.headers.get('content-length'));
    const total = Number.isFinite(length) && length > 0 ? length : null;
    if (total !== null && total > o.maxBytes) throw new RuntimeError(o.code, `${o.what} ${url} is ${total} bytes; more than ${o.maxBytes} is refused. ${o.hint}`);
    if (!res.body) throw new RuntimeError(o.code, `Could not fetch ${o.what} ${url}: the response has no body. ${o.hint}`);
    const reader = res.body.getReader();
    for (;;) {
      arm();
      const { done, value } = await reader.read();
      if (done) break;
      loaded += value.byteLength;
      if (loaded > o.maxBytes) {
        void reader.cancel();
        throw new RuntimeError(o.code, `${o.what} ${url} sent more than ${o.maxBytes} bytes; refused. ${o.hint}`);
      }
      chunks.push(value);
      o.onProgress?.(loaded, total);
    }
  } catch (e) {
    if (stalled) {
      throw new RuntimeError(o.code, `Fetching ${o.what} ${url} stalled: no data for ${(assetPolicy.stallMs / 1000).toFixed(1)} s (${loaded} bytes received). Check the network and that the server answers. ${o.hint}`);
    }
    if (e instanceof RuntimeError) throw e;
    throw new RuntimeError(o.code, `Could not fetch ${o.what} ${url}: ${e instanceof Error ? e.message : String(e)}. ${o.hint}`);
  } finally {
    clearTimeout(timer);
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

async function checkIntegrity(url: string, bytes: Uint8Array<ArrayBuffer>, o: FetchAssetOptions): Promise<void> {
  const want = assetPolicy.sha256.get(url);
  if (!want) return;
  const off = 'To run your own files on purpose, set asset-integrity="off" on the element (see README, Security).';
  if (typeof crypto === 'undefined' || !crypto.subtle) {
    throw new RuntimeError(o.integrityCode, `Cannot check ${o.what} ${url}: this page is not a secure context (https or localhost), so the browser offers no Web Crypto. Serve the page over https. ${off}`);
  }
  const got = await sha256Hex(bytes);
  if (got !== want) {
    throw new RuntimeError(o.integrityCode, `${o.what} ${url} (${bytes.byteLength} bytes) has SHA-256 ${got}, but this build of face-mesh ships ${want}: the file was replaced or corrupted on its way (a CDN, a proxy, another asset-base). It was not used. ${off}`);
  }
}
