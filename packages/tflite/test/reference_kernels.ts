/**
 * Test-only plain-TypeScript reference kernels (NHWC, batch 1, TFLite layouts and padding rules),
 * written from the TFLite/TF definitions, independent of tfjs.
 */
export type Padding = 'SAME' | 'VALID';

/** Output size and leading (top/left) padding, TF rules: SAME puts the odd extra pad at the end. */
export function padInfo(n: number, k: number, s: number, p: Padding): { out: number; before: number } {
  if (p === 'VALID') return { out: Math.floor((n - k) / s) + 1, before: 0 };
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + k - n, 0);
  return { out, before: Math.floor(total / 2) };
}

/** x [1,H,W,C], w [O,kh,kw,C], b [O] -> [1,oh,ow,O] */
export function refConv2D(x: Float32Array, [H, W, C]: number[], w: Float32Array, [O, kh, kw]: number[], b: Float32Array | null,
  stride: number, padding: Padding): { data: Float32Array; shape: number[] } {
  const py = padInfo(H, kh, stride, padding), px = padInfo(W, kw, stride, padding);
  const out = new Float32Array(py.out * px.out * O);
  for (let oy = 0; oy < py.out; oy++) for (let ox = 0; ox < px.out; ox++) for (let o = 0; o < O; o++) {
    let acc = b ? b[o]! : 0;
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
      const y = oy * stride + i - py.before, xx = ox * stride + j - px.before;
      if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
      for (let c = 0; c < C; c++) acc += x[(y * W + xx) * C + c]! * w[((o * kh + i) * kw + j) * C + c]!;
    }
    out[(oy * px.out + ox) * O + o] = acc;
  }
  return { data: out, shape: [1, py.out, px.out, O] };
}

/** x [1,H,W,C], w [1,kh,kw,C] (multiplier 1), b [C] */
export function refDepthwise(x: Float32Array, [H, W, C]: number[], w: Float32Array, [kh, kw]: number[], b: Float32Array | null,
  stride: number, padding: Padding): { data: Float32Array; shape: number[] } {
  const py = padInfo(H, kh, stride, padding), px = padInfo(W, kw, stride, padding);
  const out = new Float32Array(py.out * px.out * C);
  for (let oy = 0; oy < py.out; oy++) for (let ox = 0; ox < px.out; ox++) for (let c = 0; c < C; c++) {
    let acc = b ? b[c]! : 0;
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
      const y = oy * stride + i - py.before, xx = ox * stride + j - px.before;
      if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
      acc += x[(y * W + xx) * C + c]! * w[(i * kw + j) * C + c]!;
    }
    out[(oy * px.out + ox) * C + c] = acc;
  }
  return { data: out, shape: [1, py.out, px.out, C] };
}

export function refPrelu(x: Float32Array, alpha: Float32Array): Float32Array {
  return x.map((v, i) => (v >= 0 ? v : v * alpha[i % alpha.length]!));
}

export function refMaxPool(x: Float32Array, [H, W, C]: number[], k: number, stride: number, padding: Padding): { data: Float32Array; shape: number[] } {
  const py = padInfo(H, k, stride, padding), px = padInfo(W, k, stride, padding);
  const out = new Float32Array(py.out * px.out * C);
  for (let oy = 0; oy < py.out; oy++) for (let ox = 0; ox < px.out; ox++) for (let c = 0; c < C; c++) {
    let m = -Infinity;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      const y = oy * stride + i - py.before, xx = ox * stride + j - px.before;
      if (y >= 0 && y < H && xx >= 0 && xx < W) m = Math.max(m, x[(y * W + xx) * C + c]!);
    }
    out[(oy * px.out + ox) * C + c] = m;
  }
  return { data: out, shape: [1, py.out, px.out, C] };
}

/** Row-major strides of a shape. */
function strides(shape: number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** Calls fn with every multi-index of `shape`, in row-major order. */
function forEachIndex(shape: number[], fn: (idx: number[], flat: number) => void): void {
  const n = shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    fn(idx, flat);
    for (let d = shape.length - 1; d >= 0; d--) { if (++idx[d]! < shape[d]!) break; idx[d] = 0; }
  }
}

export function refPad(x: Float32Array, shape: number[], pads: [number, number][]): { data: Float32Array; shape: number[] } {
  const outShape = shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
  const os = strides(outShape);
  const out = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  forEachIndex(shape, (idx, flat) => {
    out[idx.reduce((acc, v, d) => acc + (v + pads[d]![0]) * os[d]!, 0)] = x[flat]!;
  });
  return { data: out, shape: outShape };
}

/** begin/end/stride per axis (positive strides, no masks). */
export function refStridedSlice(x: Float32Array, shape: number[], begin: number[], end: number[], step: number[]): { data: Float32Array; shape: number[] } {
  const outShape = shape.map((_, d) => Math.ceil((end[d]! - begin[d]!) / step[d]!));
  const xs = strides(shape);
  const out = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  forEachIndex(outShape, (idx, flat) => {
    out[flat] = x[idx.reduce((acc, v, d) => acc + (begin[d]! + v * step[d]!) * xs[d]!, 0)]!;
  });
  return { data: out, shape: outShape };
}

export function refConcat(parts: { data: Float32Array; shape: number[] }[], axis: number): { data: Float32Array; shape: number[] } {
  const outShape = parts[0]!.shape.slice();
  outShape[axis] = parts.reduce((a, p) => a + p.shape[axis]!, 0);
  const out = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  const os = strides(outShape);
  let offset = 0;
  for (const p of parts) {
    forEachIndex(p.shape, (idx, flat) => {
      out[idx.reduce((acc, v, d) => acc + (d === axis ? v + offset : v) * os[d]!, 0)] = p.data[flat]!;
    });
    offset += p.shape[axis]!;
  }
  return { data: out, shape: outShape };
}
