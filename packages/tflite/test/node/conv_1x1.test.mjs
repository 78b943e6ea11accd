// Node tests of our 1x1 convolution kernel (assembly/conv_1x1.ts, npm run build:kernels) against a
// plain-JavaScript definition, on seeded random shapes with channel and pixel counts that are not
// multiples of the tile (4 pixels x 8 channels; tails of 2 and 1 pixels), every activation, without
// and with a residual shortcut (as wide as the output, or narrower: a folded channel PAD).
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
 * order, each product and sum rounded; then TFLite's ADD of the shortcut s (zero-padded from sc
 * channels: nothing added past them) when sc > 0, then the activation. Also, per output, |bias| +
 * sum |x[k] w[k]| and the sum before the activation (for the relaxed build's bound).
 */
function reference(c, mode, sc) {
  const { x, w, bias, alpha, pixels, K, N, s } = c;
  const out = new Float32Array(pixels * N);
  const magnitude = new Float64Array(pixels * N);
  const sum = new Float64Array(pixels * N);
  for (let p = 0; p < pixels; p++) {
    for (let n = 0; n < N; n++) {
      let acc = bias[n];
      let m = Math.abs(bias[n]);
      for (let k = 0; k < K; k++) {
        acc = f(acc + f(x[p * K + k] * w[n * K + k]));
        m += Math.abs(x[p * K + k] * w[n * K + k]);
      }
      if (n < sc) acc = f(s[p * sc + n] + acc);
      out[p * N + n] = activate(acc, mode, alpha[n]);
      magnitude[p * N + n] = m;
      sum[p * N + n] = acc;
    }
  }
  return { out, magnitude, sum };
}

/** Runs the kernel build `bytes` on one case in a memory of its own; returns its output. */
function runKernel(bytes, c, mode, sc) {
  const memory = new WebAssembly.Memory({ initial: 4 });
  const k = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
  const heap = new Float32Array(memory.buffer);
  const packed = packConv1x1(c.w, c.bias, c.alpha, c.K, c.N);
  // Unaligned offsets (in floats) on purpose: the kernel must not assume 16-byte alignment.
  const at = { x: 3, packed: 3 + c.x.length + 1, s: 0, out: 0 };
  at.s = at.packed + packed.length + 2;
  at.out = at.s + c.pixels * sc + 5;
  heap.set(c.x, at.x);
  heap.set(packed, at.packed);
  heap.set(c.s.subarray(0, c.pixels * sc), at.s);
  heap.fill(NaN, at.out, at.out + c.pixels * c.N + 8);
  k.conv1x1(at.x * 4, at.packed * 4, at.out * 4, c.pixels, c.K, c.N, MODES.indexOf(mode), sc ? at.s * 4 : 0, sc);
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
    // Shortcut widths: none, the output's, and narrower ones (a folded PAD: tails inside a block).
    const widths = [...new Set([0, N, Math.max(1, N - 3), Math.max(1, N >> 1)])];
    CASES.push({ pixels, K, N, widths, x: fill(pixels * K, -2, 2), w: fill(N * K, -1, 1), bias: fill(N, -0.5, 0.5), alpha: fill(N, 0.05, 0.5), s: fill(pixels * N, -2, 2) });
  }
}

const u = 2 ** -24;
const gamma = (n) => (n * u) / (1 - n * u);

for (const c of CASES) {
  const name = `${c.pixels} pixels, ${c.K} -> ${c.N} channels, shortcut ${c.widths.join('/')} channels`;
  test(`conv1x1, plain SIMD build: ${name}, every activation, equals the definition bit for bit`, () => {
    for (const sc of c.widths) {
      for (const mode of MODES) {
        const want = reference(c, mode, sc).out;
        const got = runKernel(plainBytes, c, mode, sc);
        assert.deepEqual(Array.from(got, (v) => v + 0), Array.from(want, (v) => v + 0), `${mode}, shortcut ${sc}`);
      }
    }
  });

  // Fused multiply-add rounds once per step where the plain build rounds twice. Both are a recursive
  // float32 dot product of K + 1 terms (the bias first), so each is within gamma(K + 1) *
  // (|bias| + sum |x w|) of the exact value, gamma(n) = n u / (1 - n u), u = 2^-24 (Higham, Accuracy
  // and Stability of Numerical Algorithms, 3.1); they differ by at most B, twice that. Adding the
  // shortcut s rounds once more on each side: |fl(a + s) - fl(b + s)| <= |a - b| + u (|a + s| + |b + s|)
  // <= B + u (2 |b + s| + B). The activations are monotone with slope 1 (RELU, RELU6) or at most
  // max(1, |alpha|) (PReLU), so the bound carries through the store. Computed from each output's own
  // terms, not a constant.
  test(`conv1x1, relaxed-SIMD build: ${name}, within the fused-vs-unfused bound of the plain build`, { skip: relaxedHere ? false : 'this Node does not validate relaxed SIMD' }, () => {
    for (const sc of c.widths) {
      for (const mode of MODES) {
        const { out: plain, magnitude, sum } = reference(c, mode, sc);
        const got = runKernel(relaxedBytes, c, mode, sc);
        for (let i = 0; i < got.length; i++) {
          const n = i % c.N;
          const slope = mode === 'prelu' ? Math.max(1, Math.abs(c.alpha[n])) : 1;
          let bound = 2 * gamma(c.K + 1) * magnitude[i];
          if (n < sc) bound += u * (2 * Math.abs(sum[i]) * (1 + u) + bound); // |b + s| <= |fl(b + s)| (1 + u)
          bound *= slope;
          assert.ok(Math.abs(got[i] - plain[i]) <= bound, `${mode}, shortcut ${sc}, output ${i}: |${got[i]} - ${plain[i]}| > ${bound}`);
        }
      }
    }
  });
}
