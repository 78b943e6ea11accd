/**
 * geometry_pipeline_metadata_landmarks.binarypb, fetched and parsed once per worker and URL: the
 * `transform` option and the overlay's mesh triangles both read it. A failed load is not kept, so
 * a later call retries.
 */
import { parseFaceGeometryMetadata, type FaceGeometryMetadata } from '@face-mesh/geometry';
import { fetchAsset } from '../assets/fetch_asset.js';

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
  const bytes = await fetchAsset(url, {
    what: 'the face geometry', code: 'model-load-failed', integrityCode: 'model-integrity', maxBytes: 16 << 20,
    hint: 'Check that asset-base points at the folder holding models/.',
  });
  try {
    return parseFaceGeometryMetadata(bytes);
  } catch (e) {
    throw new Error(`The face geometry ${url} cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}
