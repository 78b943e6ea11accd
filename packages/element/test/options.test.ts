/** Options beyond the basics: mirror, refine="false", transform — through detect() on a still image. */
import { expect } from 'chai';
import { createFaceMesh, faceBitmap, nextEvent, ASSETS } from './helpers.js';
import { LEFT_EYE_INDICES, RIGHT_EYE_INDICES } from '@face-mesh/geometry';
import { FaceMeshElement, type FaceMeshErrorEvent } from '../src/index.js';
import '../src/define.js';



const create = createFaceMesh;

describe('<face-mesh> options', function () {
  this.timeout(30_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured

  it('mirror: x flipped and the left/right eye groups swapped, so "left" is the subject\'s left', async () => {
    const plain = create();
    const mirrored = create({ mirror: '' });
    const a = (await plain.detect(await faceBitmap())).faces[0];
    const b = (await mirrored.detect(await faceBitmap())).faces[0];
    const W = 640;
    // the nose tip is on no swap list: only x flips
    expect(b.landmarks[3]).to.be.closeTo(W - a.landmarks[3], 1e-3);
    expect(b.landmarks[4]).to.be.closeTo(a.landmarks[4], 1e-3);
    // index 33 (left eye outer corner) of the mirrored view is the unmirrored 263, flipped
    for (let i = 0; i < LEFT_EYE_INDICES.length; i++) {
      const l = LEFT_EYE_INDICES[i];
      const r = RIGHT_EYE_INDICES[i];
      expect(b.landmarks[3 * l]).to.be.closeTo(W - a.landmarks[3 * r], 1e-3);
    }
    // irises 468-472 <-> 473-477 and the region arrays swap too
    expect(b.landmarks[3 * 468]).to.be.closeTo(W - a.landmarks[3 * 473], 1e-3);
    expect(b.regions.leftIris[0]).to.be.closeTo(W - a.regions.rightIris[0], 1e-3);
    // in the mirrored picture the "left" iris is on the image's left
    expect(b.landmarks[3 * 468]).to.be.lessThan(b.landmarks[3 * 473]);
    plain.remove();
    mirrored.remove();
  });

  it('refine="false" runs the plain model: 468 points, no region outputs', async () => {
    const el = create({ refine: 'false' });
    expect(el.refine).to.equal(false);
    const { faces } = await el.detect(await faceBitmap());
    expect(faces).to.have.length(1);
    expect(faces[0].landmarks.length).to.equal(468 * 3);
    expect(faces[0].regions.lips.length).to.equal(0);
    // switching back loads the attention model in the same worker
    el.refine = true;
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 50));
    let refined = (await el.detect(await faceBitmap())).faces[0];
    for (let i = 0; i < 50 && refined.landmarks.length !== 478 * 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      refined = (await el.detect(await faceBitmap())).faces[0];
    }
    expect(refined.landmarks.length).to.equal(478 * 3);
    el.remove();
  });

  it('transform adds the pose: a 4x4 matrix with the face in front of the camera, and 468 metric points', async () => {
    const el = create({ transform: '' });
    const face = (await el.detect(await faceBitmap())).faces[0];
    expect(face.transform?.matrix.length).to.equal(16);
    expect(face.transform?.metricLandmarks.length).to.equal(468 * 3);
    expect(face.transform!.matrix[14]).to.be.below(0);
    expect(face.transform!.matrix[15]).to.equal(1);
    el.remove();
  });

  it('an option the pipeline refuses is an internal error event naming it; the previous options stay', async () => {
    const el = create({ transform: '' });
    const before = (await el.detect(await faceBitmap())).faces[0].transform!.matrix;
    const error = nextEvent<FaceMeshErrorEvent>(el, 'error');
    el.fov = 0;
    const { detail } = await error;
    expect(detail.code).to.equal('internal');
    expect(detail.message).to.match(/fov .*between 0 and 180 degrees, got 0/);
    // still the 63° camera: the same pose as before
    const after = (await el.detect(await faceBitmap())).faces[0].transform!.matrix;
    expect(Array.from(after)).to.deep.equal(Array.from(before));
    el.remove();
  });

  it('detect() on an element that is not in the document rejects with not-connected (no worker is started)', async () => {
    const el = document.createElement('face-mesh') as FaceMeshElement;
    el.assetBase = ASSETS;
    const err = await el.detect(await faceBitmap()).then(() => null, (e: { code?: string; message?: string }) => e);
    expect(err?.code).to.equal('not-connected');
    expect(err?.message).to.match(/add it/);
  });
});
