import { expect } from 'chai';
import { rng } from '../test/random.js';
import { det3, solveWeightedOrthogonalProcrustes, svd3 } from './procrustes.js';

function mul3(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const o = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) o[r * 3 + c] += a[r * 3 + k] * b[k * 3 + c];
  return o;
}
function transpose3(a: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: 9 }, (_, i) => a[(i % 3) * 3 + Math.floor(i / 3)]);
}
function diag3(s: ArrayLike<number>): Float64Array {
  return new Float64Array([s[0], 0, 0, 0, s[1], 0, 0, 0, s[2]]);
}
/** Rotation from a unit-quaternion-ish random vector (row-major). */
function randomRotation(r: () => number): Float64Array {
  let q = [r() - 0.5, r() - 0.5, r() - 0.5, r() - 0.5];
  const n = Math.hypot(...q);
  q = q.map((x) => x / n);
  const [w, x, y, z] = q;
  return new Float64Array([
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ]);
}
function expectOrthogonal(m: Float64Array, tol = 1e-12): void {
  const mtm = mul3(transpose3(m), m);
  for (let i = 0; i < 9; i++) expect(mtm[i]).to.be.closeTo(i % 4 === 0 ? 1 : 0, tol);
}
function expectSvd(a: ArrayLike<number>, tol = 1e-12): void {
  const { u, s, v } = svd3(a);
  expectOrthogonal(u);
  expectOrthogonal(v);
  expect(s[0]).to.be.at.least(s[1]);
  expect(s[1]).to.be.at.least(s[2]);
  expect(s[2]).to.be.at.least(0);
  const back = mul3(mul3(u, diag3(s)), transpose3(v));
  const scale = Math.max(1, s[0]);
  for (let i = 0; i < 9; i++) expect(back[i]).to.be.closeTo(a[i], tol * scale);
}

describe('svd3', () => {
  it('reconstructs random matrices with orthogonal U, V and sorted singular values', () => {
    const r = rng(3);
    for (let k = 0; k < 200; k++) expectSvd(Array.from({ length: 9 }, () => (r() - 0.5) * 10));
  });

  it('finds known singular values of U·diag(s)·Vᵀ', () => {
    const r = rng(5);
    const a = mul3(mul3(randomRotation(r), diag3([7, 3, 0.001])), transpose3(randomRotation(r)));
    const { s } = svd3(a);
    expect(s[0]).to.be.closeTo(7, 1e-12);
    expect(s[1]).to.be.closeTo(3, 1e-12);
    expect(s[2]).to.be.closeTo(0.001, 1e-12);
  });

  it('handles diagonal, repeated, rank-deficient and zero matrices', () => {
    expectSvd([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expectSvd([0, 0, 2, 0, 5, 0, -3, 0, 0]);
    expectSvd([1, 2, 3, 2, 4, 6, 3, 6, 9]); // rank 1
    expectSvd([1, 2, 3, 4, 5, 6, 7, 8, 9]); // rank 2
    expectSvd([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expectSvd([1e-30, 0, 0, 0, 2e-30, 0, 0, 0, 0]);
    const r = rng(9);
    const rot = randomRotation(r);
    expectSvd(mul3(mul3(rot, diag3([4, 4, 4])), transpose3(randomRotation(r))));
    expectSvd(mul3(mul3(rot, diag3([4, 4, 0])), transpose3(rot)));
    expect(svd3([1, 2, 3, 2, 4, 6, 3, 6, 9]).s[1]).to.be.closeTo(0, 1e-12);
  });

  it('det3', () => {
    expect(det3([1, 2, 3, 4, 5, 6, 7, 8, 10])).to.be.closeTo(-3, 1e-12);
    expect(det3(randomRotation(rng(1)))).to.be.closeTo(1, 1e-12);
  });
});

describe('solveWeightedOrthogonalProcrustes', () => {
  /** Applies a column-major 4×4 to interleaved points. */
  function apply(m: ArrayLike<number>, pts: ArrayLike<number>): Float64Array {
    const o = new Float64Array(pts.length);
    for (let i = 0; i < pts.length; i += 3) {
      for (let r = 0; r < 3; r++) o[i + r] = m[r] * pts[i] + m[4 + r] * pts[i + 1] + m[8 + r] * pts[i + 2] + m[12 + r];
    }
    return o;
  }
  function similarity(rot: Float64Array, scale: number, t: number[]): Float64Array {
    const m = new Float64Array(16);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) m[c * 4 + r] = scale * rot[r * 3 + c];
    m.set([t[0], t[1], t[2], 1], 12);
    return m;
  }

  it('recovers an exact similarity transform (column-major output)', () => {
    const r = rng(11);
    const n = 40;
    const src = Float64Array.from({ length: n * 3 }, () => (r() - 0.5) * 20);
    const w = Float64Array.from({ length: n }, () => r());
    const truth = similarity(randomRotation(r), 1.7, [3, -4, -60]);
    const m = solveWeightedOrthogonalProcrustes(src, apply(truth, src), w);
    expect(m).to.not.equal(null);
    for (let i = 0; i < 16; i++) expect(m![i]).to.be.closeTo(truth[i], 1e-9);
    expect([m![3], m![7], m![11], m![15]]).to.deep.equal([0, 0, 0, 1]);
  });

  it('ignores points of weight 0 and honours the weights', () => {
    const r = rng(12);
    const n = 30;
    const src = Float64Array.from({ length: n * 3 }, () => (r() - 0.5) * 20);
    const truth = similarity(randomRotation(r), 0.5, [1, 2, 3]);
    const dst = apply(truth, src);
    const w = new Float64Array(n).fill(1);
    for (let i = 20; i < n; i++) {
      w[i] = 0;
      dst[i * 3] += 100; // outliers, weight 0
    }
    const m = solveWeightedOrthogonalProcrustes(src, dst, w, new Float32Array(16));
    expect(m).to.be.instanceOf(Float32Array);
    for (let i = 0; i < 16; i++) expect(m![i]).to.be.closeTo(truth[i], 1e-5);
  });

  it('never returns a reflection', () => {
    const r = rng(13);
    const n = 20;
    const src = Float64Array.from({ length: n * 3 }, () => (r() - 0.5) * 20);
    const mirrored = Float64Array.from(src, (v, i) => (i % 3 === 2 ? -v : v)); // z mirror
    const m = solveWeightedOrthogonalProcrustes(src, mirrored, new Float64Array(n).fill(1))!;
    const rs = [m[0], m[4], m[8], m[1], m[5], m[9], m[2], m[6], m[10]];
    expect(det3(rs)).to.be.greaterThan(0);
  });

  it('is the least-squares optimum under noise (perturbing it increases the cost)', () => {
    const r = rng(14);
    const n = 50;
    const src = Float64Array.from({ length: n * 3 }, () => (r() - 0.5) * 20);
    const w = Float64Array.from({ length: n }, () => r());
    const dst = apply(similarity(randomRotation(r), 1.2, [0, 0, -50]), src).map((v) => v + (r() - 0.5));
    const m = solveWeightedOrthogonalProcrustes(src, dst, w)!;
    const cost = (mm: ArrayLike<number>): number => {
      const p = apply(mm, src);
      let c = 0;
      for (let i = 0; i < n; i++) c += w[i] * ((p[i * 3] - dst[i * 3]) ** 2 + (p[i * 3 + 1] - dst[i * 3 + 1]) ** 2 + (p[i * 3 + 2] - dst[i * 3 + 2]) ** 2);
      return c;
    };
    const best = cost(m);
    // small rotations about each axis, scale and translation changes
    for (let axis = 0; axis < 3; axis++) {
      for (const e of [-1e-3, 1e-3]) {
        const c = Math.cos(e);
        const s = Math.sin(e);
        const d = axis === 0 ? [1, 0, 0, 0, c, -s, 0, s, c] : axis === 1 ? [c, 0, s, 0, 1, 0, -s, 0, c] : [c, -s, 0, s, c, 0, 0, 0, 1];
        const rs = [m[0], m[4], m[8], m[1], m[5], m[9], m[2], m[6], m[10]];
        const p = similarity(mul3(d, rs), 1, [m[12], m[13], m[14]]);
        expect(cost(p)).to.be.greaterThan(best);
      }
    }
    const bigger = Float64Array.from(m, (v, i) => (i < 12 && i % 4 !== 3 ? v * 1.001 : v));
    expect(cost(bigger)).to.be.greaterThan(best);
    const moved = Float64Array.from(m);
    moved[13] += 0.01;
    expect(cost(moved)).to.be.greaterThan(best);
  });

  it('returns null where MediaPipe fails (zero weights, collapsed points)', () => {
    const src = [0, 0, 0, 1, 0, 0, 0, 1, 0];
    expect(solveWeightedOrthogonalProcrustes(src, src, [0, 0, 0])).to.equal(null);
    expect(solveWeightedOrthogonalProcrustes(src, [5, 5, 5, 5, 5, 5, 5, 5, 5], [1, 1, 1])).to.equal(null);
    expect(solveWeightedOrthogonalProcrustes([1, 1, 1, 1, 1, 1, 1, 1, 1], src, [1, 1, 1])).to.equal(null);
    expect(() => solveWeightedOrthogonalProcrustes(src, src, [1, -1, 1])).to.throw(/non-negative/);
  });
});
