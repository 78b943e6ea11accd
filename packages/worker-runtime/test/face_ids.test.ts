/** Stable face ids: kept while tracked, new for new faces, never reused. */
import { expect } from 'chai';
import { spawnRuntime, WASM_BASE, MODEL_URLS } from './spawn.js';
import { faceCrop, loadSample, trackFrame } from './parity/frames.js';

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

  it('static images: every face of every frame gets a new id; faces in one frame are distinct', async () => {
    await rt.api.setPipelineOptions({ staticImageMode: true, maxFaces: 4 });
    const group = await loadSample('sample6');
    const a = await rt.api.process(group.imageData);
    const b = await rt.api.process(group.imageData);
    const idsA = a.faces.map((f) => f.id);
    const idsB = b.faces.map((f) => f.id);
    expect(idsA.length).to.equal(4);
    expect(new Set([...idsA, ...idsB]).size, 'no id reused').to.equal(8);
    expect(Math.min(...idsB)).to.be.greaterThan(Math.max(...idsA));
  });
});
