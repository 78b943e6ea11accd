/**
 * Where the Node runtime finds its files: the tfjs-backend-wasm binaries through Node's module
 * resolution, and the model files in the repository's models/dist/ (what `npm install` extracts)
 * unless a folder is given.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODEL_FILES } from '@face-mesh/worker-runtime/defaults';

const require = createRequire(import.meta.url);


/** The folder holding tfjs-backend-wasm*.wasm, with a trailing separator (tfjs appends file names). */
export function wasmDirectory(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

/**
 * The model folder: `given`, else $FACE_MESH_MODELS, else models/dist of the repository this
 * package sits in (dist/ is two levels below packages/node).
 */
export function modelDirectory(given?: string): string {
  if (given) return path.resolve(given);
  if (process.env.FACE_MESH_MODELS) return path.resolve(process.env.FACE_MESH_MODELS);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '..', 'models'), path.resolve(here, '..', '..', '..', 'models', 'dist')];
  return candidates.find((dir) => existsSync(path.join(dir, MODEL_FILES.mesh))) ?? candidates[candidates.length - 1];
}
