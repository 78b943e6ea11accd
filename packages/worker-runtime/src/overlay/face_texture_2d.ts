/**
 * The face texture drawn with Canvas2D alone, for workers without WebGL2: each triangle is its
 * texture triangle under the affine map onto the screen triangle, clipped to it. Triangles are drawn
 * far to near (mean landmark z), since there is no depth buffer.
 */
import { NUM_MESH_LANDMARKS } from '@face-mesh/geometry';
import { meshVertices, type FaceTextureRenderer, type TexturedMesh } from './face_texture.js';

/** Clip triangles grown by this many pixels about their centroid, so neighbours leave no hairline gaps. */
const SEAM_PX = 0.5;

export class Canvas2dFaceTextureRenderer implements FaceTextureRenderer {
  readonly kind = 'canvas2d';
  private readonly vertices = new Float32Array(NUM_MESH_LANDMARKS * 3);
  private readonly order: Uint16Array;
  private readonly depth: Float32Array;

  constructor(private readonly mesh: TexturedMesh) {
    const count = mesh.triangles.length / 3;
    this.order = Uint16Array.from({ length: count }, (_, i) => i);
    this.depth = new Float32Array(count);
  }

  draw(ctx: OffscreenCanvasRenderingContext2D, texture: ImageBitmap, faces: readonly Float32Array[], mirrored: boolean): void {
    const { triangles, uv } = this.mesh;
    const tw = texture.width;
    const th = texture.height;
    const p = this.vertices;
    for (const landmarks of faces) {
      if (landmarks.length < NUM_MESH_LANDMARKS * 3) continue;
      meshVertices(landmarks, mirrored, p);
      for (let t = 0; t < this.depth.length; t++) {
        this.depth[t] = p[3 * triangles[3 * t] + 2] + p[3 * triangles[3 * t + 1] + 2] + p[3 * triangles[3 * t + 2] + 2];
      }
      this.order.sort((a, b) => this.depth[b] - this.depth[a]);
      for (const t of this.order) {
        const i0 = triangles[3 * t];
        const i1 = triangles[3 * t + 1];
        const i2 = triangles[3 * t + 2];
        const u0 = uv[2 * i0] * tw, v0 = uv[2 * i0 + 1] * th;
        const u1 = uv[2 * i1] * tw, v1 = uv[2 * i1 + 1] * th;
        const u2 = uv[2 * i2] * tw, v2 = uv[2 * i2 + 1] * th;
        const x0 = p[3 * i0], y0 = p[3 * i0 + 1];
        const x1 = p[3 * i1], y1 = p[3 * i1 + 1];
        const x2 = p[3 * i2], y2 = p[3 * i2 + 1];
        // The affine map (u, v) -> (x, y) of the three corners.
        const du1 = u1 - u0, dv1 = v1 - v0, du2 = u2 - u0, dv2 = v2 - v0;
        const det = du1 * dv2 - du2 * dv1;
        if (Math.abs(det) < 1e-9) continue;
        const dx1 = x1 - x0, dy1 = y1 - y0, dx2 = x2 - x0, dy2 = y2 - y0;
        const a = (dx1 * dv2 - dx2 * dv1) / det;
        const c = (dx2 * du1 - dx1 * du2) / det;
        const b = (dy1 * dv2 - dy2 * dv1) / det;
        const d = (dy2 * du1 - dy1 * du2) / det;
        const cx = (x0 + x1 + x2) / 3;
        const cy = (y0 + y1 + y2) / 3;
        ctx.save();
        ctx.beginPath();
        for (const [x, y] of [[x0, y0], [x1, y1], [x2, y2]]) {
          const len = Math.hypot(x - cx, y - cy) || 1;
          ctx.lineTo(x + ((x - cx) / len) * SEAM_PX, y + ((y - cy) / len) * SEAM_PX);
        }
        ctx.closePath();
        ctx.clip();
        ctx.setTransform(a, b, c, d, x0 - a * u0 - c * v0, y0 - b * u0 - d * v0);
        // Only the texels under the triangle (its bounding box, a texel of margin).
        const sx = Math.max(0, Math.floor(Math.min(u0, u1, u2)) - 1);
        const sy = Math.max(0, Math.floor(Math.min(v0, v1, v2)) - 1);
        const sw = Math.min(tw, Math.ceil(Math.max(u0, u1, u2)) + 1) - sx;
        const sh = Math.min(th, Math.ceil(Math.max(v0, v1, v2)) + 1) - sy;
        if (sw > 0 && sh > 0) ctx.drawImage(texture, sx, sy, sw, sh, sx, sy, sw, sh);
        ctx.restore();
      }
    }
  }

  dispose(): void {}
}
