/**
 * Test-only, deliberately naive reference implementations written from the ops' description
 * (docs/pipeline.md §2), independent of the op files: explicit 4x4 matrix products,
 * the documented "effect" sampling formula (§2.2), per-corner bounds checks. Plain arrays, float64.
 */

export type Mat4 = number[][];

const identity = (): Mat4 => [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => (r === c ? 1 : 0)));

function matmul(a: Mat4, b: Mat4): Mat4 {
  const out: Mat4 = identity();
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r][k] * b[k][c];
      out[r][c] = s;
    }
  }
  return out;
}

function translate(x: number, y: number): Mat4 {
  const m = identity();
  m[0][3] = x;
  m[1][3] = y;
  return m;
}

function rotation(a: number): Mat4 {
  const m = identity();
  m[0][0] = Math.cos(a);
  m[0][1] = -Math.sin(a);
  m[1][0] = Math.sin(a);
  m[1][1] = Math.cos(a);
  return m;
}

function scale(x: number, y: number): Mat4 {
  const m = identity();
  m[0][0] = x;
  m[1][1] = y;
  return m;
}

function rotate2(a: number, p: [number, number]): [number, number] {
  return [Math.cos(a) * p[0] - Math.sin(a) * p[1], Math.sin(a) * p[0] + Math.cos(a) * p[1]];
}

export interface NaiveL2TMOptions {
  subset: number[];
  left: number;
  right: number;
  target: number;
  outW: number;
  outH: number;
  scaleX: number;
  scaleY: number;
}

/** Landmarks2TransformMatrix v2: landmarks as [[x,y,z], ...] -> 4x4 (row-major, float64). */
export function naiveLandmarksToTransformMatrix(lm: number[][], o: NaiveL2TMOptions): Mat4 {
  // subset_idxs are pairs; an odd count pairs the last index with itself.
  const pairs: [number, number][] = [];
  for (let i = 0; i + 1 < o.subset.length; i += 2) pairs.push([o.subset[i], o.subset[i + 1]]);
  if (o.subset.length % 2 === 1) pairs.push([o.subset[o.subset.length - 1], o.subset[o.subset.length - 1]]);
  const L = lm[o.left];
  const R = lm[o.right];
  const rot = o.target - Math.atan2(R[1] - L[1], R[0] - L[0]);
  const rotated = pairs.flat().map((i) => rotate2(rot, [lm[i][0], lm[i][1]]));
  const xs = rotated.map((q) => q[0]);
  const ys = rotated.map((q) => q[1]);
  const min = [Math.min(...xs), Math.min(...ys)];
  const max = [Math.max(...xs), Math.max(...ys)];
  const cropW = max[0] - min[0];
  const cropH = max[1] - min[1];
  const c = rotate2(-rot, [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2]);
  let t = translate(c[0], c[1]);
  t = matmul(t, rotation(-rot));
  t = matmul(t, scale((o.scaleX * cropW) / o.outW, (o.scaleY * cropH) / o.outH));
  t = matmul(t, translate(-o.outW / 2, -o.outH / 2));
  return t;
}

/** TransformTensorBilinear v2: image [h][w][c] -> [oh][ow][c]. */
export function naiveTransformTensorBilinear(img: number[][][], m: Mat4, outH: number, outW: number): number[][][] {
  const H = img.length;
  const W = img[0].length;
  const C = img[0][0].length;
  const at = (y: number, x: number, k: number) => (y < 0 || y >= H || x < 0 || x >= W ? 0 : img[y][x][k]);
  const out: number[][][] = [];
  for (let oy = 0; oy < outH; oy++) {
    const row: number[][] = [];
    for (let ox = 0; ox < outW; ox++) {
      const tx = m[0][0] * (ox + 0.5) + m[0][1] * (oy + 0.5) + m[0][3] - 0.5;
      const ty = m[1][0] * (ox + 0.5) + m[1][1] * (oy + 0.5) + m[1][3] - 0.5;
      const px: number[] = [];
      for (let k = 0; k < C; k++) {
        if (tx < 0 || tx > W - 1 || ty < 0 || ty > H - 1) {
          px.push(0);
          continue;
        }
        const x0 = Math.floor(tx);
        const y0 = Math.floor(ty);
        const fx = tx - x0;
        const fy = ty - y0;
        px.push(
          (1 - fy) * ((1 - fx) * at(y0, x0, k) + fx * at(y0, x0 + 1, k)) +
            fy * ((1 - fx) * at(y0 + 1, x0, k) + fx * at(y0 + 1, x0 + 1, k)),
        );
      }
      row.push(px);
    }
    out.push(row);
  }
  return out;
}

/** TransformLandmarks v2: points [[x,y(,z)], ...] -> same shape. */
export function naiveTransformLandmarks(points: number[][], m: Mat4): number[][] {
  return points.map((p) => {
    const v = [p[0], p[1], 0, 1];
    const r = [0, 1].map((row) => m[row][0] * v[0] + m[row][1] * v[1] + m[row][2] * v[2] + m[row][3] * v[3]);
    return p.length === 3 ? [r[0], r[1], p[2]] : r;
  });
}

/** Helpers to move between flat typed arrays and nested arrays. */
export function nest(flat: ArrayLike<number>, shape: number[]): any {
  if (shape.length === 1) return Array.from({ length: shape[0] }, (_, i) => flat[i]);
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, i) =>
    nest(Array.prototype.slice.call(flat, i * inner, (i + 1) * inner), shape.slice(1)),
  );
}

export function toMat4(flat: ArrayLike<number>): Mat4 {
  return nest(flat, [4, 4]) as Mat4;
}

export function flatten(nested: any): number[] {
  return Array.isArray(nested) ? nested.flatMap(flatten) : [nested];
}
