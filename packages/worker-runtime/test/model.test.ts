/**
 * Whole models in the runtime worker, on each wasm binary, against outputs computed independently
 * by the spec's NumPy interpreter (test/fixtures). Also: no tensor leaks over 20 runs, load errors.
 *
 * Tolerance: 1e-3 (px192 for landmarks, px128 for detector regressors, logit units for scores and
 * the face flag). Both sides compute in float32 with different summation orders; the measured max
 * differences are logged.
 */
import { expect } from 'chai';
import { chooseThreadCount } from '../src/index.js';
import { fixtureInput, loadFixtures, type ModelFixtures } from './fixtures.js';
import { maxAbsDiff } from '../../tflite/test/helpers.js';
import { spawnRuntime, WASM_BASE } from './spawn.js';
import { engine, threadedBinaryTested } from './engine.js';

const TOL = 1e-3;
const MESH_URL = '/models/dist/face_landmark_with_attention.tflite';
const PLAIN_URL = '/models/dist/face_landmark.tflite';
const DETECTOR_URL = '/models/dist/face_detection_short_range.tflite';
const MESH_KEYS = ['mesh', 'lips', 'leftEye', 'rightEye', 'leftIris', 'rightIris', 'faceFlag'] as const;

function check(what: string, actual: Float32Array, expected: number[], report: string[]): void {
  const d = maxAbsDiff(actual, expected, what);
  report.push(`${what} ${d.toExponential(2)}`);
  expect(d, `${what}: max |diff| ${d}`).to.be.at.most(TOL);
}

describe('whole models in the worker vs the NumPy reference', () => {
  let fx: ModelFixtures;
  let meshInput: Float32Array;
  let detectorInput: Float32Array;
  before(async () => {
    fx = await loadFixtures();
    meshInput = await fixtureInput(fx.mesh.input);
    detectorInput = await fixtureInput(fx.detector.input);
  });

  // The plan executor (default), the plan without our own SIMD kernels, and the reference executor.
  // Steps (attention mesh): 712 ops - 371 DEQUANTIZE and 1 identity STRIDED_SLICE (aliases); the
  // reference fuses 7 PRELUs into their conv (333 steps); the plan also makes the 13 RESHAPEs
  // aliases (320), and with its residual kernels folds 66 PRELUs and 9 channel PADs into their ADD (245);
  // its 1x1 conv kernel takes 59 of those ADD steps into the conv before them (186).
  const variants = [
    { name: 'plan', options: {}, meshSteps: 186 },
    { name: 'plan on tfjs kernels', options: { ownKernels: false }, meshSteps: 320 },
    { name: 'reference executor', options: { executor: 'reference' }, meshSteps: 333 },
  ] as const;
  for (const binary of threadedBinaryTested ? (['threaded-simd', 'simd', 'plain'] as const) : (['simd', 'plain'] as const)) for (const variant of variants) {
    it(`${binary}, ${variant.name}: attention mesh, plain mesh and detector outputs match; 20 runs leak no tensor`, async () => {
      const { api, worker } = spawnRuntime();
      try {
        const mode = await api.init({ wasmBase: WASM_BASE, binary });
        expect(mode.binary).to.equal(binary);
        if (binary === 'threaded-simd') expect(mode.threads).to.equal(chooseThreadCount(navigator.hardwareConcurrency, 'auto'));
        const report: string[] = [];

        const mesh = await api.loadModel(MESH_URL, variant.options);
        expect(mesh.operators).to.equal(712);
        expect(mesh.steps).to.equal(variant.meshSteps);
        // Our kernels run in the family the engine validates (ready's kernelFamily), or not at all.
        expect(mesh.kernelFamily).to.equal(variant.name === 'plan' ? mode.kernelFamily : null);
        if (variant.name === 'plan') expect(mode.kernelFamily).to.be.oneOf(['relaxed-simd', 'simd']);
        expect(mesh.outputs.map((o) => o.name)).to.deep.equal([
          'output_mesh_identity', 'output_lips', 'output_left_eye', 'output_right_eye', 'output_left_iris', 'output_right_iris', 'conv_faceflag',
        ]);
        const meshOut = await api.run(mesh.id, meshInput);
        MESH_KEYS.forEach((k, i) => check(`mesh.${k}`, meshOut.outputs[i]!, fx.mesh.outputs[k], report));

        const plain = await api.loadModel(PLAIN_URL, variant.options);
        const plainOut = await api.run(plain.id, meshInput);
        check('plainMesh.mesh', plainOut.outputs[0]!, fx.plainMesh.outputs.mesh, report);
        check('plainMesh.faceFlag', plainOut.outputs[1]!, fx.plainMesh.outputs.faceFlag, report);

        const det = await api.loadModel(DETECTOR_URL, variant.options);
        const detOut = await api.run(det.id, detectorInput);
        const [regressors, scores] = detOut.outputs as [Float32Array, Float32Array];
        expect(regressors.length).to.equal(896 * 16);
        check('detector.scores', scores, fx.detector.scores, report);
        const top = fx.detector.topAnchors.flatMap((a) => Array.from(regressors.subarray(a * 16, a * 16 + 16)));
        check('detector.topRegressors', Float32Array.from(top), fx.detector.topRegressors, report);
        const sampled = fx.detector.sampledRegressors.map((_, i) => regressors[i * fx.detector.sampleStride]!);
        check('detector.sampledRegressors', Float32Array.from(sampled), fx.detector.sampledRegressors, report);
        let sum = 0, sumAbs = 0;
        for (const v of regressors) { sum += v; sumAbs += Math.abs(v); }
        // Sums over 14336 values: at most TOL per value.
        expect(Math.abs(sum - fx.detector.regressorStats.sum)).to.be.at.most(TOL * regressors.length);
        expect(Math.abs(sumAbs - fx.detector.regressorStats.sumAbs)).to.be.at.most(TOL * regressors.length);
        report.push(`detector.|Δsum| ${Math.abs(sum - fx.detector.regressorStats.sum).toExponential(2)}`);

        const before = await api.numTensors();
        for (let i = 0; i < 20; i++) {
          await api.run(mesh.id, meshInput);
          await api.run(det.id, detectorInput);
        }
        expect(await api.numTensors(), 'tensors after 20 runs').to.equal(before);
        // And the results do not drift between runs.
        const again = await api.run(mesh.id, meshInput);
        expect(Array.from(again.outputs[0]!)).to.deep.equal(Array.from(meshOut.outputs[0]!));

        await api.disposeModel(plain.id);
        expect(await api.numTensors(), 'after disposing a model').to.be.lessThan(before);
        console.log(`[${binary}, ${mode.threads} thread(s), ${variant.name}${variant.name === 'plan' ? `, ${mode.kernelFamily}` : ''}] max |diff| vs NumPy: ${report.join(', ')}; mesh ${meshOut.ms.toFixed(1)} ms (first run)`);
      } finally {
        worker.terminate();
      }
    });
  }
});

describe('the plan executor against the reference executor, whole models', () => {
  // Our kernels' plain SIMD build sums as XNNPACK does (bias, then k in order, each product and sum
  // rounded), so the plan equals the reference bit for bit. The relaxed build's fused multiply-adds
  // change the last bits of each 1x1 conv (the per-op bound: tflite plan_executor.test.ts); that
  // family is held to the NumPy reference at TOL above, like every executor.
  it('on plain SIMD kernels, gives exactly the reference executor\'s outputs for the three models (custom ops included)', async () => {
    const fx = await loadFixtures();
    const inputs = { mesh: await fixtureInput(fx.mesh.input), detector: await fixtureInput(fx.detector.input) };
    const { api, worker } = spawnRuntime();
    try {
      const mode = await api.init({ wasmBase: WASM_BASE, binary: 'simd' });
      console.log(`[${engine}] our kernels: ${mode.kernelFamily ?? 'none'}`);
      // Chromium has shipped relaxed SIMD since 114: the relaxed build must be the one it runs.
      if (engine === 'Chromium') expect(mode.kernelFamily).to.equal('relaxed-simd');
      for (const [url, input] of [[MESH_URL, inputs.mesh], [PLAIN_URL, inputs.mesh], [DETECTOR_URL, inputs.detector]] as const) {
        const plan = await api.loadModel(url, { relaxedSimd: false });
        expect(plan.kernelFamily).to.equal('simd');
        const reference = await api.loadModel(url, { executor: 'reference' });
        const [a, b] = [await api.run(plan.id, input), await api.run(reference.id, input)];
        expect(a.outputs.length).to.equal(b.outputs.length);
        a.outputs.forEach((o, i) => expect(maxAbsDiff(o, b.outputs[i]!, `${url} output ${i}`), `${url} output ${i}`).to.equal(0));
      }
    } finally {
      worker.terminate();
    }
  });

  // Our 1x1 kernel runs on one thread: on a pool of more, the plan calls XNNPACK's (parallel) for
  // those convs, so even the relaxed build's plan equals the reference there.
  (threadedBinaryTested ? it : it.skip)('threaded binary, pool of 2: the 1x1 convs run on XNNPACK, outputs exactly the reference\'s', async () => {
    const fx = await loadFixtures();
    const input = await fixtureInput(fx.mesh.input);
    const { api, worker } = spawnRuntime();
    try {
      const mode = await api.init({ wasmBase: WASM_BASE, binary: 'threaded-simd', threads: 2 });
      expect(mode.threads).to.equal(2);
      const plan = await api.loadModel(MESH_URL);
      expect(plan.kernelFamily).to.equal(mode.kernelFamily);
      const reference = await api.loadModel(MESH_URL, { executor: 'reference' });
      const [a, b] = [await api.run(plan.id, input), await api.run(reference.id, input)];
      a.outputs.forEach((o, i) => expect(maxAbsDiff(o, b.outputs[i]!, `output ${i}`), `output ${i}`).to.equal(0));
      // The profile names what runs: XNNPACK's convs here (on one thread the depthwise and full
      // convs are labelled "(own SIMD)": plan_executor.test.ts).
      const { ops } = await api.bench(plan.id, input, 2, 0);
      expect(ops.some((o) => o.label.startsWith('DEPTHWISE_CONV_2D')), 'depthwise steps profiled').to.equal(true);
      expect(ops.filter((o) => /CONV_2D.*\(own SIMD\)/.test(o.label)).map((o) => o.label), 'steps labelled as our conv kernels on the pool of 2').to.deep.equal([]);
    } finally {
      worker.terminate();
    }
  });
});

describe('ownKernels: false', () => {
  it('init reports the kernels off with the reason, and the plan runs on tfjs kernels with the same outputs', async () => {
    const fx = await loadFixtures();
    const input = await fixtureInput(fx.mesh.input);
    const { api, worker } = spawnRuntime();
    try {
      const mode = await api.init({ wasmBase: WASM_BASE, binary: 'simd', ownKernels: false });
      expect(mode.ownKernels).to.equal(false);
      expect(mode.kernelFamily).to.equal(null);
      expect(mode.kernelsNote).to.match(/tfjs' kernels only: turned off/);
      const mesh = await api.loadModel(MESH_URL);
      expect(mesh.steps).to.equal(320);
      const out = await api.run(mesh.id, input);
      MESH_KEYS.forEach((k, i) => expect(maxAbsDiff(out.outputs[i]!, fx.mesh.outputs[k], k)).to.be.at.most(TOL));
    } finally {
      worker.terminate();
    }
  });
});

describe('loading errors through the worker API', () => {
  let api: ReturnType<typeof spawnRuntime>['api'];
  let worker: Worker;
  before(async () => {
    ({ api, worker } = spawnRuntime());
    await api.init({ wasmBase: WASM_BASE, binary: 'simd' });
  });
  after(() => worker.terminate());

  const failure = (url: string) => api.loadModel(url).then(() => null, (e: unknown) => String((e as Error).message));

  it('names the URL and the HTTP status when the file is missing', async () => {
    const msg = await failure('/models/dist/missing.tflite');
    expect(msg).to.match(/\/models\/dist\/missing\.tflite.*HTTP 404/);
  });

  it('says "not a TFLite file" for some other file', async () => {
    const url = new URL('./fixtures/README.md', import.meta.url).href;
    const msg = await failure(url);
    expect(msg).to.contain(url);
    expect(msg).to.contain('not a TFLite file');
  });

  it('says "truncated" for a cut model file', async () => {
    const bytes = await (await fetch(DETECTOR_URL)).arrayBuffer();
    const url = URL.createObjectURL(new Blob([bytes.slice(0, bytes.byteLength >> 1)]));
    try {
      const msg = await failure(url);
      expect(msg).to.contain(url);
      expect(msg).to.match(/truncated or corrupt TFLite file/);
    } finally {
      URL.revokeObjectURL(url);
    }
  });
});
