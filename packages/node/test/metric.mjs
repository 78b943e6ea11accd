// The parity metric, written out here so the tests do not depend on the code they check: faces are
// flat (x, y, z) arrays in pixels; error = mean 2-D distance over the points both faces have, in %
// of the reference face's inter-ocular distance (3-D between the midpoints of corners 33/133 and
// 362/263); faces matched by nearest nose tip (landmark 1) within 1 IOD, as the parity tests do.
const at = (f, i) => [f[3 * i], f[3 * i + 1], f[3 * i + 2]];
const mid = (a, b) => a.map((v, k) => (v + b[k]) / 2);

export function iod(face, dims = 3) {
  const l = mid(at(face, 33), at(face, 133));
  const r = mid(at(face, 362), at(face, 263));
  return Math.hypot(l[0] - r[0], l[1] - r[1], dims === 3 ? l[2] - r[2] : 0);
}

/** Mean 2-D distance over points [0, n) in % of ref's IOD (`dims`: 3-D or 2-D IOD). */
export function errorIod(ref, cand, n = Math.min(ref.length, cand.length) / 3, dims = 3) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.hypot(ref[3 * i] - cand[3 * i], ref[3 * i + 1] - cand[3 * i + 1]);
  return (100 * sum) / n / iod(ref, dims);
}

/** { errors: [% IOD per matched reference face], missed, extra } */
export function matchAll(refs, cands) {
  const pool = [...cands];
  const errors = [];
  let missed = 0;
  for (const r of refs) {
    let best = -1;
    let bestD = Infinity;
    pool.forEach((c, j) => {
      const d = Math.hypot(r[3] - c[3], r[4] - c[4]) / iod(r);
      if (d < bestD) [best, bestD] = [j, d];
    });
    if (best >= 0 && bestD < 1) errors.push(errorIod(r, pool.splice(best, 1)[0]));
    else missed++;
  }
  return { errors, missed, extra: pool.length };
}

export const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
