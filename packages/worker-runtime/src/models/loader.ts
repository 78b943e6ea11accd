/** Fetching a model file, with errors that name the URL and say what is wrong. */
import { checkGraph, MAX_MODEL_BYTES, parseModel, type ModelGraph } from '@face-mesh/tflite';
import { modelFileFailure } from '../errors.js';
import { fetchAsset } from '../assets/fetch_asset.js';

/**
 * Download (stall timeout, size cap, SHA-256 when the page gave one), parse and check a model. Errors
 * are RuntimeErrors: 'model-load-failed' or 'model-integrity', naming the URL. The parse and the
 * checks are bounded by the file's size, so a hostile file fails within about a second.
 */
export async function fetchModel(url: string, onProgress?: (loaded: number, total: number | null) => void): Promise<ModelGraph> {
  return parseModelFile(url, await fetchModelBytes(url, onProgress));
}

/** Download a model file (stall timeout, size cap, SHA-256 when the page gave one). */
export function fetchModelBytes(url: string, onProgress?: (loaded: number, total: number | null) => void): Promise<Uint8Array<ArrayBuffer>> {
  return fetchAsset(url, {
    what: 'the model', code: 'model-load-failed', integrityCode: 'model-integrity', maxBytes: MAX_MODEL_BYTES, onProgress,
    hint: 'Check that asset-base points at the folder holding models/ (npm run build puts them next to the bundle).',
  });
}

/** Parse and check a downloaded model file; a file that is not a usable model is 'model-load-failed', naming `url`. */
export function parseModelFile(url: string, bytes: Uint8Array<ArrayBuffer>): ModelGraph {
  try {
    const graph = parseModel(bytes);
    checkGraph(graph);
    return graph;
  } catch (e) {
    throw modelFileFailure(url, bytes.byteLength, e);
  }
}
