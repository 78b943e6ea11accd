/**
 * Hostile and broken assets (issue #16), through the built element and worker: files with another
 * SHA-256, hostile model files, stalled downloads, byte progress, image bombs.
 */
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { ASSETS, BUILT_WORKER, createFaceMesh, faceBitmap, nextEvent, ONE_THREAD, workerClientOf } from './helpers.js';
import type { ErrorDetail, FaceMeshElement, ProgressDetail } from '../src/index.js';
import { runtimeSettings } from '../src/runtime_client.js';
import '../src/define.js';

const ORIGIN = location.origin;
/** (asset-cache off: these tests are about what the network serves, not what earlier tests left in Cache Storage) */
const NETWORK = { 'asset-cache': 'off' } as const;
const create = (attrs: Record<string, string> = {}) => createFaceMesh({ ...ONE_THREAD, ...NETWORK, ...attrs });

interface Variant { remove?: string[]; truncate?: string[]; text?: string[]; flip?: string[]; hostile?: Record<string, 'aliased-tables' | 'flex-bomb'> }
const assetVariant = (name: string, change: Variant) => executeServerCommand<string, object>('asset-variant', { name, ...change }) as Promise<string>;

async function startError(el: FaceMeshElement): Promise<ErrorDetail & { rejected: string }> {
  const event = nextEvent<CustomEvent<ErrorDetail>>(el, 'error');
  let rejected = '';
  try {
    await el.start();
  } catch (e) {
    rejected = (e as { code: string }).code;
  }
  const detail = (await event).detail;
  console.log(`${detail.code}: ${detail.message}`);
  return { ...detail, rejected };
}

describe('<face-mesh> with hostile or broken assets', function () {
  this.timeout(30_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured
  let face: ImageBitmap;
  const stallMs = runtimeSettings.fetchStallMs;

  before(async () => {
    runtimeSettings.workerUrl = BUILT_WORKER;
    face = await faceBitmap();
  });

  afterEach(() => {
    runtimeSettings.fetchStallMs = stallMs;
    for (const el of document.querySelectorAll('face-mesh')) el.remove();
  });

  it('a model file with one byte changed: model-integrity naming the URL and both SHA-256; asset-integrity="off" runs it', async () => {
    const base = await assetVariant('flipped-model', { flip: ['models/face_landmark_with_attention.tflite'] });
    const el = create({ 'asset-base': base });
    const err = await startError(el);
    expect(err.code).to.equal('model-integrity');
    expect(err.rejected).to.equal('model-integrity');
    expect(err.message).to.contain(`${ORIGIN}${base}models/face_landmark_with_attention.tflite`);
    expect(err.message).to.match(/has SHA-256 [0-9a-f]{64}, but this build of face-mesh ships 883b7411747bac657c30c462d305d312e9dec6adbf8b85e2f5d8d722fca9455d/);
    expect(err.message).to.contain('asset-integrity="off"');
    el.remove();

    // On purpose: the changed file (one weight bit) is a valid model, and runs.
    const own = create({ 'asset-base': base, 'asset-integrity': 'off' });
    const r = await own.detect(await createImageBitmap(face));
    expect(r.faces).to.have.length(1);
  });

  it('a wasm binary with one byte changed: wasm-integrity naming the URL and both SHA-256', async () => {
    const base = await assetVariant('flipped-wasm', { flip: ['wasm/tfjs-backend-wasm-simd.wasm'] });
    const el = create({ 'asset-base': base });
    const err = await startError(el);
    expect(err.code).to.equal('wasm-integrity');
    expect(err.message).to.contain(`${ORIGIN}${base}wasm/tfjs-backend-wasm-simd.wasm`);
    expect(err.message).to.match(/has SHA-256 [0-9a-f]{64}, but this build of face-mesh ships 77ebb28a6d34f371dbbf2086b7f2de8994acd8ea5a3cf1fa24d2c26c840cac7b/);
  });

  for (const kind of ['aliased-tables', 'flex-bomb'] as const) {
    it(`a hostile model (${kind}) with the check off: model-load-failed naming the URL and the problem`, async () => {
      const base = await assetVariant(`hostile-${kind}`, { hostile: { 'models/face_detection_short_range.tflite': kind } });
      const el = create({ 'asset-base': base, 'asset-integrity': 'off' });
      const err = await startError(el);
      expect(err.code).to.equal('model-load-failed');
      expect(err.message).to.contain(`${ORIGIN}${base}models/face_detection_short_range.tflite`);
      expect(err.message).to.match(kind === 'flex-bomb' ? /corrupt FlexBuffer/ : /refers to the same data over and over/);
    });
  }

  it('a stalled model download: model-load-failed naming the URL, after the stall timeout', async () => {
    runtimeSettings.fetchStallMs = 1500;
    const el = create({ 'asset-base': '/stall/' });
    const err = await startError(el);
    expect(err.code).to.equal('model-load-failed');
    expect(err.message).to.match(new RegExp(`Fetching the model ${ORIGIN}/stall/models/face_\\w+\\.tflite stalled: no data for 1\\.5 s \\(16 bytes received\\)`));
  });

  it('progress follows the bytes: "wasm" up to 0.3 as the binary arrives, then several "models" steps to 0.95, never falling', async () => {
    // Served in 8 parts 30 ms apart (a slow network; from the local disk, a file may come in one piece).
    const el = createFaceMesh({ ...ONE_THREAD, ...NETWORK, 'asset-base': '/trickle/' });
    const steps: ProgressDetail[] = [];
    el.addEventListener('progress', (e) => steps.push((e as unknown as CustomEvent<ProgressDetail>).detail));
    await el.detect(await createImageBitmap(face));
    const models = steps.filter((s) => s.stage === 'models').map((s) => s.progress);
    console.log(`progress: ${steps.map((s) => `${s.stage} ${s.progress.toFixed(3)}`).join(', ')}`);
    expect(models.some((p) => p > 0.3 && p < 0.95), 'a models step between 0.3 and 0.95').to.equal(true);
    expect(models[0]).to.equal(0.3);
    expect(models.slice(1).every((p, i) => p > models[i]! && p <= 0.95 + 1e-9), 'models steps rise').to.equal(true);
    expect(models.at(-1)).to.be.closeTo(0.95, 1e-9);
    expect(steps.at(-1)).to.deep.equal({ stage: 'ready', progress: 1 });
    const wasm = steps.filter((s) => s.stage === 'wasm').map((s) => s.progress);
    expect(wasm[0]).to.equal(0);
    expect(wasm.at(-1)).to.be.closeTo(0.3, 1e-9);
    expect(wasm.some((p) => p > 0 && p < 0.3), 'a wasm step between 0 and 0.3').to.equal(true);
    expect(steps.every((s, i) => i === 0 || s.progress >= steps[i - 1]!.progress)).to.equal(true);
  });
});

/** A PNG file: signature, IHDR for width x height (8-bit RGBA), then `idat` as the image data, IEND. */
async function png(width: number, height: number, idat: Uint8Array): Promise<Blob> {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, data.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(data, 8);
    let crc = 0xffffffff;
    for (const b of out.subarray(4, 8 + data.length)) crc = crcTable[(crc ^ b) & 0xff]! ^ (crc >>> 8);
    v.setUint32(8 + data.length, (crc ^ 0xffffffff) >>> 0);
    return out;
  };
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  return new Blob([signature, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))], { type: 'image/png' });
}

describe('<face-mesh src> image bombs', function () {
  this.timeout(30_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured
  before(() => {
    runtimeSettings.workerUrl = BUILT_WORKER;
  });
  afterEach(() => {
    for (const el of document.querySelectorAll('face-mesh')) el.remove();
  });

  it('a PNG whose header says 20000x20000 is refused from its header with frame-too-large, before any decoding (its pixel data is junk)', async () => {
    const url = URL.createObjectURL(await png(20000, 20000, new Uint8Array(64).fill(7)));
    try {
      const el = create({ src: url });
      const err = await nextEvent<CustomEvent<ErrorDetail>>(el, 'error');
      console.log(`${err.detail.code}: ${err.detail.message}`);
      // Decoding first would have failed on the junk data (source-failed): the size was read from the header.
      expect(err.detail.code).to.equal('frame-too-large');
      expect(err.detail.message).to.contain(`The image ${url} (PNG): The frame is 20000x20000 (400.0 MP); the limit is 40 MP`);
      // Nor does the page decode it: the element shows a src image only once the worker has read it.
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('img')?.hasAttribute('src') ?? false, 'the element\'s <img> has a src').to.equal(false);
    } finally {
      URL.revokeObjectURL(url);
    }
  });

  it('a real 64 MP bomb (8000x8000 PNG of zeros, a few hundred KB deflated) is refused with frame-too-large', async () => {
    // Filter byte 0 + 8000 RGBA pixels per row, all zero, deflated (zlib format, as PNG wants).
    const row = 1 + 8000 * 4;
    const raw = new Blob([new Uint8Array(row * 8000)]).stream().pipeThrough(new CompressionStream('deflate'));
    const idat = new Uint8Array(await new Response(raw).arrayBuffer());
    const file = await png(8000, 8000, idat);
    console.log(`bomb: ${file.size} bytes for 8000x8000 RGBA`);
    const url = URL.createObjectURL(file);
    try {
      const el = create({ src: url });
      const err = await nextEvent<CustomEvent<ErrorDetail>>(el, 'error');
      expect(err.detail.code).to.equal('frame-too-large');
      expect(err.detail.message).to.contain('(PNG): The frame is 8000x8000 (64.0 MP)');
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('img')?.hasAttribute('src') ?? false, 'the element\'s <img> has a src').to.equal(false);
    } finally {
      URL.revokeObjectURL(url);
    }
  });
});

describe('<face-mesh> live source failing on every frame', function () {
  this.timeout(30_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured
  before(() => {
    runtimeSettings.workerUrl = BUILT_WORKER;
  });
  afterEach(() => {
    for (const el of document.querySelectorAll('face-mesh')) el.remove();
  });

  it('the same error on every frame of a video: one event, then one with the count when the source stops', async () => {
    const el = create({ src: '/demo/media/sample-clip.webm' });
    await nextEvent(el, 'landmarks');
    const errors: ErrorDetail[] = [];
    el.addEventListener('error', (e) => errors.push((e as unknown as CustomEvent<ErrorDetail>).detail));
    let frames = 0;
    el.addEventListener('landmarks', () => frames++);
    // Take the pipeline away under the running video: every frame now fails the same way.
    await workerClientOf(el)!.api.disposePipeline();
    await new Promise((r) => setTimeout(r, 3000));
    expect(frames, 'no frame goes through').to.equal(0);
    expect(errors.length, JSON.stringify(errors)).to.equal(1);
    expect(errors[0]!.message).to.contain('The face pipeline is not loaded');
    expect(errors[0]!.repeated).to.equal(undefined);
    el.stop();
    console.log(`after stop: ${JSON.stringify(errors.map((e) => [e.code, e.repeated]))}`);
    expect(errors.length).to.equal(2);
    expect(errors[1]!.code).to.equal(errors[0]!.code);
    expect(errors[1]!.repeated, 'identical errors counted, not dispatched').to.be.greaterThan(10);
    expect(errors[1]!.message).to.match(/\(\d+ more times since the last report\)$/);
  });
});
