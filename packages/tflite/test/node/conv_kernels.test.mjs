// Node tests of our own convolution kernels (assembly/depthwise.ts, conv_full.ts, built by npm run
// build:kernels) against a plain-JavaScript definition of TFLite's DEPTHWISE_CONV_2D and CONV_2D
// (SAME/VALID padding, bias, activation), summing in the kernels' order with float32 rounding after
// every multiply and add, so the results must be identical. Shapes: the models' (3x3 stride 1/2,
// 3x3 and 5x5 stride 2 over 3 channels, 3x3 and 2x2 over a whole 3x3 or 2x2 map), channel counts that
// are not a multiple of 4 or 8, inputs too small for an interior. The browser tests compare the same
// kernels with XNNPACK's inside whole models.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { loadSources } from './load_sources.mjs';

const { packDepthwise3x3, packFullConv, windowPadding } = await loadSources('conv-packing', {
  packDepthwise3x3: 'plan/conv_packing', packFullConv: 'plan/conv_packing', windowPadding: 'plan/conv_packing',
});
const generated = readFileSync(new URL('../../src/plan/kernels.generated.ts', import.meta.url), 'utf8');
const wasm = Buffer.from(generated.match(/KERNELS_WASM_BASE64 = '([^']+)'/)[1], 'base64');
const f = Math.fround;

/** Seeded uniform values in [lo, hi). */
function values(seed, n, lo = -1, hi = 1) {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return f(lo + (s / 2 ** 32) * (hi - lo));
  });
}

const ACT = {
  none: (v) => v,
  relu: (v) => Math.max(v, 0),
  relu6: (v) => Math.min(Math.max(v, 0), 6),
  prelu: (v, a) => (v >= 0 ? v : f(a * v)),
};

/** TFLite DEPTHWISE_CONV_2D 3x3, multiplier 1; taps summed kx outer, ky inner after the bias; padding adds nothing. */
function depthwiseReference(x, [H, W, C], filter, bias, alpha, stride, padding, act) {
  const py = windowPadding(H, 3, stride, padding), px = windowPadding(W, 3, stride, padding);
  const out = new Float32Array(py.out * px.out * C);
  for (let oy = 0; oy < py.out; oy++) {
    for (let ox = 0; ox < px.out; ox++) {
      for (let c = 0; c < C; c++) {
        let acc = bias[c];
        for (let kx = 0; kx < 3; kx++) {
          for (let ky = 0; ky < 3; ky++) {
            const iy = oy * stride - py.before + ky, ix = ox * stride - px.before + kx;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            acc = f(acc + f(x[(iy * W + ix) * C + c] * filter[(ky * 3 + kx) * C + c]));
          }
        }
        out[(oy * px.out + ox) * C + c] = ACT[act](acc, alpha?.[c]);
      }
    }
  }
  return { out, shape: [py.out, px.out, C], py, px };
}

/** TFLite CONV_2D, filter OHWI; summed ky, kx, ic after the bias; padding adds nothing. */
function convReference(x, [H, W, I], filter, [O, kh, kw], bias, alpha, stride, padding, act) {
  const py = windowPadding(H, kh, stride, padding), px = windowPadding(W, kw, stride, padding);
  const out = new Float32Array(py.out * px.out * O);
  for (let oy = 0; oy < py.out; oy++) {
    for (let ox = 0; ox < px.out; ox++) {
      for (let o = 0; o < O; o++) {
        let acc = bias[o];
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const iy = oy * stride - py.before + ky, ix = ox * stride - px.before + kx;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            for (let i = 0; i < I; i++) acc = f(acc + f(x[(iy * W + ix) * I + i] * filter[((o * kh + ky) * kw + kx) * I + i]));
          }
        }
        out[(oy * px.out + ox) * O + o] = ACT[act](acc, alpha?.[o]);
      }
    }
  }
  return { out, shape: [py.out, px.out, O], py, px };
}

/** Places arrays in a fresh memory at unaligned float offsets with NaN guards between them; returns byte offsets and the heap. */
function layout(arrays, outSize) {
  const total = arrays.reduce((n, a) => n + a.length + 7, outSize + 16);
  const memory = new WebAssembly.Memory({ initial: Math.ceil((total * 4) / 65536) + 1 });
  const heap = new Float32Array(memory.buffer);
  heap.fill(NaN);
  let at = 3;
  const offsets = arrays.map((a) => {
    const o = at;
    heap.set(a, o);
    at += a.length + 5;
    return o * 4;
  });
  const k = new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: { memory } }).exports;
  return { k, heap, offsets, out: at };
}

/** The kernels' activation codes (assembly/epilogue.ts). */
const MODE = { none: 0, relu: 1, relu6: 2, prelu: 3 };
const plain = (a) => Array.from(a, (v) => v + 0);

for (const [H, W, C, stride, padding, act] of [
  [96, 96, 16, 1, 'SAME', 'none'], [12, 12, 128, 2, 'SAME', 'none'], [64, 64, 28, 2, 'SAME', 'none'], [32, 32, 42, 2, 'SAME', 'none'],
  [7, 9, 42, 1, 'SAME', 'prelu'], [8, 5, 6, 2, 'SAME', 'relu'], [9, 7, 5, 2, 'SAME', 'relu6'], [7, 6, 3, 1, 'VALID', 'prelu'],
  [3, 3, 32, 1, 'SAME', 'none'], [2, 2, 9, 1, 'SAME', 'relu'], [1, 1, 4, 1, 'SAME', 'none'], [6, 6, 1, 2, 'VALID', 'none'], [2, 3, 7, 2, 'SAME', 'prelu'],
]) {
  test(`depthwise 3x3: ${H}x${W}x${C} stride ${stride} ${padding} ${act} equals TFLite's definition`, () => {
    const x = values(H * 31 + C, H * W * C, -2, 2);
    const filter = values(C * 7 + stride, 9 * C);
    const bias = values(C + 1, C, -0.5, 0.5);
    const alpha = act === 'prelu' ? values(C + 2, C, 0.05, 0.5) : null;
    const want = depthwiseReference(x, [H, W, C], filter, bias, alpha, stride, padding, act);
    const packed = packDepthwise3x3(filter, bias, alpha, C);
    const outSize = want.out.length;
    const { k, heap, offsets, out } = layout([x, packed], outSize);
    const args = [offsets[0], offsets[1], out * 4, H, W, C, want.shape[0], want.shape[1], stride, want.py.before, want.px.before];
    if (act === 'none') k.depthwiseConv3x3(...args);
    else k.depthwiseConv3x3Activation(...args, MODE[act]);
    // The generic export gives the same for every activation.
    const got = heap.slice(out, out + outSize);
    heap.fill(NaN, out, out + outSize);
    k.depthwiseConv3x3Activation(...args, MODE[act]);
    assert.deepEqual(plain(heap.subarray(out, out + outSize)), plain(got));
    assert.deepEqual(plain(heap.subarray(out, out + outSize)), plain(want.out));
    assert.ok(Number.isNaN(heap[out + outSize]) && Number.isNaN(heap[out - 1]), 'wrote outside the output');
  });
}

for (const [H, W, I, O, kh, kw, stride, padding, act] of [
  [192, 192, 3, 16, 3, 3, 2, 'SAME', 'prelu'], [128, 128, 3, 24, 5, 5, 2, 'SAME', 'relu'],
  [3, 3, 32, 1404, 3, 3, 3, 'VALID', 'none'], [3, 3, 32, 1, 3, 3, 3, 'VALID', 'none'], [2, 2, 32, 142, 2, 2, 2, 'VALID', 'none'],
  [13, 11, 3, 13, 3, 3, 2, 'SAME', 'relu6'], [9, 10, 5, 7, 5, 5, 1, 'SAME', 'prelu'], [10, 9, 2, 20, 3, 3, 1, 'VALID', 'relu'], [4, 4, 3, 8, 5, 5, 2, 'SAME', 'none'],
]) {
  test(`full conv ${kh}x${kw}: ${H}x${W}x${I} -> ${O} stride ${stride} ${padding} ${act} equals TFLite's definition`, () => {
    const x = values(H * 13 + I, H * W * I, -1, 1);
    const filter = values(O * 5 + kh, O * kh * kw * I, -0.5, 0.5);
    const bias = values(O + 3, O, -0.5, 0.5);
    const alpha = act === 'prelu' ? values(O + 4, O, 0.05, 0.5) : null;
    const want = convReference(x, [H, W, I], filter, [O, kh, kw], bias, alpha, stride, padding, act);
    const packed = packFullConv(filter, bias, alpha, [O, kh, kw, I]);
    const outSize = want.out.length;
    const { k, heap, offsets, out } = layout([x, packed], outSize);
    const args = [offsets[0], offsets[1], out * 4, H, W, I, want.shape[0], want.shape[1], O, kh, kw, stride, want.py.before, want.px.before];
    k.convFull(...args, MODE[act]);
    // The specialized exports give the same.
    const specialized = { prelu: k.convFullPrelu, relu: k.convFullRelu }[act];
    if (specialized) {
      assert.deepEqual(plain(heap.subarray(out, out + outSize)), plain(want.out));
      heap.fill(NaN, out, out + outSize);
      specialized(...args);
    }
    assert.deepEqual(plain(heap.subarray(out, out + outSize)), plain(want.out));
    assert.ok(Number.isNaN(heap[out + outSize]) && Number.isNaN(heap[out - 1]), 'wrote outside the output');
  });
}

test('TFLite padding: SAME puts the odd pixel at the bottom/right, VALID pads nothing', () => {
  assert.deepEqual(windowPadding(192, 3, 2, 'SAME'), { out: 96, before: 0 });
  assert.deepEqual(windowPadding(128, 5, 2, 'SAME'), { out: 64, before: 1 });
  assert.deepEqual(windowPadding(96, 3, 1, 'SAME'), { out: 96, before: 1 });
  assert.deepEqual(windowPadding(3, 3, 3, 'VALID'), { out: 1, before: 0 });
  assert.deepEqual(windowPadding(9, 3, 2, 'VALID'), { out: 4, before: 0 });
});
