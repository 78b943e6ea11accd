/**
 * A classic (not module) worker running Google's LiteRT.js (@litertjs/core) on its wasm CPU path,
 * one thread, for the benchmarks' speed anchor. Classic because LiteRT.js loads its Emscripten
 * script with importScripts(), which module workers do not have; the library and Comlink come in by
 * dynamic import(), which classic workers allow. No top-level import/export: this file must stay a
 * script.
 */
import type { CompiledModel, Tensor } from '@litertjs/core';
import type { LiteRtModelInfo, LiteRtWorkerApi } from './anchor.js';

/** Posted once Comlink listens (the same string as anchor.ts's; a script cannot import it). */
const READY = 'litert-worker-ready';

interface EmscriptenModuleArg {
  locateFile(path: string, scriptDirectory: string): string;
  print(text: string): void;
  printErr(text: string): void;
}

void (async () => {
  const [Comlink, litert] = await Promise.all([import('comlink'), import('@litertjs/core')]);
  const scope = self as unknown as { Module?: EmscriptenModuleArg };
  /** What the wasm module printed (Emscripten's stdout/stderr): why a model could not be prepared. */
  const printed: string[] = [];
  const models = new Map<number, { model: CompiledModel; input: number[] }>();
  let nextId = 1;

  function model(id: number): { model: CompiledModel; input: number[] } {
    const m = models.get(id);
    if (!m) throw new Error(`no LiteRT.js model with id ${id}`);
    return m;
  }

  /** One inference: outputs read into JS arrays (as our executor's run() does), tensors freed. */
  async function infer(m: CompiledModel, input: Tensor): Promise<Float32Array[]> {
    const outputs = await m.run(input);
    try {
      return outputs.map((t) => Float32Array.from(t.toTypedArray() as Float32Array));
    } finally {
      for (const t of outputs) t.delete();
    }
  }

  const api: LiteRtWorkerApi = {
    async init(wasmDir) {
      // Emscripten looks for its .wasm next to the script that runs it (this worker's folder): point it
      // at the package's wasm folder instead. The loader hands self.Module to the module factory.
      scope.Module = {
        locateFile: (path) => new URL(path, new URL(wasmDir, self.location.href)).href,
        print: (text) => printed.push(text),
        printErr: (text) => printed.push(text),
      };
      const relaxedSimd = await litert.supportsFeature('relaxedSimd');
      // threads: false and jspi: false pick the single-threaded build (its threaded build crashed the renderer here).
      await litert.loadLiteRt(wasmDir, { threads: false, jspi: false });
      return { file: relaxedSimd ? 'litert_wasm_internal.wasm (relaxed SIMD)' : 'litert_wasm_compat_internal.wasm' };
    },

    async load(url) {
      const t0 = performance.now();
      const before = printed.length;
      const compiled = await litert.loadAndCompile(url, { accelerator: 'wasm', cpuOptions: { numThreads: 1 } });
      const details = (list: readonly { name: string; shape: Int32Array; dtype: string }[]) => list.map((d) => ({ name: d.name, shape: Array.from(d.shape), dtype: d.dtype }));
      const inputs = details(compiled.getInputDetails());
      const id = nextId++;
      models.set(id, { model: compiled, input: inputs[0]?.shape ?? [] });
      const info: LiteRtModelInfo = { id, url, inputs, outputs: details(compiled.getOutputDetails()), loadMs: performance.now() - t0, messages: printed.slice(before) };
      return info;
    },

    async run(id, input) {
      const { model: m, input: shape } = model(id);
      const x = new litert.Tensor(input, shape);
      try {
        const before = printed.length;
        const t0 = performance.now();
        const outputs = await infer(m, x);
        return Comlink.transfer({ outputs, ms: performance.now() - t0, messages: printed.slice(before) }, outputs.map((o) => o.buffer));
      } finally {
        x.delete();
      }
    },

    async bench(id, input, runs, warmup) {
      const { model: m, input: shape } = model(id);
      const x = new litert.Tensor(input, shape);
      try {
        for (let i = 0; i < warmup; i++) await infer(m, x);
        const ms: number[] = [];
        for (let i = 0; i < runs; i++) {
          const t0 = performance.now();
          await infer(m, x);
          ms.push(performance.now() - t0);
        }
        return ms;
      } finally {
        x.delete();
      }
    },

    async dispose(id) {
      model(id).model.delete();
      models.delete(id);
    },
  };
  Comlink.expose(api);
  // Messages that arrive before expose() have no listener and are lost: tell the page we listen.
  self.postMessage(READY);
})();
