/**
 * 2x3 affine maps, row-major: [a, b, c, d, e, f] sends (u, v) to (a·u + b·v + c, d·u + e·v + f).
 * The crop and letterbox modules express "output pixel -> source point" with it, which is the form
 * a bilinear sampler (e.g. tf.image.transform) takes.
 */
export type Affine = readonly [number, number, number, number, number, number];

export function applyAffine(m: Affine, u: number, v: number): [number, number] {
  return [m[0] * u + m[1] * v + m[2], m[3] * u + m[4] * v + m[5]];
}

export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (det === 0 || !Number.isFinite(det)) throw new Error('invertAffine: singular matrix');
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/**
 * The 8 projective parameters [a0, a1, a2, b0, b1, b2, c0, c1] of tf.image.transform
 * (output point -> input point, c0 = c1 = 0 for an affine map).
 */
export function affineToTransformRow(m: Affine): [number, number, number, number, number, number, number, number] {
  return [m[0], m[1], m[2], m[3], m[4], m[5], 0, 0];
}
