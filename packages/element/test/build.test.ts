// The built bundle (`npm run build`, run by `npm test` first) works from its own folder: the worker
// starts from its own entry file and finds the wasm binaries and models through import.meta.url.
import { expect } from 'chai';
import type * as ElementModule from '../src/index.js';

const DIST = '/packages/element/dist/';

describe('the rollup build', () => {
  let mod: typeof ElementModule;
  before(async () => {
    mod = (await import(/* @vite-ignore */ `${DIST}face-mesh.js`)) as typeof ElementModule;
  });

  it('places its assets next to the bundle by default', () => {
    expect(mod.DEFAULT_ASSET_BASE).to.equal(new URL(DIST, location.href).href);
  });

  it('starts the bundled module worker and its threaded-SIMD wasm from the default asset base', async () => {
    const client = mod.startRuntime();
    try {
      const mode = await client.init();
      expect(mode).to.include({ backend: 'wasm', binary: 'threaded-simd', crossOriginIsolated: true });
    } finally {
      client.close();
    }
  });

  it('ships the model files under models/, each a TFLite flatbuffer', async () => {
    for (const f of ['face_landmark_with_attention.tflite', 'face_detection_short_range.tflite']) {
      const res = await fetch(`${DIST}models/${f}`);
      expect(res.ok, f).to.equal(true);
      const head = new Uint8Array(await res.arrayBuffer(), 4, 4);
      expect(String.fromCharCode(...head), f).to.equal('TFL3');
    }
  });

  it('registers the tag from the define entry', async () => {
    await import(/* @vite-ignore */ `${DIST}define.js`);
    expect(customElements.get('face-mesh')).to.be.a('function');
  });
});
