/**
 * Stable face ids end to end (the real models in the worker): a tracked face keeps its id over a
 * video, and gets a new one after a reset. The id rules: src/pipeline/face_pipeline.test.ts (fake models).
 */
import { expect } from 'chai';
import { spawnRuntime, WASM_BASE, MODEL_URLS } from './spawn.js';
import { faceCrop, trackFrame } from './parity/frames.js';

describe('face ids', function () {
  this.timeout(300_000);
  let rt: ReturnType<typeof spawnRuntime>;
  before(async () => {
    rt = spawnRuntime();
    await rt.api.init({ wasmBase: WASM_BASE });
    await rt.api.createPipeline(MODEL_URLS, { maxFaces: 1 });
  });
  after(() => rt.worker.terminate());

  it('a tracked face keeps its id over a video; after a reset it gets a new, larger one', async () => {
    const crop = await faceCrop();
    const ids: number[] = [];
    for (let t = 0; t < 10; t++) {
      const r = await rt.api.process(trackFrame(crop, t).imageData);
      expect(r.faces.length).to.equal(1);
      ids.push(r.faces[0].id);
    }
    expect(new Set(ids).size, `ids ${ids.join(',')}`).to.equal(1);
    await rt.api.resetPipeline();
    const again = await rt.api.process(trackFrame(crop, 10).imageData);
    expect(again.detectorRan).to.equal(true);
    expect(again.faces[0].id).to.be.greaterThan(ids[0]);
  });
});
