/** Fetching a model file, with errors that name the URL and say what is wrong. */
import { RuntimeError } from './errors.js';
import { checkPlan } from './plan_check.js';
import { parseModel, type ModelGraph } from './tflite/model.js';

export async function fetchModel(url: string): Promise<ModelGraph> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new RuntimeError('model-load-failed', `Could not fetch the model ${url}: ${e instanceof Error ? e.message : String(e)}. Check that asset-base points at the folder holding models/.`);
  }
  if (!response.ok) {
    throw new RuntimeError('model-load-failed', `Could not fetch the model ${url}: HTTP ${`${response.status} ${response.statusText}`.trim()}. Check that asset-base points at the folder holding models/ (npm run build puts them next to the bundle).`);
  }
  const bytes = await response.arrayBuffer();
  try {
    const graph = parseModel(bytes);
    checkPlan(graph);
    return graph;
  } catch (e) {
    throw new RuntimeError('model-load-failed', `The model ${url} (${bytes.byteLength} bytes) is not a usable TFLite file: ${e instanceof Error ? e.message : String(e)}. It may be truncated or replaced (e.g. an HTML error page); serve the file from the built models/ folder unchanged.`);
  }
}
