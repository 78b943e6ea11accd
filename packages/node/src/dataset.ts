/**
 * Annotated datasets for `face-mesh evaluate`: {"images": [{"file", "group", "landmarks"}]}, one
 * annotated face per entry, paths relative to the JSON file, landmarks in pixels, 468 or 478
 * points of [x, y] or [x, y, z]. Every problem names the entry.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { NUM_MESH_LANDMARKS, NUM_REFINED_LANDMARKS } from '@face-mesh/geometry';

export class DatasetError extends Error {
  readonly code = 'bad-dataset';
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

export interface DatasetEntry {
  /** Position in `images`. */
  index: number;
  /** As written in the dataset. */
  name: string;
  /** Absolute path. */
  file: string;
  group: string;
  /** The 468 mesh points as (x, y, z), z = 0 when the annotation has none. */
  landmarks: Float32Array;
  /** Whether the annotation has z (else the inter-ocular distance is 2-D). */
  has3d: boolean;
}

function parsePoints(points: unknown, where: string): { landmarks: Float32Array; has3d: boolean } {
  if (!Array.isArray(points) || (points.length !== NUM_MESH_LANDMARKS && points.length !== NUM_REFINED_LANDMARKS)) {
    const got = Array.isArray(points) ? `${points.length} points` : typeof points;
    throw new DatasetError(`${where}: "landmarks" must hold ${NUM_MESH_LANDMARKS} or ${NUM_REFINED_LANDMARKS} points, got ${got}`);
  }
  const dims = Array.isArray(points[0]) ? points[0].length : 0;
  const landmarks = new Float32Array(3 * NUM_MESH_LANDMARKS);
  for (let i = 0; i < NUM_MESH_LANDMARKS; i++) {
    const p: unknown = points[i];
    if (!Array.isArray(p) || (p.length !== 2 && p.length !== 3)) throw new DatasetError(`${where}: landmark ${i} must be [x, y] or [x, y, z], got ${JSON.stringify(p)}`);
    if (p.length !== dims) throw new DatasetError(`${where}: landmark ${i} has ${p.length} coordinates, landmark 0 has ${dims}: use one form for the whole face`);
    p.forEach((v: unknown, k: number) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new DatasetError(`${where}: landmark ${i} has a coordinate that is not a finite number (${JSON.stringify(v)})`);
      landmarks[3 * i + k] = v;
    });
  }
  return { landmarks, has3d: dims === 3 };
}

/** Reads and checks a dataset file; the image files must exist. */
export function loadDataset(datasetFile: string): DatasetEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(datasetFile, 'utf8'));
  } catch (e) {
    throw new DatasetError(`${datasetFile}: cannot read it as JSON (${(e as Error).message})`);
  }
  const images = (json as { images?: unknown } | null)?.images;
  if (!Array.isArray(images) || images.length === 0) throw new DatasetError(`${datasetFile}: expected {"images": [{"file", "group", "landmarks"}, ...]} with at least one entry`);
  const base = path.dirname(path.resolve(datasetFile));
  return images.map((entry: unknown, index) => {
    const e = (entry ?? {}) as { file?: unknown; group?: unknown; landmarks?: unknown };
    const label = typeof e.file === 'string' ? ` (${e.file})` : '';
    const where = `${datasetFile}: images[${index}]${label}`;
    if (typeof e.file !== 'string' || e.file === '') throw new DatasetError(`${where}: "file" must be the image's path, relative to the dataset file`);
    if (typeof e.group !== 'string' || e.group === '') throw new DatasetError(`${where}: "group" must be a non-empty string`);
    const file = path.resolve(base, e.file);
    let isFile = false;
    try {
      isFile = statSync(file).isFile();
    } catch {
      throw new DatasetError(`${where}: no such file ${file}`);
    }
    if (!isFile) throw new DatasetError(`${where}: ${file} is not a file`);
    return { index, name: e.file, file, group: e.group, ...parsePoints(e.landmarks, where) };
  });
}
