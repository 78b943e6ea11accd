import { expect } from 'chai';
import { chooseThreadCount } from '../src/index.js';
import { MODEL_URLS, spawnRuntime, WASM_BASE } from './spawn.js';
import type { StageReport } from '../src/startup.js';
import { engine, threadedBinaryTested } from './engine.js';

describe('wasm backend in a module worker (cross-origin isolated page)', () => {
  it('the test page is cross-origin isolated', () => {
    expect(globalThis.crossOriginIsolated).to.equal(true);
  });

  if (engine === 'WebKit') {
    it('no wasm threads in this engine (no SharedArrayBuffer in workers): threads asked for give SIMD on one thread, saying why', async () => {
      const { api, worker } = spawnRuntime();
      try {
        const mode = await api.init({ wasmBase: WASM_BASE, threads: 2 });
        expect(mode).to.include({ backend: 'wasm', binary: 'simd', threads: 1, crossOriginIsolated: true });
        expect(mode.note).to.contain('SharedArrayBuffer');
        const forced = spawnRuntime();
        try {
          const err = await forced.api.init({ wasmBase: WASM_BASE, binary: 'threaded-simd' }).then(() => null, (e: unknown) => e as Error & { code?: string });
          expect(err?.code).to.equal('wasm-unsupported');
          expect(err?.message).to.contain('SharedArrayBuffer in workers');
        } finally {
          forced.worker.terminate();
        }
      } finally {
        worker.terminate();
      }
    });
  }

  (threadedBinaryTested ? it : it.skip)('starts threaded SIMD with the threads asked for, and reports the count it got', async () => {
    const { api, worker } = spawnRuntime();
    try {
      const mode = await api.init({ wasmBase: WASM_BASE, threads: 2 });
      expect(mode).to.include({ backend: 'wasm', binary: 'threaded-simd', simd: true, crossOriginIsolated: true, threads: 2 });
    } finally {
      worker.terminate();
    }
  });

  it("'auto': below 4 cores one thread on the SIMD binary (the threaded one is no faster there); from 4 the threaded binary on a pool of one, until measureThreads", async () => {
    const { api, worker } = spawnRuntime();
    try {
      const mode = await api.init({ wasmBase: WASM_BASE });
      const threads = engine === 'WebKit' ? 1 : chooseThreadCount(navigator.hardwareConcurrency, 'auto');
      expect(mode).to.include({ backend: 'wasm', simd: true, crossOriginIsolated: true, threads: 1, binary: threads > 1 ? 'threaded-simd' : 'simd' });
      if (engine === 'WebKit') expect(String(mode.note)).to.contain('SharedArrayBuffer');
      else if (threads === 1) expect(String(mode.note)).to.contain('One wasm thread');
    } finally {
      worker.terminate();
    }
  });

  it('one thread asked for explicitly: the SIMD binary', async () => {
    const { api, worker } = spawnRuntime();
    try {
      expect(await api.init({ wasmBase: WASM_BASE, threads: 1 })).to.include({ binary: 'simd', threads: 1 });
    } finally {
      worker.terminate();
    }
  });

  for (const binary of ['simd', 'plain'] as const) {
    it(`can be forced to the ${binary} binary, single thread`, async () => {
      const { api, worker } = spawnRuntime();
      try {
        const mode = await api.init({ wasmBase: WASM_BASE, binary });
        expect(mode).to.include({ backend: 'wasm', binary, simd: binary === 'simd', threads: 1 });
      } finally {
        worker.terminate();
      }
    });
  }

  it('reports each start-up stage as it begins, in order, a compile with its bytes', async () => {
    const { api, worker } = spawnRuntime();
    try {
      const marks: (StageReport & { at: number })[] = [{ stage: 'worker-script', at: performance.now() }];
      const onStage = (report: StageReport) => marks.push({ ...report, at: performance.now() });
      await api.ping();
      await api.init({ wasmBase: WASM_BASE, threads: 1 }, undefined, onStage);
      const inited = performance.now();
      await api.createPipeline(MODEL_URLS, {}, undefined, onStage);
      const end = performance.now();
      expect(marks.map((r) => r.stage)).to.deep.equal(['worker-script', 'wasm-fetch', 'wasm-compile', 'wasm-start', 'model-fetch', 'model-compile']);
      expect(marks[2]!.bytes, 'the SIMD binary').to.be.within(300_000, 600_000);
      expect(marks[5]!.bytes, 'both models').to.be.within(2_000_000, 3_500_000);
      // Each stage's time (to the next one's start), for the deadlines in startup.ts.
      const endOf = (i: number) => (i === 3 ? inited : (marks[i + 1]?.at ?? end));
      const times = marks.map((r, i) => `${r.stage} ${(endOf(i) - r.at).toFixed(0)} ms`);
      console.log(`${engine} start-up stages: ${times.join(', ')}`);
    } finally {
      worker.terminate();
    }
  });

  it('fails with a message naming the wasm folder when the binaries are not there', async () => {
    const { api, worker } = spawnRuntime();
    try {
      const err = await api.init({ wasmBase: '/nowhere/' }).then(() => null, (e: unknown) => e as Error);
      expect(err, 'init should reject').to.be.instanceOf(Error);
      expect(String(err?.message)).to.contain('/nowhere/');
    } finally {
      worker.terminate();
    }
  });
});

describe('chooseThreadCount', () => {
  it('uses half the cores up to 4, one when off, and honours an explicit count', () => {
    expect(chooseThreadCount(2, 'auto')).to.equal(1);
    expect(chooseThreadCount(3, 'auto')).to.equal(1);
    expect(chooseThreadCount(4, 'auto')).to.equal(2);
    expect(chooseThreadCount(8, 'auto')).to.equal(4);
    expect(chooseThreadCount(16, 'auto')).to.equal(4);
    expect(chooseThreadCount(2, 2)).to.equal(2);
    expect(chooseThreadCount(0, 'auto')).to.equal(1);
    expect(chooseThreadCount(8, 'off')).to.equal(1);
    expect(chooseThreadCount(8, 3)).to.equal(3);
  });
});
