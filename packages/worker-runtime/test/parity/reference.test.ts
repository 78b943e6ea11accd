/**
 * Our pipeline against Google's committed landmarks (committed_reference.ts) on the static parity
 * images, in every engine: same faces, mean <= 0.05% IOD, worst <= 0.2% (the live parity test's bars).
 * An image this engine decodes to other pixels than Chromium (Firefox's JPEG decoder differs on
 * sample3) is still compared, and named in the log: the bars then also cover the decoder's difference.
 */
import { expect } from 'chai';
import { matchFaces, type FaceMatching } from '@face-mesh/geometry';
import { SAMPLES, faceCrop, loadSample } from './frames.js';
import { decodeFace, loadReference, pixelChecksum } from './committed_reference.js';
import { spawnRuntime, WASM_BASE, MODEL_URLS } from '../spawn.js';

describe("our pipeline vs Google's committed landmarks (static images)", function () {
  this.timeout(300_000);

  it('same faces, mean <= 0.05% IOD, worst <= 0.2%', async () => {
    const reference = await loadReference();
    const images = [...(await Promise.all(SAMPLES.map(loadSample))), await faceCrop()];
    expect(images.map((i) => i.name)).to.deep.equal(reference.images.map((i) => i.name));
    const { api, worker } = spawnRuntime();
    try {
      await api.init({ wasmBase: WASM_BASE });
      await api.createPipeline(MODEL_URLS, { maxFaces: 10, staticImageMode: true });
      const matchings: FaceMatching[] = [];
      const rows: string[] = [];
      const otherPixels: string[] = [];
      for (const [i, image] of images.entries()) {
        const ref = reference.images[i]!;
        const { width, height, data } = image.imageData;
        expect([width, height], image.name).to.deep.equal([ref.width, ref.height]);
        if (pixelChecksum(data) !== ref.checksum) otherPixels.push(image.name);
        const result = await api.process(image.imageData);
        const m = matchFaces(ref.faces.map(decodeFace), result.faces.map((f) => f.landmarks));
        matchings.push(m);
        rows.push(`${image.name}: ${m.matches.map((x) => (x.errors.all ?? NaN).toFixed(4)).join(' ')}`);
      }
      const errors = matchings.flatMap((m) => m.matches.map((x) => x.errors.all ?? NaN));
      const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
      const worst = Math.max(...errors);
      console.log(`vs committed reference (% IOD): ${rows.join('; ')}; faces ${errors.length}, mean ${mean.toFixed(5)}, worst ${worst.toFixed(5)}; decoded to other pixels than in Chromium: ${otherPixels.join(', ') || 'none'}`);
      expect(errors.length, 'faces matched').to.equal(reference.images.reduce((n, r) => n + r.faces.length, 0));
      expect(matchings.reduce((s, m) => s + m.missed + m.extra, 0), 'faces missed or extra').to.equal(0);
      expect(mean).to.be.at.most(0.05);
      expect(worst).to.be.at.most(0.2);
    } finally {
      worker.terminate();
    }
  });
});
