/**
 * Benchmark (not a test): the convolutions on our own kernels against XNNPACK's, per op type, in one
 * worker on the SIMD binary, one thread: each model loaded twice (the plan, and the plan with
 * `ownKernels: false`), then ROUNDS alternating rounds of 20 profiled runs each, so both see the
 * same load. Prints the median over rounds of each conv op type's ms per run, and of the run's
 * median. `ownKernels: false` also turns our residual kernels off: compare the conv rows, not the
 * totals. Run with
 *   npx web-test-runner --config web-test-runner.bench.config.mjs --files packages/worker-runtime/bench/own_kernels.bench.ts
 */
import { benchInput as input } from '../../../bench/stats.js';
import { spawnRuntime, WASM_BASE } from '../test/spawn.js';

const MODELS = [
  ['mesh (attention)', '/models/dist/face_landmark_with_attention.tflite', 192],
  ['mesh (plain)', '/models/dist/face_landmark.tflite', 192],
  ['detector', '/models/dist/face_detection_short_range.tflite', 128],
] as const;
const ROUNDS = 12;
const RUNS = 20;

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;

describe('own conv kernels vs XNNPACK', () => {
  it('prints ms per op type', async () => {
    const { api, worker } = spawnRuntime();
    const rows: string[] = [];
    try {
      await api.init({ wasmBase: WASM_BASE, binary: 'simd' });
      for (const [name, url, size] of MODELS) {
        const variants = [['own kernels', await api.loadModel(url, {})], ['ownKernels: false', await api.loadModel(url, { ownKernels: false })]] as const;
        const runMs = new Map<string, number[]>();
        const opMs = new Map<string, Map<string, number[]>>();
        for (let r = 0; r < ROUNDS; r++) {
          for (const [variant, m] of variants) {
            const res = await api.bench(m.id, input(size), RUNS, 3);
            runMs.set(variant, [...(runMs.get(variant) ?? []), median(res.ms)]);
            const ops = opMs.get(variant) ?? new Map<string, number[]>();
            opMs.set(variant, ops);
            for (const o of res.ops) if (o.label.includes('CONV')) ops.set(o.label, [...(ops.get(o.label) ?? []), o.msPerRun]);
          }
        }
        for (const [variant, m] of variants) {
          const ops = [...opMs.get(variant)!].map(([label, ms]) => `${label} ${median(ms).toFixed(3)}`).join(', ');
          rows.push(`| ${name} | ${variant} | ${median(runMs.get(variant)!).toFixed(2)} | ${ops} |`);
          await api.disposeModel(m.id);
        }
      }
    } finally {
      worker.terminate();
    }
    console.log(`\nsimd binary, 1 thread; median of ${ROUNDS} alternating rounds of ${RUNS} profiled runs, navigator.hardwareConcurrency ${navigator.hardwareConcurrency}\n` +
      '| model | kernels | run median (ms) | conv op types (ms per run) |\n|---|---|---|---|\n' + rows.join('\n'));
  });
});
