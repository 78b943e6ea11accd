/**
 * `geometry_pipeline_metadata_landmarks.binarypb` (MediaPipe face_geometry protos): the canonical
 * face mesh (468 vertices x (x, y, z, u, v), 898 triangles) and the weighted landmarks used for
 * Procrustes pose estimation. A minimal protobuf reader for exactly these messages:
 *   GeometryPipelineMetadata { Mesh3d canonical_mesh = 1; repeated WeightedLandmarkRef procrustes_landmark_basis = 2; InputSource input_source = 3; }
 *   Mesh3d { VertexType vertex_type = 1; PrimitiveType primitive_type = 2; repeated float vertex_buffer = 3; repeated uint32 index_buffer = 4; }
 *   WeightedLandmarkRef { uint32 landmark_id = 1; float weight = 2; }
 * Repeated scalars are accepted packed or not (this file has them unpacked).
 */
export interface FaceGeometryMetadata {
  /** 5 floats per vertex: x, y, z (cm), u, v. */
  vertices: Float32Array;
  /** 3 vertex indices per triangle. */
  triangles: Uint32Array;
  /** Procrustes basis: landmark ids and their weights. */
  basisIds: Uint32Array;
  basisWeights: Float32Array;
}

export const CANONICAL_VERTEX_SIZE = 5;

class ProtoReader {
  private pos = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get done(): boolean {
    return this.pos >= this.bytes.length;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.bytes.length) throw new Error('face geometry metadata: truncated varint');
      const b = this.bytes[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
      if (shift > 63) throw new Error('face geometry metadata: bad varint');
    }
  }
  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }
  bytesField(): Uint8Array {
    const n = this.varint();
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.advance(8);
    else if (wireType === 2) this.bytesField();
    else if (wireType === 5) this.advance(4);
    else throw new Error(`face geometry metadata: unsupported wire type ${wireType}`);
  }
  private advance(n: number): void {
    this.need(n);
    this.pos += n;
  }
  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new Error('face geometry metadata: truncated field');
  }
}

function readMesh(bytes: Uint8Array, vertices: number[], indices: number[]): void {
  const r = new ProtoReader(bytes);
  while (!r.done) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 3 && wire === 5) vertices.push(r.float());
    else if (field === 3 && wire === 2) {
      const p = new ProtoReader(r.bytesField());
      while (!p.done) vertices.push(p.float());
    } else if (field === 4 && wire === 0) indices.push(r.varint());
    else if (field === 4 && wire === 2) {
      const p = new ProtoReader(r.bytesField());
      while (!p.done) indices.push(p.varint());
    } else r.skip(wire);
  }
}

export function parseFaceGeometryMetadata(data: ArrayBuffer | Uint8Array): FaceGeometryMetadata {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const vertices: number[] = [];
  const indices: number[] = [];
  const ids: number[] = [];
  const weights: number[] = [];
  const r = new ProtoReader(bytes);
  while (!r.done) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 1 && wire === 2) readMesh(r.bytesField(), vertices, indices);
    else if (field === 2 && wire === 2) {
      const p = new ProtoReader(r.bytesField());
      let id = 0;
      let weight = 0;
      while (!p.done) {
        const k = p.varint();
        if (k === 8) id = p.varint();
        else if (k === 21) weight = p.float();
        else p.skip(k & 7);
      }
      ids.push(id);
      weights.push(weight);
    } else r.skip(wire);
  }
  if (vertices.length === 0 || vertices.length % CANONICAL_VERTEX_SIZE !== 0 || indices.length % 3 !== 0) {
    throw new Error(`face geometry metadata: ${vertices.length} vertex floats and ${indices.length} indices do not form a triangle mesh`);
  }
  const count = vertices.length / CANONICAL_VERTEX_SIZE;
  if (indices.some((i) => i >= count)) throw new Error('face geometry metadata: a triangle index is out of range');
  return {
    vertices: Float32Array.from(vertices),
    triangles: Uint32Array.from(indices),
    basisIds: Uint32Array.from(ids),
    basisWeights: Float32Array.from(weights),
  };
}

/** Unique undirected edges of a triangle list, as interleaved index pairs (for drawing the tesselation). */
export function triangleEdges(triangles: Uint32Array): Uint32Array {
  const seen = new Set<number>();
  const out: number[] = [];
  for (let t = 0; t < triangles.length; t += 3) {
    for (const [a, b] of [[triangles[t], triangles[t + 1]], [triangles[t + 1], triangles[t + 2]], [triangles[t + 2], triangles[t]]]) {
      const lo = Math.min(a, b);
      const hi = Math.max(a, b);
      const key = lo * 65536 + hi;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(lo, hi);
      }
    }
  }
  return Uint32Array.from(out);
}

/**
 * The canonical face's texture coordinates: 468 × (u, v), from the metadata's vertices. They lay the
 * face out like a frontal photo of it: u from the image left of an unmirrored frontal face (the
 * subject's right eye, landmark 33, at u ≈ 0.28) to the right, v from the top (forehead, v ≈ 0.11) down
 * (chin, v ≈ 0.95); so a texture image is sampled at (u·width, v·height) from its top-left corner.
 */
export function canonicalTextureCoordinates(metadata: FaceGeometryMetadata): Float32Array {
  const n = metadata.vertices.length / CANONICAL_VERTEX_SIZE;
  const uv = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    uv[2 * i] = metadata.vertices[i * CANONICAL_VERTEX_SIZE + 3];
    uv[2 * i + 1] = metadata.vertices[i * CANONICAL_VERTEX_SIZE + 4];
  }
  return uv;
}
