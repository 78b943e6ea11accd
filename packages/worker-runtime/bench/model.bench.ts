/**
 * Benchmark (not a test): ms per inference of the mesh and detector models in the runtime worker,
 * on each wasm binary, with and without activation fusion. Prints a table and, for the fused
 * mesh model, where the time goes per op type; then Google's LiteRT.js (wasm, one thread, in a
 * classic worker of the same page) on the same files and input, against our SIMD binary on one
 * thread, with the ratio and how far its outputs are from ours. Run with `npm run bench:models`.
 * On a shared 2-core VM other load shows up as a long tail: compare medians, and min as the
 * no-contention bound.
 */
import { spawnRuntime, WASM_BASE } from '../test/spawn.js';
import { liteRtVersion, runAnchor, spawnLiteRt } from './litert/anchor.js';

const RUNS = 100;
/** The plan executor (default: our kernels' relaxed-SIMD build where it validates), on their plain SIMD build, the plan on tfjs' kernels only, and the reference executor with and without fused activations. */
const VARIANTS = [
  ['plan', {}],
  ['plan, plain SIMD kernels', { relaxedSimd: false }],
  ['plan, tfjs kernels only', { ownKernels: false }],
  ['reference', { executor: 'reference' }],
  ['reference, ops separate', { executor: 'reference', fuse: false }],
] as const;
const WARMUP = 15;
const MODELS = [
  ['mesh (attention)', '/models/dist/face_landmark_with_attention.tflite', 192],
  ['mesh (plain)', '/models/dist/face_landmark.tflite', 192],
  ['detector', '/models/dist/face_detection_short_range.tflite', 128],
] as const;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function input(size: number): Float32Array {
  const x = new Float32Array(size * size * 3);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
  return x;
}

describe('model inference benchmark', () => {
  it('prints ms per inference', async () => {
    const rows: string[] = [];
    const profiles: string[] = [];
    const work: string[] = [];
    let peak = 'not measured';
    let peakGmacs: Record<string, number> | null = null;
    for (const binary of ['threaded-simd', 'simd', 'plain'] as const) {
      const { api, worker } = spawnRuntime();
      try {
        const mode = await api.init({ wasmBase: WASM_BASE, binary });
        for (const [name, url, size] of MODELS) {
          for (const [variant, options] of VARIANTS) {
            const m = await api.loadModel(url, options);
            const r = await api.bench(m.id, input(size), RUNS, WARMUP);
            const ms = [...r.ms].sort((a, b) => a - b);
            rows.push(`| ${binary} | ${mode.threads} | ${name} | ${variant} | ${m.steps} | ${ms[0]!.toFixed(2)} | ${quantile(ms, 0.5).toFixed(2)} | ${quantile(ms, 0.9).toFixed(2)} |`);
            if (binary === 'simd' && !variant.startsWith('reference')) {
              const gmacs = m.macs.total / (quantile(ms, 0.5) * 1e6);
              work.push(`| ${name} | ${variant} | ${(m.macs.total / 1e6).toFixed(1)} | ${Object.entries(m.macs.byOp).map(([op, n]) => `${op} ${(n / 1e6).toFixed(1)}`).join(', ')} | ${m.kernelFamily ?? 'tfjs (XNNPACK, simd)'} | ${quantile(ms, 0.5).toFixed(2)} | ${gmacs.toFixed(1)} | %PEAK${gmacs}|${m.kernelFamily ?? 'simd'}% |`);
            }
            if (binary === 'simd' && (variant === 'plan' || variant === 'plan, tfjs kernels only')) {
              const total = r.ops.reduce((a, o) => a + o.msPerRun, 0);
              profiles.push(`\n${binary} (${mode.threads} thread(s)), ${name}, ${variant}: per-op-type time (profiled runs, ${total.toFixed(2)} ms total)\n` +
                '| op | count | ms/run | share |\n|---|---|---|---|\n' +
                r.ops.map((o) => `| ${o.label} | ${o.count} | ${o.msPerRun.toFixed(3)} | ${((100 * o.msPerRun) / total).toFixed(1)}% |`).join('\n'));
            }
            await api.disposeModel(m.id);
          }
        }
        if (binary === 'simd') {
          const p = await api.peakMacs();
          peakGmacs = p ? Object.fromEntries(p.map((x) => [x.family, x.gmacs])) : null;
          peak = p ? p.map((x) => `${x.family} ${x.gmacs.toFixed(1)} GMAC/s (median ${x.medianGmacs.toFixed(1)})`).join(', ') + ' (best of 15 rounds)' : 'not measured: our kernel module could not be attached';
        }
      } finally {
        worker.terminate();
      }
    }
    const anchor = await liteRtRows();
    console.log(
      `\nms per inference, ${RUNS} runs after ${WARMUP} warm-up, navigator.hardwareConcurrency ${navigator.hardwareConcurrency}\n` +
      '| binary | threads | model | executor | steps | min | median | p90 |\n|---|---|---|---|---|---|---|---|\n' +
      rows.join('\n') + '\n' + profiles.join('\n') + '\n' + anchor +
      `\n\nWork done: multiply-accumulates per run (from the graph) and achieved GMAC/s at the median, simd binary, 1 thread; this core's peak in our kernel module: ${peak}\n` +
      '| model | executor | M MACs | by op (M) | kernels | median ms | GMAC/s | of the peak |\n|---|---|---|---|---|---|---|---|\n' +
      work.map((w) => w.replace(/%PEAK([0-9.e+-]+)\|([a-z-]+)%/, (_, g: string, family: string) => {
        const peakOfFamily = peakGmacs?.[family];
        return peakOfFamily ? `${((100 * Number(g)) / peakOfFamily).toFixed(0)}% of ${family}'s` : '-';
      })).join('\n'),
    );
  });
});

const median = (ms: number[]) => quantile([...ms].sort((a, b) => a - b), 0.5);

/** LiteRT.js against our SIMD binary on one thread (our kernels in each family, and tfjs' only): markdown tables. */
async function liteRtRows(): Promise<string> {
  const theirs = await spawnLiteRt();
  const ours = spawnRuntime();
  try {
    const mode = await ours.api.init({ wasmBase: WASM_BASE, binary: 'simd' });
    // Ours in the same run on each kernel family and on tfjs' XNNPACK kernels only (before ours).
    const table: string[] = [];
    for (const [executor, options] of [[`our kernels, ${mode.kernelFamily}`, {}], ['our kernels, simd', { relaxedSimd: false }], ['tfjs kernels only (XNNPACK)', { ownKernels: false }]] as const) {
      if (executor === `our kernels, ${mode.kernelFamily}` && mode.kernelFamily === 'simd') continue; // the next row
      const results = await runAnchor(ours.api, theirs.api, { runs: RUNS, warmup: WARMUP, input, options });
      table.push(...results.map((r) => r.liteRtMs
        ? `| ${r.model} | ${executor} | ${median(r.oursMs).toFixed(2)} | ${median(r.liteRtMs).toFixed(2)} | ${(median(r.oursMs) / median(r.liteRtMs)).toFixed(2)} | ${r.maxAbsDiff!.toExponential(1)} |`
        : `| ${r.model} | ${executor} | ${median(r.oursMs).toFixed(2)} | not runnable: ${(r.reason ?? '').slice(0, 80)} | - | - |`));
    }
    return `\nLiteRT.js ${await liteRtVersion()} (${theirs.file}, wasm accelerator, 1 thread, classic worker) vs ours (${mode.binary}, ${mode.threads} thread, fused), same input, ${RUNS} runs each in alternating rounds\n` +
      '| model | ours | ours median | LiteRT.js median | ours / LiteRT.js | max abs difference of outputs |\n|---|---|---|---|---|---|\n' +
      table.join('\n');
  } finally {
    ours.worker.terminate();
    theirs.worker.terminate();
  }
}
