/**
 * fetchAsset with the asset cache on (asset_cache.ts), run on the page (the same code the worker
 * runs): a kept file is used without the network; storage that is denied, full or broken is the
 * network, silently, and never an error.
 */
import { expect } from 'chai';
import { ASSET_CACHE_NAME, assetCacheKey, assetCacheSettings, keepAsset, pruneAssets } from '../src/assets/asset_cache.js';
import { assetPolicy, fetchAsset, type FetchAssetOptions } from '../src/assets/fetch_asset.js';

const DETECTOR_URL = new URL('/packages/element/dist/models/face_detection_short_range.tflite', location.href).href;
const DETECTOR_SHA256 = '3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633';
const NOWHERE = new URL('/nowhere/face_detection_short_range.tflite', location.href).href;
const OPTIONS: FetchAssetOptions = { what: 'the model', code: 'model-load-failed', integrityCode: 'model-integrity', hint: '', maxBytes: 64 << 20 };

/** `caches` replaced by `stub` while `run` runs. */
async function withCaches<T>(stub: unknown, run: () => Promise<T>): Promise<T> {
  const own = Object.getOwnPropertyDescriptor(globalThis, 'caches');
  Object.defineProperty(globalThis, 'caches', { configurable: true, value: stub });
  try {
    return await run();
  } finally {
    if (own) Object.defineProperty(globalThis, 'caches', own);
    else delete (globalThis as { caches?: unknown }).caches;
  }
}

const denied = () => Promise.reject(new DOMException('denied in this test', 'SecurityError'));
const full = () => Promise.reject(new DOMException('full in this test', 'QuotaExceededError'));

describe('fetchAsset with the asset cache', () => {
  const saved = { ...assetPolicy };
  beforeEach(async () => {
    await caches.delete(ASSET_CACHE_NAME);
    Object.assign(assetPolicy, { cache: true, sha256: new Map([[DETECTOR_URL, DETECTOR_SHA256], [NOWHERE, DETECTOR_SHA256]]) });
  });
  afterEach(async () => {
    Object.assign(assetPolicy, saved);
    await caches.delete(ASSET_CACHE_NAME);
  });

  it('keeps a checked file and gives it back by its SHA-256, from any URL, without the network', async () => {
    const online = await fetchAsset(DETECTOR_URL, OPTIONS);
    let kept: Response | undefined;
    for (let i = 0; i < 50 && !kept; i++) {
      kept = await (await caches.open(ASSET_CACHE_NAME)).match(assetCacheKey(DETECTOR_SHA256));
      if (!kept) await new Promise((r) => setTimeout(r, 50));
    }
    expect(kept, 'kept').to.not.equal(undefined);
    const progress: [number, number | null][] = [];
    const again = await fetchAsset(NOWHERE, { ...OPTIONS, onProgress: (l, t) => progress.push([l, t]) });
    expect(again).to.deep.equal(online);
    expect(progress, 'one progress report, all bytes').to.deep.equal([[online.byteLength, online.byteLength]]);
  });

  it('a file whose SHA-256 was not given (a src image, asset-integrity="off") is neither kept nor looked up', async () => {
    assetPolicy.sha256 = new Map();
    await fetchAsset(DETECTOR_URL, OPTIONS);
    await new Promise((r) => setTimeout(r, 300));
    expect(await (await caches.open(ASSET_CACHE_NAME)).keys()).to.have.length(0);
  });

  for (const [name, stub] of [
    ['denied (open refused)', { open: denied }],
    ['full (put refused)', { open: async () => ({ match: async () => undefined, put: full, keys: async () => [], delete: async () => false }) }],
    ['broken (match and keys refused)', { open: async () => ({ match: denied, put: full, keys: denied, delete: denied }) }],
  ] as const) {
    it(`storage ${name}: the file comes from the network, no error`, async () => {
      const bytes = await withCaches(stub, async () => {
        const got = await fetchAsset(DETECTOR_URL, OPTIONS);
        await keepAsset(DETECTOR_SHA256, got);
        expect(await pruneAssets(new Set([DETECTOR_SHA256]))).to.equal(0);
        return got;
      });
      expect(bytes.byteLength).to.equal(229032);
    });
  }

  it('storage that never answers: the network after the read timeout', async () => {
    const saved = assetCacheSettings.readTimeoutMs;
    assetCacheSettings.readTimeoutMs = 300;
    try {
      const bytes = await withCaches({ open: () => new Promise(() => {}) }, () => fetchAsset(DETECTOR_URL, OPTIONS));
      expect(bytes.byteLength).to.equal(229032);
    } finally {
      assetCacheSettings.readTimeoutMs = saved;
    }
  });

  it('no Cache Storage at all (not a secure context): the network', async () => {
    const bytes = await withCaches(undefined, () => fetchAsset(DETECTOR_URL, OPTIONS));
    expect(bytes.byteLength).to.equal(229032);
  });

  it('offline with storage denied: the download error, as without a cache', async () => {
    const err = await withCaches({ open: denied }, () => fetchAsset(NOWHERE, OPTIONS).then(() => null, (e: unknown) => e as Error & { code?: string }));
    expect(err?.code).to.equal('model-load-failed');
    expect(err?.message).to.contain('HTTP 404');
  });
});
