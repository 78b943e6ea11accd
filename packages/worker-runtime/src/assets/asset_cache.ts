/**
 * The verified asset files (wasm binaries, models, the face geometry) kept in Cache Storage, keyed
 * by their SHA-256: a later visit starts from there whatever the host's cache headers say, and
 * without the network. Only files whose expected SHA-256 the page gave are kept, after their bytes
 * matched it; what comes back is checked again, so a damaged entry is dropped and fetched anew.
 * Storage is a bonus, never a failure: no Cache Storage (not a secure context), a denied or full
 * storage, a broken entry: each is the network, silently.
 *
 * Page-safe (no tfjs): fetch_asset.ts uses it in the worker; tests use it on the page.
 */

/** The Cache Storage cache holding the files (one per origin, shared by every build on it). */
export const ASSET_CACHE_NAME = 'face-mesh-assets';

/** The key of a file: not a URL anything serves, only a name under this origin (Cache Storage wants http(s)). */
export function assetCacheKey(sha256: string): string {
  return new URL(`/.face-mesh-assets/sha256-${sha256}`, self.location.origin).href;
}

/** The SHA-256 a key names, or null for a key that is not ours. */
function shaOfKey(url: string): string | null {
  return /\/\.face-mesh-assets\/sha256-([0-9a-f]{64})$/.exec(url)?.[1] ?? null;
}

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The cache, or null where there is none (no `caches`: an insecure context; a refused open: private modes). */
async function openCache(): Promise<Cache | null> {
  if (typeof caches === 'undefined' || typeof crypto === 'undefined' || !crypto.subtle) return null;
  try {
    return await caches.open(ASSET_CACHE_NAME);
  } catch {
    return null;
  }
}

/** `readTimeoutMs`: a storage that has not answered a read in this long is given up for the network. */
export const assetCacheSettings = { readTimeoutMs: 5_000 };

/**
 * The kept bytes whose SHA-256 is `sha256`, checked again; null when not kept, unreadable, damaged
 * (then dropped), or not read within `assetCacheSettings.readTimeoutMs` (a storage that hangs).
 */
export function cachedAsset(sha256: string): Promise<Uint8Array<ArrayBuffer> | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), assetCacheSettings.readTimeoutMs); });
  return Promise.race([readKept(sha256), late]).finally(() => clearTimeout(timer));
}

async function readKept(sha256: string): Promise<Uint8Array<ArrayBuffer> | null> {
  const cache = await openCache();
  if (!cache) return null;
  try {
    const res = await cache.match(assetCacheKey(sha256));
    if (!res) return null;
    const bytes = new Uint8Array(await res.arrayBuffer());
    if ((await sha256Hex(bytes)) === sha256) return bytes;
    await cache.delete(assetCacheKey(sha256));
  } catch {
    // unreadable storage: the network
  }
  return null;
}

/** Keep verified bytes under their SHA-256. Never throws: a full or denied storage just keeps nothing. */
export async function keepAsset(sha256: string, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
  // (made before any await: the Response copies the bytes, which the caller goes on using)
  const response = new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream' } });
  const cache = await openCache();
  if (!cache) return;
  try {
    await cache.put(assetCacheKey(sha256), response);
  } catch {
    // QuotaExceededError and the like: nothing kept
  }
}

/**
 * Drop the kept files whose SHA-256 is not in `shipped` (the files of this build): a new build's
 * files replace the old ones. Never throws. Resolves with the number of entries dropped.
 */
export async function pruneAssets(shipped: ReadonlySet<string>): Promise<number> {
  const cache = await openCache();
  if (!cache || shipped.size === 0) return 0;
  let dropped = 0;
  try {
    for (const request of await cache.keys()) {
      const sha = shaOfKey(request.url);
      if (sha !== null && shipped.has(sha)) continue;
      if (await cache.delete(request)) dropped++;
    }
  } catch {
    // unreadable storage: nothing to prune
  }
  return dropped;
}
