/**
 * Weighted orthogonal Procrustes (similarity) solver, mirroring
 * mediapipe/modules/face_geometry/libs/procrustes_solver.cc (FloatPrecisionProcrustesSolver, after
 * D. Akca 2003, §2.4), plus the small 3×3 SVD it needs (Eigen::JacobiSVD there; a one-sided Jacobi here).
 * Arithmetic is float64 (MediaPipe: float32).
 *
 * Conventions: 3×3 matrices are row-major arrays of 9; 4×4 transforms are **column-major** arrays of 16
 * (element (row r, col c) at [c·4 + r]), like MediaPipe's MatrixData / Eigen's default and WebGL/three.js.
 */

/** a = U·diag(s)·Vᵀ with U, V orthogonal (row-major), s ≥ 0 sorted in decreasing order. */
export interface Svd3 {
  u: Float64Array;
  s: Float64Array;
  v: Float64Array;
}

/**
 * SVD of a 3×3 matrix (row-major) by one-sided Jacobi (Hestenes): rotate column pairs of W = A·V until
 * they are orthogonal; then s_i = |w_i|, u_i = w_i / s_i. Accurate for small singular values (AᵀA is never
 * formed). For rank-deficient input the missing U columns are completed to an orthonormal basis, det(U) = +1
 * in that case.
 */
export function svd3(a: ArrayLike<number>): Svd3 {
  const w = Float64Array.from({ length: 9 }, (_, i) => a[i]);
  const v = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < 2; p++) {
      for (let q = p + 1; q < 3; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let k = 0; k < 3; k++) {
          const wp = w[k * 3 + p];
          const wq = w[k * 3 + q];
          alpha += wp * wp;
          beta += wq * wq;
          gamma += wp * wq;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let k = 0; k < 3; k++) {
          const wp = w[k * 3 + p];
          const wq = w[k * 3 + q];
          w[k * 3 + p] = c * wp - s * wq;
          w[k * 3 + q] = s * wp + c * wq;
          const vp = v[k * 3 + p];
          const vq = v[k * 3 + q];
          v[k * 3 + p] = c * vp - s * vq;
          v[k * 3 + q] = s * vp + c * vq;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = [0, 1, 2].map((j) => Math.hypot(w[j], w[3 + j], w[6 + j]));
  const order = [0, 1, 2].sort((i, j) => norms[j] - norms[i]);
  const s = new Float64Array(order.map((j) => norms[j]));
  const u = new Float64Array(9);
  const vs = new Float64Array(9);
  const tol = Math.max(s[0], Number.MIN_VALUE) * 1e-13;
  for (let c = 0; c < 3; c++) {
    const j = order[c];
    for (let k = 0; k < 3; k++) {
      vs[k * 3 + c] = v[k * 3 + j];
      u[k * 3 + c] = s[c] > tol ? w[k * 3 + j] / s[c] : 0;
    }
  }
  // Complete U where singular values vanish.
  if (!(s[0] > tol)) {
    u.set([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  } else {
    if (!(s[1] > tol)) {
      // A unit vector orthogonal to u0: Gram-Schmidt on the axis least aligned with u0.
      const u0 = [u[0], u[3], u[6]];
      let axis = 0;
      for (let k = 1; k < 3; k++) if (Math.abs(u0[k]) < Math.abs(u0[axis])) axis = k;
      const e = [0, 0, 0];
      e[axis] = 1;
      const d = u0[axis];
      const x = [e[0] - d * u0[0], e[1] - d * u0[1], e[2] - d * u0[2]];
      const n = Math.hypot(x[0], x[1], x[2]);
      for (let k = 0; k < 3; k++) u[k * 3 + 1] = x[k] / n;
    }
    if (!(s[2] > tol)) {
      // u2 = u0 × u1
      u[2] = u[3] * u[7] - u[6] * u[4];
      u[5] = u[6] * u[1] - u[0] * u[7];
      u[8] = u[0] * u[4] - u[3] * u[1];
    }
  }
  return { u, s, v: vs };
}

/** Determinant of a row-major 3×3 matrix. */
export function det3(m: ArrayLike<number>): number {
  return (
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])
  );
}

const ABSOLUTE_ERROR_EPS = 1e-9; // procrustes_solver.cc kAbsoluteErrorEps

/**
 * Finds the similarity T = [c·R | t] (R a proper rotation, c > 0) minimizing Σ wᵢ |c·R·sᵢ + t − tᵢ|²
 * (SolveWeightedOrthogonalProblem). `source` and `target` are interleaved (x, y, z) points, as many as
 * `weights` (all ≥ 0). Writes the 4×4 column-major transform into `out` and returns it, or returns null where
 * MediaPipe returns an error status (total weight, design matrix norm, scale denominator or scale ≤ 1e-9).
 */
export function solveWeightedOrthogonalProcrustes<T extends Float32Array | Float64Array>(
  source: ArrayLike<number>,
  target: ArrayLike<number>,
  weights: ArrayLike<number>,
  out: T,
): T | null;
export function solveWeightedOrthogonalProcrustes(
  source: ArrayLike<number>,
  target: ArrayLike<number>,
  weights: ArrayLike<number>,
): Float64Array | null;
export function solveWeightedOrthogonalProcrustes(
  source: ArrayLike<number>,
  target: ArrayLike<number>,
  weights: ArrayLike<number>,
  out: Float32Array | Float64Array = new Float64Array(16),
): Float32Array | Float64Array | null {
  const n = weights.length;
  if (n === 0 || source.length < n * 3 || target.length < n * 3) {
    throw new Error(`Procrustes: ${n} weights, ${source.length} source and ${target.length} target values`);
  }
  if (out.length < 16) throw new Error('Procrustes: output needs 16 values');
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (!(weights[i] >= 0)) throw new Error('Procrustes: weights must be non-negative');
    total += weights[i];
  }
  if (!(total > ABSOLUTE_ERROR_EPS)) return null;

  // Weighted source centre of mass c_w.
  let cx = 0;
  let cy = 0;
  let cz = 0;
  for (let i = 0; i < n; i++) {
    const wi = weights[i];
    cx += wi * source[i * 3];
    cy += wi * source[i * 3 + 1];
    cz += wi * source[i * 3 + 2];
  }
  cx /= total;
  cy /= total;
  cz /= total;

  // Design matrix Bw·((I − C)Aw)ᵀ = Σ wᵢ tᵢ (sᵢ − c_w)ᵀ (row-major 3×3).
  const d = new Float64Array(9);
  for (let i = 0; i < n; i++) {
    const wi = weights[i];
    if (wi === 0) continue;
    const sx = source[i * 3] - cx;
    const sy = source[i * 3 + 1] - cy;
    const sz = source[i * 3 + 2] - cz;
    for (let r = 0; r < 3; r++) {
      const tr = wi * target[i * 3 + r];
      d[r * 3] += tr * sx;
      d[r * 3 + 1] += tr * sy;
      d[r * 3 + 2] += tr * sz;
    }
  }
  // ComputeOptimalRotation.
  let dNorm = 0;
  for (let k = 0; k < 9; k++) dNorm += d[k] * d[k];
  if (!(Math.sqrt(dNorm) > ABSOLUTE_ERROR_EPS)) return null;
  const { u, v } = svd3(d);
  // Disallow reflections: flip U's last column (least singular value) when det(U)·det(V) < 0.
  if (det3(u) * det3(v) < 0) {
    u[2] = -u[2];
    u[5] = -u[5];
    u[8] = -u[8];
  }
  // R = U·Vᵀ
  const rot = new Float64Array(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      rot[r * 3 + c] = u[r * 3] * v[c * 3] + u[r * 3 + 1] * v[c * 3 + 1] + u[r * 3 + 2] * v[c * 3 + 2];
    }
  }

  // ComputeOptimalScale: Σ wᵢ (R(sᵢ − c_w))·tᵢ / Σ wᵢ (sᵢ − c_w)·sᵢ.
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const wi = weights[i];
    if (wi === 0) continue;
    const px = source[i * 3];
    const py = source[i * 3 + 1];
    const pz = source[i * 3 + 2];
    const sx = px - cx;
    const sy = py - cy;
    const sz = pz - cz;
    for (let r = 0; r < 3; r++) {
      num += wi * (rot[r * 3] * sx + rot[r * 3 + 1] * sy + rot[r * 3 + 2] * sz) * target[i * 3 + r];
    }
    den += wi * (sx * px + sy * py + sz * pz);
  }
  if (!(den > ABSOLUTE_ERROR_EPS)) return null;
  const scale = num / den;
  if (!(scale > ABSOLUTE_ERROR_EPS)) return null;

  // Translation: Σ wᵢ (tᵢ − c·R·sᵢ) / Σ wᵢ.
  let tx = 0;
  let ty = 0;
  let tz = 0;
  for (let i = 0; i < n; i++) {
    const wi = weights[i];
    if (wi === 0) continue;
    const px = source[i * 3];
    const py = source[i * 3 + 1];
    const pz = source[i * 3 + 2];
    tx += wi * (target[i * 3] - scale * (rot[0] * px + rot[1] * py + rot[2] * pz));
    ty += wi * (target[i * 3 + 1] - scale * (rot[3] * px + rot[4] * py + rot[5] * pz));
    tz += wi * (target[i * 3 + 2] - scale * (rot[6] * px + rot[7] * py + rot[8] * pz));
  }
  // Column-major 4×4.
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[c * 4 + r] = scale * rot[r * 3 + c];
    out[r * 4 + 3] = 0; // bottom row of column r
  }
  out[12] = tx / total;
  out[13] = ty / total;
  out[14] = tz / total;
  out[15] = 1;
  return out;
}
