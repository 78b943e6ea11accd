// Temporary (not committed): own conv kernels vs XNNPACK, simd binary, 1 thread, alternating rounds.
import { spawnRuntime, WASM_BASE } from '../test/spawn.js';

const MODELS = [
  ['mesh (attention)', '/models/dist/face_landmark_with_attention.tflite', 192],
  ['mesh (plain)', '/models/dist/face_landmark.tflite', 192],
  ['detector', '/models/dist/face_detection_short_range.tflite', 128],
] as const;
const ROUNDS = 12;
const med = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };
function input(size: number): Float32Array {
  const x = new Float32Array(size * size * 3);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
  return x;
}
describe('conv a/b', () => {
  it('prints', async () => {
    const { api, worker } = spawnRuntime();
    const out: string[] = [];
    try {
      await api.init({ wasmBase: WASM_BASE, binary: 'simd' });
      for (const [name, url, size] of MODELS) {
        const own = await api.loadModel(url, {});
        const xnn = await api.loadModel(url, { ownKernels: false });
        const totals: Record<string, number[]> = { own: [], xnn: [] };
        const ops: Record<string, Record<string, number[]>> = { own: {}, xnn: {} };
        for (let r = 0; r < ROUNDS; r++) {
          for (const [k, m] of [['own', own], ['xnn', xnn]] as const) {
            const res = await api.bench(m.id, input(size), 20, 3);
            totals[k]!.push(med(res.ms));
            for (const o of res.ops) (ops[k]![o.label.replace(' (own SIMD)', '*')] ??= []).push(o.msPerRun);
          }
        }
        out.push(`${name}: median of ${ROUNDS} round medians: own ${med(totals.own!).toFixed(3)} ms, xnnpack ${med(totals.xnn!).toFixed(3)} ms`);
        for (const k of ['own', 'xnn']) {
          out.push(`  ${k}: ` + Object.entries(ops[k]!).filter(([l]) => l.includes('CONV')).map(([l, v]) => `${l} ${med(v).toFixed(3)}`).join(', '));
        }
        await api.disposeModel(own.id);
        await api.disposeModel(xnn.id);
      }
    } finally {
      worker.terminate();
    }
    console.log('\n' + out.join('\n'));
  });
});
