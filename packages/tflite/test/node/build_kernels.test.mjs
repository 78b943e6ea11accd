// Node tests of our own wasm kernels (npm run build:kernels): the module checks, and each kernel
// against a plain-JavaScript definition of TFLite's PAD (channels) + ADD + RELU/PRELU, in a memory
// of its own. The browser tests compare the same kernels with tfjs' inside whole models.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { checkKernelModule } from '../../tools/kernel-module-check.mjs';
import { loadSources } from './load_sources.mjs';

const { sharedMemoryVariant } = await loadSources('kernel-module', { sharedMemoryVariant: 'plan/kernel_module' });

/**
 * A generated kernel module (build-kernels.mjs): its plain-SIMD build, the shared-memory one made
 * from it at attach time, and its relaxed-SIMD build (null when the same bytes).
 */
function builtModule(url) {
  const generated = readFileSync(url, 'utf8');
  const plain = Buffer.from(generated.match(/KERNELS_WASM_BASE64 = '([^']+)'/)[1], 'base64');
  const relaxed = generated.match(/KERNELS_RELAXED_WASM_BASE64 = '([^']+)'/);
  return { plain, shared: sharedMemoryVariant(plain), relaxed: relaxed ? Buffer.from(relaxed[1], 'base64') : null };
}
const tflite = builtModule(new URL('../../src/plan/kernels.generated.ts', import.meta.url));
const { plain: plainBytes, shared: sharedBytes } = tflite;
/** The face worker's crop sampler, built by the same tool (packages/worker-runtime/assembly/crop_sampler.ts). */
const crop = builtModule(new URL('../../../worker-runtime/src/pipeline/crop_kernel.generated.ts', import.meta.url));

test('the built kernel modules pass the checks; a module with a data segment or another import does not', () => {
  checkKernelModule(plainBytes, false);
  checkKernelModule(sharedBytes, true);
  checkKernelModule(crop.plain, false);
  checkKernelModule(crop.shared, true);
  assert.throws(() => checkKernelModule(plainBytes, true), /import|memory|shared/i);
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const importMemory = [0x02, 0x0f, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x00];
  const dataSegment = [0x0b, 0x07, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0xff];
  assert.throws(() => checkKernelModule(new Uint8Array([...header, ...importMemory, ...dataSegment]), false), /data segment/);
  const importTwo = [0x02, 0x18, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x00,
    0x03, 0x65, 0x6e, 0x76, 0x01, 0x67, 0x03, 0x7f, 0x00]; // + an immutable i32 global env.g
  assert.throws(() => checkKernelModule(new Uint8Array([...header, ...importTwo]), false), /expected one import/);
});

test('the relaxed-SIMD builds: the tflite kernels have one (its madd differs), the crop sampler ships its plain build for both', () => {
  assert.ok(tflite.relaxed && !tflite.relaxed.equals(plainBytes));
  assert.match(readFileSync(new URL('../../../worker-runtime/src/pipeline/crop_kernel.generated.ts', import.meta.url), 'utf8'), /KERNELS_RELAXED_WASM_BASE64 = KERNELS_WASM_BASE64;/);
});

test('the relaxed-SIMD build passes the checks in both memories', { skip: tflite.relaxed && WebAssembly.validate(tflite.relaxed) ? false : 'this Node does not validate relaxed SIMD (Node 20 without --experimental-wasm-relaxed-simd)' }, () => {
  checkKernelModule(tflite.relaxed, false);
  checkKernelModule(sharedMemoryVariant(tflite.relaxed), true);
});

/** Seeded uniform values in [-1, 1), with exact zeros and negative zeros mixed in. */
function values(seed, n) {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    if (i % 17 === 0) return i % 34 === 0 ? 0 : -0;
    return s / 2 ** 31 - 1;
  });
}

/** TFLite: PAD the shortcut x with zero channels to `channels`, ADD y, then the activation. */
function reference(x, xChannels, y, alpha, pixels, channels, act) {
  const out = new Float32Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < channels; c++) {
      const v = Math.fround((c < xChannels ? x[p * xChannels + c] : 0) + y[p * channels + c]);
      out[p * channels + c] = act === 'relu' ? Math.max(v, 0) : act === 'prelu' ? (v >= 0 ? v : Math.fround(alpha[c] * v)) : v;
    }
  }
  return out;
}

for (const [xChannels, channels, pixels] of [[16, 16, 9], [24, 28, 7], [36, 42, 5], [42, 48, 3], [3, 5, 4], [64, 128, 2]]) {
  test(`residual kernels: ${xChannels} -> ${channels} channels, ${pixels} pixels, none / RELU / PRELU equal TFLite's definition`, () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const k = new WebAssembly.Instance(checkKernelModule(plainBytes, false), { env: { memory } }).exports;
    const heap = new Float32Array(memory.buffer);
    const x = values(xChannels, pixels * xChannels);
    const y = values(channels * 7, pixels * channels);
    const alpha = values(3, channels);
    // Unaligned offsets (in floats) on purpose: the kernels must not assume 16-byte alignment.
    const at = { x: 5, y: 5 + x.length + 3, alpha: 2000, out: 3001 };
    heap.set(x, at.x);
    heap.set(y, at.y);
    heap.set(alpha, at.alpha);
    for (const act of ['none', 'relu', 'prelu']) {
      heap.fill(NaN, at.out, at.out + pixels * channels + 8);
      if (act === 'none') k.residualAdd(at.x * 4, xChannels, at.y * 4, at.out * 4, pixels, channels);
      if (act === 'relu') k.residualAddRelu(at.x * 4, xChannels, at.y * 4, at.out * 4, pixels, channels);
      if (act === 'prelu') k.residualAddPrelu(at.x * 4, xChannels, at.y * 4, at.out * 4, at.alpha * 4, pixels, channels);
      const got = heap.slice(at.out, at.out + pixels * channels);
      assert.deepEqual(Array.from(got, (v) => v + 0), Array.from(reference(x, xChannels, y, alpha, pixels, channels, act), (v) => v + 0), act);
      assert.ok(Number.isNaN(heap[at.out + pixels * channels]), `${act}: wrote past the output`);
    }
  });
}
