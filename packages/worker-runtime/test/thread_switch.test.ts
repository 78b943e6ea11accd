/**
 * threads="auto" changes binaries by restarting the wasm backend in the worker (one thread on the
 * SIMD binary, more on the threaded one): the models are built again on the new backend, the
 * tracked face goes on with its id, and nothing of the old backend is left in tfjs' tables.
 * (The restart is asked for directly here: which count auto picks depends on the machine's load.)
 */
import { expect } from 'chai';
import { faceCrop, trackFrame, type TestImage } from './parity/frames.js';
import { threadedBinaryTested } from './engine.js';
import { MODEL_URLS, WASM_BASE, spawnRuntime } from './spawn.js';

describe('threads="auto" moving between the threaded and the SIMD binary', function () {
  this.timeout(60_000);
  let crop: TestImage;
  before(async () => {
    crop = await faceCrop();
  });

  // (the engines where the threaded binary is tested: engine.ts)
  if (!threadedBinaryTested) return;

  it('restarts on the SIMD binary and back, twice: the tracking goes on, with the same face id, and no tensor is left behind', async () => {
    const { api, worker } = spawnRuntime();
    try {
      const mode = await api.init({ wasmBase: WASM_BASE, cores: 4 });
      expect(mode.binary).to.equal('threaded-simd');
      await api.createPipeline(MODEL_URLS, { staticImageMode: false });
      const first = await api.process(trackFrame(crop, 0).imageData);
      expect(first.faces).to.have.length(1);
      const id = first.faces[0]!.id;
      // A plan keeps fewer tensors where our conv kernels run (one thread: packed weights, not
      // XNNPACK's filter tensors), so each binary/threads pair is compared with its own first visit.
      const tensors = new Map([[`${mode.binary}/${mode.threads}`, await api.numTensors()]]);

      const steps: [binary: 'simd' | 'threaded-simd', threads: number][] = [['simd', 1], ['threaded-simd', 2], ['simd', 1], ['threaded-simd', 2]];
      for (const [i, [binary, threads]] of steps.entries()) {
        const t0 = performance.now();
        expect(await api.switchBinary(binary, threads)).to.deep.equal({ binary, threads });
        console.log(`switch to ${binary} on ${threads}: ${(performance.now() - t0).toFixed(0)} ms`);
        const next = await api.process(trackFrame(crop, i + 1).imageData);
        expect(next.detectorRan, `after the switch to ${binary}: tracked, not detected again`).to.equal(false);
        expect(next.faces.map((f) => f.id)).to.deep.equal([id]);
        const count = await api.numTensors();
        const key = `${binary}/${threads}`;
        if (!tensors.has(key)) tensors.set(key, count);
        expect(count, `tensors after the switch to ${binary} with ${threads} thread(s), as on its first visit`).to.equal(tensors.get(key));
      }
    } finally {
      worker.terminate();
    }
  });

  // A download that fails leaves the running backend alone; a binary that fails once the running one
  // was dropped (here: not wasm at all) has the previous binary started again.
  const cases = [
    ['cannot be fetched', 'nowhere/tfjs-backend-wasm-simd.wasm', 'nowhere/tfjs-backend-wasm-simd.wasm'],
    ['does not compile', MODEL_URLS.mesh, 'did not start'],
  ] as const;
  for (const [what, simdUrl, message] of cases) {
    it(`a binary that ${what}: the switch rejects saying why, the threaded binary goes on tracking, no tensor is left behind`, async () => {
      const { api, worker } = spawnRuntime();
      const file = (name: string) => new URL(name, new URL(WASM_BASE, location.href)).href;
      try {
        await api.init({
          wasmBase: WASM_BASE, cores: 4,
          wasmFiles: {
            'tfjs-backend-wasm.wasm': file('tfjs-backend-wasm.wasm'),
            'tfjs-backend-wasm-simd.wasm': file(simdUrl),
            'tfjs-backend-wasm-threaded-simd.wasm': file('tfjs-backend-wasm-threaded-simd.wasm'),
          },
        });
        await api.createPipeline(MODEL_URLS, { staticImageMode: false });
        const first = await api.process(trackFrame(crop, 0).imageData);
        const tensors = await api.numTensors();
        const err = await api.switchBinary('simd', 1).then(() => null, (e: unknown) => e as Error);
        expect(err?.message).to.contain(message);
        const next = await api.process(trackFrame(crop, 1).imageData);
        expect(next.detectorRan).to.equal(false);
        expect(next.faces.map((f) => f.id)).to.deep.equal(first.faces.map((f) => f.id));
        expect(await api.numTensors()).to.equal(tensors);
        // (what runs is the threaded binary: a switch to it from itself is a resize)
        expect(await api.switchBinary('threaded-simd', 2)).to.deep.equal({ binary: 'threaded-simd', threads: 2 });
      } finally {
        worker.terminate();
      }
    });
  }
});
