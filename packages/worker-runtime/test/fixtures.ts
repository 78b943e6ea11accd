/** Test-only: the whole-model fixtures (PNG inputs decoded by the browser + NumPy reference outputs). */
import { expect } from 'chai';

interface InputFixture { png: string; size: number; checksum: number; range: [number, number] }

export interface ModelFixtures {
  mesh: {
    input: InputFixture;
    outputs: { mesh: number[]; lips: number[]; leftEye: number[]; rightEye: number[]; leftIris: number[]; rightIris: number[]; faceFlag: number[] };
  };
  plainMesh: { outputs: { mesh: number[]; faceFlag: number[] } };
  detector: {
    input: InputFixture;
    scores: number[];
    topAnchors: number[];
    topRegressors: number[];
    sampleStride: number;
    sampledRegressors: number[];
    regressorStats: { sum: number; sumAbs: number; sumSq: number };
  };
}

const base = new URL('./fixtures/', import.meta.url);

export async function loadFixtures(): Promise<ModelFixtures> {
  const r = await fetch(new URL('model_outputs.json', base));
  expect(r.ok).to.equal(true);
  return (await r.json()) as ModelFixtures;
}

/** Same position-weighted byte sum as make_model_fixtures.py. */
export function checksum(rgb: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < rgb.length; i++) s += rgb[i]! * ((i % 251) + 1);
  return s;
}

/**
 * Decodes a fixture PNG in the browser to RGB bytes, checks them against the Python-side checksum,
 * and maps them to the model's input range as a [1,H,W,3] Float32Array.
 */
export async function fixtureInput(f: InputFixture): Promise<Float32Array> {
  const blob = await (await fetch(new URL(f.png, base))).blob();
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  expect([bitmap.width, bitmap.height]).to.deep.equal([f.size, f.size]);
  const ctx = new OffscreenCanvas(f.size, f.size).getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  const rgba = ctx.getImageData(0, 0, f.size, f.size).data;
  const rgb = new Uint8Array(f.size * f.size * 3);
  for (let p = 0; p < f.size * f.size; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = rgba[p * 4 + c]!;
  expect(checksum(rgb), `decoded pixels of ${f.png} differ from the Python side`).to.equal(f.checksum);
  const [lo, hi] = f.range;
  return Float32Array.from(rgb, (v) => lo + ((hi - lo) * v) / 255);
}
