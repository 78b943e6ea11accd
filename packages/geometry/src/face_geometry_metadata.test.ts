import { expect } from 'chai';
import { canonicalTextureCoordinates, parseFaceGeometryMetadata, triangleEdges } from './face_geometry_metadata.js';

describe('parseFaceGeometryMetadata', () => {
  let bytes: Uint8Array;
  before(async () => {
    const res = await fetch('/models/dist/geometry_pipeline_metadata_landmarks.binarypb');
    expect(res.ok, 'the metadata file is extracted by npm install').to.equal(true);
    bytes = new Uint8Array(await res.arrayBuffer());
  });

  it('reads the canonical mesh: 468 vertices, 898 triangles, 33 weighted basis landmarks', () => {
    const m = parseFaceGeometryMetadata(bytes);
    expect(m.vertices.length).to.equal(468 * 5);
    expect(m.triangles.length).to.equal(898 * 3);
    expect(m.basisIds.length).to.equal(33);
    expect(m.basisWeights.length).to.equal(33);
    expect(Math.max(...m.triangles)).to.equal(467);
    // every weight positive, ids are mesh landmarks
    expect(Array.from(m.basisWeights).every((w) => w > 0 && w < 1)).to.equal(true);
    expect(Array.from(m.basisIds).every((id) => id < 468)).to.equal(true);
  });

  it('has a left-right symmetric canonical face (vertex 1, the nose tip, on the midline)', () => {
    const m = parseFaceGeometryMetadata(bytes);
    expect(Math.abs(m.vertices[1 * 5])).to.be.lessThan(1e-3);
    // 33 and 263 are the outer eye corners: mirror images of each other
    expect(m.vertices[33 * 5]).to.be.closeTo(-m.vertices[263 * 5], 1e-3);
    expect(m.vertices[33 * 5 + 1]).to.be.closeTo(m.vertices[263 * 5 + 1], 1e-3);
  });

  it('canonicalTextureCoordinates: 468 UVs in [0, 1], laid out like a frontal photo (v down)', () => {
    const uv = canonicalTextureCoordinates(parseFaceGeometryMetadata(bytes));
    expect(uv.length).to.equal(468 * 2);
    expect(Array.from(uv).every((t) => t >= 0 && t <= 1)).to.equal(true);
    expect(uv[2 * 33]).to.be.lessThan(0.5); // the subject's right eye on the image left
    expect(uv[2 * 263]).to.be.greaterThan(0.5);
    expect(uv[2 * 10 + 1]).to.be.lessThan(uv[2 * 1 + 1]); // forehead above the nose tip
    expect(uv[2 * 1 + 1]).to.be.lessThan(uv[2 * 152 + 1]); // nose tip above the chin
    expect(uv[2 * 1]).to.be.closeTo(0.5, 1e-3);
  });

  it('rejects truncated data', () => {
    expect(() => parseFaceGeometryMetadata(bytes.subarray(0, 1000))).to.throw(/truncated|triangle mesh/);
  });

  it('triangleEdges lists each shared edge once', () => {
    const edges = triangleEdges(Uint32Array.from([0, 1, 2, 2, 1, 3]));
    expect(edges.length / 2).to.equal(5);
    const m = parseFaceGeometryMetadata(bytes);
    // a closed-ish surface: E = V + F - 1 (Euler, a disc with one boundary) gives a number in this range
    const e = triangleEdges(m.triangles).length / 2;
    expect(e).to.be.greaterThan(898).and.lessThan(898 * 3);
  });
});
