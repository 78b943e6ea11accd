/**
 * `asset-cache`: the checked wasm and model files kept in Cache Storage by their SHA-256
 * (worker-runtime/src/assets/asset_cache.ts). A first visit online fills it; a second one starts with the
 * files refused by the server (`/offline/`, the `assets-offline` command: served `no-store`, so the
 * HTTP cache holds none of them); with asset-cache="off" the same visit fails as it always did.
 * Each test starts and ends with the cache deleted.
 */
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { ASSET_CACHE_NAME, assetCacheKey, sha256Hex } from '../../worker-runtime/src/assets/asset_cache.js';
import { ASSET_SHA256 } from '../src/asset_checksums.js';
import { BUILT_WORKER, createFaceMesh, faceBitmap, nextEvent, ONE_THREAD, removalSettled } from './helpers.js';
import { runtimeSettings } from '../src/runtime_client.js';
import type { FaceMeshError, ProgressDetail, ReadyDetail } from '../src/index.js';
import '../src/define.js';

const create = (attrs: Record<string, string> = {}) => createFaceMesh({ ...ONE_THREAD, 'asset-base': '/offline/', preload: 'none', ...attrs });
const offline = (on: boolean) => executeServerCommand('assets-offline', { offline: on });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a one-thread start-up of the 478-point pipeline loads (its overlay reads the face geometry too). */
const STARTUP_FILES = ['tfjs-backend-wasm-simd.wasm', 'face_detection_short_range.tflite', 'face_landmark_with_attention.tflite', 'geometry_pipeline_metadata_landmarks.binarypb'] as const;

/** The SHA-256 of the files kept now. */
async function keptHashes(): Promise<string[]> {
  const cache = await caches.open(ASSET_CACHE_NAME);
  return (await cache.keys()).map((r) => /sha256-([0-9a-f]{64})$/.exec(r.url)?.[1] ?? r.url).sort();
}

/** Poll (the worker writes after the start, in the background) until `done` holds, up to 10 s. */
async function until(done: (kept: string[]) => boolean): Promise<string[]> {
  let kept = await keptHashes();
  for (let i = 0; i < 100 && !done(kept); i++) {
    await sleep(100);
    kept = await keptHashes();
  }
  return kept;
}

describe('<face-mesh asset-cache>', function () {
  this.timeout(60_000);
  const startupHashes = STARTUP_FILES.map((f) => ASSET_SHA256[f]).sort();

  before(() => {
    runtimeSettings.workerUrl = BUILT_WORKER;
  });
  beforeEach(() => caches.delete(ASSET_CACHE_NAME));
  afterEach(async () => {
    await offline(false);
    for (const el of document.querySelectorAll('face-mesh')) el.remove();
    await removalSettled();
    await caches.delete(ASSET_CACHE_NAME);
  });
  after(() => {
    runtimeSettings.workerUrl = '';
  });

  it('a second visit starts from Cache Storage with the server refusing every file; with asset-cache="off" it fails with wasm-load-failed', async () => {
    const first = create();
    expect((await first.detect(await faceBitmap())).faces).to.have.length(1);
    const kept = await until((k) => startupHashes.every((h) => k.includes(h)));
    expect(kept, 'kept after the first visit: the files it loaded, by SHA-256').to.deep.equal(startupHashes);
    first.remove();
    await removalSettled();

    await offline(true);
    const refused = await fetch('/offline/wasm/tfjs-backend-wasm-simd.wasm').then((r) => `HTTP ${r.status}`, (e: unknown) => `refused: ${String(e)}`);
    expect(refused, 'the server refuses the files now').to.match(/^refused/);
    const second = create();
    const steps: ProgressDetail[] = [];
    second.addEventListener('progress', (e) => steps.push((e as unknown as CustomEvent<ProgressDetail>).detail));
    const ready = nextEvent<CustomEvent<ReadyDetail>>(second, 'ready');
    expect((await second.detect(await faceBitmap())).faces, 'landmarks without the network').to.have.length(1);
    console.log(`offline start-up from Cache Storage: ready after ${(await ready).detail.loadMs.toFixed(0)} ms; progress ${steps.map((s) => `${s.stage} ${s.progress.toFixed(2)}`).join(', ')}`);
    expect(steps.at(-1), 'progress reached ready').to.deep.equal({ stage: 'ready', progress: 1 });
    expect(steps.some((s) => s.stage === 'models' && s.progress > 0.3 && s.progress <= 0.95), 'a models step').to.equal(true);

    const uncached = create({ 'asset-cache': 'off' });
    const err = (await uncached.detect(await faceBitmap()).then(() => null, (e: unknown) => e)) as FaceMeshError | null;
    console.log(`offline, asset-cache="off": ${err?.code}: ${err?.message}`);
    expect(err?.code).to.equal('wasm-load-failed');
    expect(err?.message).to.contain(`${location.origin}/offline/wasm/tfjs-backend-wasm-simd.wasm`);
  });

  it('a new build replaces the old files: entries whose SHA-256 this build does not ship are deleted, its own kept', async () => {
    const cache = await caches.open(ASSET_CACHE_NAME);
    const oldBuild = 'ab'.repeat(32);
    await cache.put(assetCacheKey(oldBuild), new Response(new Uint8Array([1, 2, 3])));
    const shippedUnused = ASSET_SHA256['face_landmark.tflite'];
    const plainMesh = await (await fetch('/packages/element/dist/models/face_landmark.tflite')).arrayBuffer();
    await cache.put(assetCacheKey(shippedUnused), new Response(plainMesh));
    const el = create();
    await el.detect(await faceBitmap());
    const kept = await until((k) => !k.includes(oldBuild) && startupHashes.every((h) => k.includes(h)));
    expect(kept, 'the old build\'s entry').to.not.include(oldBuild);
    expect(kept, 'a file of this build not loaded this time (refine="false"\'s mesh) stays').to.include(shippedUnused);
    expect(kept).to.include.members(startupHashes);
  });

  it('a damaged entry is not used: the file comes from the network and replaces it', async () => {
    const cache = await caches.open(ASSET_CACHE_NAME);
    const detector = ASSET_SHA256['face_detection_short_range.tflite'];
    await cache.put(assetCacheKey(detector), new Response(new TextEncoder().encode('not the detector')));
    const el = create();
    expect((await el.detect(await faceBitmap())).faces).to.have.length(1);
    let hash = '';
    for (let i = 0; i < 100 && hash !== detector; i++) {
      const res = await cache.match(assetCacheKey(detector));
      hash = res ? await sha256Hex(new Uint8Array(await res.arrayBuffer())) : '';
      if (hash !== detector) await sleep(100);
    }
    expect(hash, 'the entry now holds the real file').to.equal(detector);
  });

  it('asset-cache="off" keeps nothing; asset-integrity="off" (nothing checked) keeps nothing', async () => {
    for (const attrs of [{ 'asset-cache': 'off' }, { 'asset-integrity': 'off' }] as Record<string, string>[]) {
      const el = create(attrs);
      expect((await el.detect(await faceBitmap())).faces).to.have.length(1);
      el.remove();
    }
    // (a kept file is written within milliseconds of its check; give it far longer)
    await sleep(1_000);
    expect(await keptHashes()).to.deep.equal([]);
  });
});
