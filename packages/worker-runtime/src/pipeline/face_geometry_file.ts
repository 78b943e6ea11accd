/**
 * geometry_pipeline_metadata_landmarks.binarypb, fetched and parsed once per worker and URL: the
 * `transform` option and the overlay's mesh triangles both read it. A failed load is not kept, so
 * a later call retries.
 */
import { parseFaceGeometryMetadata, type FaceGeometryMetadata } from '@face-mesh/geometry';

const loaded = new Map<string, Promise<FaceGeometryMetadata>>();

export function loadFaceGeometryMetadata(url: string): Promise<FaceGeometryMetadata> {
  let metadata = loaded.get(url);
  if (!metadata) {
    metadata = fetchAndParse(url);
    loaded.set(url, metadata);
    metadata.catch(() => loaded.delete(url));
  }
  return metadata;
}

async function fetchAndParse(url: string): Promise<FaceGeometryMetadata> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`Could not fetch the face geometry ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!res.ok) throw new Error(`Could not fetch the face geometry ${url}: HTTP ${res.status}`);
  const bytes = await res.arrayBuffer();
  try {
    return parseFaceGeometryMetadata(bytes);
  } catch (e) {
    throw new Error(`The face geometry ${url} cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}
