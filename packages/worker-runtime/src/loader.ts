/** Fetching a model file, with errors that name the URL and say what is wrong. */
import { parseModel, type ModelGraph } from './tflite/model.js';

export async function fetchModel(url: string): Promise<ModelGraph> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`Could not fetch the model ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!response.ok) throw new Error(`Could not fetch the model ${url}: HTTP ${response.status} ${response.statusText}`.trim());
  const bytes = await response.arrayBuffer();
  try {
    return parseModel(bytes);
  } catch (e) {
    throw new Error(`The model ${url} (${bytes.byteLength} bytes) cannot be loaded: ${e instanceof Error ? e.message : String(e)}`);
  }
}
