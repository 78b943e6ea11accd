// Node tests of our 1x1 convolution kernel (assembly/conv_1x1.ts, npm run build:kernels) against a
// plain-JavaScript definition, on seeded random shapes with channel and pixel counts that are not
// multiples of the tile (4 pixels x 8 channels; tails of 2 and 1 pixels), every activation.
// The plain SIMD build must equal the definition bit for bit: it sums in XNNPACK's order (bias, then
// k = 0, 1, ..., each product and each sum rounded to float32). The relaxed-SIMD build (fused
// multiply-add) is checked where this Node validates it: Node 21+ (V8 11.4+ ships relaxed SIMD);
// Node 20 only with --experimental-wasm-relaxed-simd (node --experimental-wasm-relaxed-simd --test ...).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { loadSources } from './load_sources.mjs';

const { packConv1x1 } = await loadSources('conv-1x1', { packConv1x1: 'plan/own_conv_step' });
const generated = readFileSync(new URL('../../src/plan/kernels.generated.ts', import.meta.url), 'utf8');
const base64 = (name) => Buffer.from(generated.match(new RegExp(`${name} = '([^']+)'`))[1], 'base64');
const plainBytes = base64('KERNELS_WASM_BASE64');
const relaxedBytes = base64('KERNELS_RELAXED_WASM_BASE64');
const relaxedHere = WebAssembly.validate(relaxedBytes);

const MODES = ['none', 'relu', 'relu6', 'prelu'];
const f = Math.fround;

/** mulberry32: seeded uniform values in [lo, hi). */
function random(seed) {
  let s = seed >>> 0;
  return (lo = -1, hi = 1) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 2 ** 32);
  };
}

function activate(v, mode, alpha) {
  if (mode === 'relu') return Math.max(v, 0);
  if (mode === 'relu6') return Math.min(Math.max(v, 0), 6);
  if (mode === 'prelu') return v >= 0 ? v : f(alpha * v);
  return v;
}

/**
 * TFLite's CONV_2D 1x1 in float32, summed as XNNPACK does: acc = bias, then acc += x[k] * w[k] in k
 * order, each product and sum rounded. Also |bias| + sum |x[k] w[k]| per output (for the bound).
 */
function reference(x, w, bias, alpha, pixels, K, N, mode) {
  const out = new Float32Array(pixels * N);
  const magnitude = new Float64Array(pixels * N);
  for (let p = 0; p < pixels; p++) {
    for (let n = 0; n < N; n++) {
      let acc = bias[n];
      let m = Math.abs(bias[n]);
      for (let k = 0; k < K; k++) {
        acc = f(acc + f(x[p * K + k] * w[n * K + k]));
        m += Math.abs(x[p * K + k] * w[n * K + k]);
      }
      out[p * N + n] = activate(acc, mode, alpha[n]);
      magnitude[p * N + n] = m;
    }
  }
  return { out, magnitude };
}

/** Runs the kernel build `bytes` on one case in a memory of its own; returns its output. */
function runKernel(bytes, c, mode) {
  const memory = new WebAssembly.Memory({ initial: 4 });
  const k = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
  const heap = new Float32Array(memory.buffer);
  const packed = packConv1x1(c.w, c.bias, c.alpha, c.K, c.N);
  // Unaligned offsets (in floats) on purpose: the kernel must not assume 16-byte alignment.
  const at = { x: 3, packed: 3 + c.x.length + 1, out: 0 };
  at.out = at.packed + packed.length + 5;
  heap.set(c.x, at.x);
  heap.set(packed, at.packed);
  heap.fill(NaN, at.out, at.out + c.pixels * c.N + 8);
  k.conv1x1(at.x * 4, at.packed * 4, at.out * 4, c.pixels, c.K, c.N, MODES.indexOf(mode));
  assert.ok(Number.isNaN(heap[at.out + c.pixels * c.N]), 'wrote past the output');
  return heap.slice(at.out, at.out + c.pixels * c.N);
}

/** Seeded cases: tails in every dimension, and the models' sizes. */
const CASES = [];
{
  const r = random(25);
  const pick = (xs) => xs[Math.floor(r(0, xs.length))];
  const shapes = [[1, 1, 1], [4, 4, 8], [6, 16, 16], [7, 3, 5], [13, 17, 12], [25, 33, 31], [37, 5, 9], [24, 8, 1], [10, 64, 128], [9, 2, 4]];
  for (let i = 0; i < 10; i++) shapes.push([pick([1, 2, 3, 5, 11, 23, 29, 48]), pick([1, 3, 4, 7, 12, 24, 40]), pick([1, 3, 5, 7, 8, 15, 17, 36])]);
  for (const [pixels, K, N] of shapes) {
    const fill = (n, lo, hi) => Float32Array.from({ length: n }, () => r(lo, hi));
    CASES.push({ pixels, K, N, x: fill(pixels * K, -2, 2), w: fill(N * K, -1, 1), bias: fill(N, -0.5, 0.5), alpha: fill(N, 0.05, 0.5) });
  }
}

for (const c of CASES) {
  const name = `${c.pixels} pixels, ${c.K} -> ${c.N} channels`;
  test(`conv1x1, plain SIMD build: ${name}, every activation, equals the definition bit for bit`, () => {
    for (const mode of MODES) {
      const want = reference(c.x, c.w, c.bias, c.alpha, c.pixels, c.K, c.N, mode).out;
      const got = runKernel(plainBytes, c, mode);
      assert.deepEqual(Array.from(got, (v) => v + 0), Array.from(want, (v) => v + 0), mode);
    }
  });

  // Fused multiply-add rounds once per step where the plain build rounds twice. Both are a recursive
  // float32 dot product of K + 1 terms (the bias first), so each is within gamma(K + 1) *
  // (|bias| + sum |x w|) of the exact value, gamma(n) = n u / (1 - n u), u = 2^-24 (Higham, Accuracy
  // and Stability of Numerical Algorithms, 3.1); they differ by at most twice that. The activations
  // are monotone with slope 1 (RELU, RELU6) or max(1, |alpha|) (PReLU), so the bound carries through
  // the store. It is computed from each output's own terms, not a constant.
  test(`conv1x1, relaxed-SIMD build: ${name}, within the fused-vs-unfused bound of the plain build`, { skip: relaxedHere ? false : 'this Node does not validate relaxed SIMD' }, () => {
    const u = 2 ** -24;
    const gamma = (n) => (n * u) / (1 - n * u);
    for (const mode of MODES) {
      const { out: plain, magnitude } = reference(c.x, c.w, c.bias, c.alpha, c.pixels, c.K, c.N, mode);
      const got = runKernel(relaxedBytes, c, mode);
      for (let i = 0; i < got.length; i++) {
        const slope = mode === 'prelu' ? Math.max(1, Math.abs(c.alpha[i % c.N])) : 1;
        const bound = 2 * gamma(c.K + 1) * magnitude[i] * slope;
        assert.ok(Math.abs(got[i] - plain[i]) <= bound, `${mode}, output ${i}: |${got[i]} - ${plain[i]}| > ${bound}`);
      }
    }
  });
}
