/**
 * A texture (AR makeup, a face paint) mapped onto each face with the canonical mesh: its 898
 * triangles, with the metadata's texture coordinates at the 468 landmarks. Drawn by WebGL2 where the
 * worker has it, by Canvas2D (one affine-mapped image per triangle) where it does not.
 */
import { MIRROR_INDEX_MAP, NUM_MESH_LANDMARKS, canonicalTextureCoordinates, type FaceGeometryMetadata } from '@face-mesh/geometry';

/** The canonical mesh as the texture renderers use it. */
export interface TexturedMesh {
  /** 3 landmark indices per triangle (< 468). */
  triangles: Uint16Array;
  /** 468 × (u, v), v from the top. */
  uv: Float32Array;
}

export function texturedMesh(metadata: FaceGeometryMetadata): TexturedMesh {
  return { triangles: Uint16Array.from(metadata.triangles), uv: canonicalTextureCoordinates(metadata) };
}

/** Draws the texture on faces into a 2D context the size of the frame. */
export interface FaceTextureRenderer {
  readonly kind: 'webgl2' | 'canvas2d';
  /**
   * `faces`: each face's landmarks (pixels, x, y, z; at least 468); `mirrored`: the landmarks are the
   * mirrored view's, whose eye groups are swapped (see MIRROR_INDEX_MAP).
   */
  draw(ctx: OffscreenCanvasRenderingContext2D, texture: ImageBitmap, faces: readonly Float32Array[], mirrored: boolean): void;
  dispose(): void;
}

/**
 * The 468 mesh vertices of a face as (x, y, z) pixels in canonical vertex order, into `out`: the
 * landmarks themselves, or for a mirrored result the landmark each vertex went to.
 */
export function meshVertices(landmarks: Float32Array, mirrored: boolean, out: Float32Array): Float32Array {
  for (let i = 0; i < NUM_MESH_LANDMARKS; i++) {
    const j = mirrored ? MIRROR_INDEX_MAP[i] : i;
    out[3 * i] = landmarks[3 * j];
    out[3 * i + 1] = landmarks[3 * j + 1];
    out[3 * i + 2] = landmarks[3 * j + 2];
  }
  return out;
}
