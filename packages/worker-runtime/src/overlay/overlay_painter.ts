/**
 * Draws results on an OffscreenCanvas the page transferred to the worker, so drawing costs the main
 * thread nothing. The canvas takes the frame's size; the element lays it over the video.
 */
import { CONTOURS, FACE_LANDMARKER_ENVIRONMENT, IRISES, MIRROR_INDEX_MAP } from '@face-mesh/geometry';
import type { OverlayMode } from '../defaults.js';
import type { FrameResult } from '../pipeline/types.js';
import type { FaceTextureRenderer, TexturedMesh } from './face_texture.js';
import { Canvas2dFaceTextureRenderer } from './face_texture_2d.js';
import { WebGlFaceTextureRenderer } from './face_texture_webgl.js';


/**
 * Who draws the `texture` mode: 'auto' is WebGL2 on a GPU and Canvas2D where there is no WebGL2 or
 * it runs in software; or one of them.
 */
export type TextureBackend = 'auto' | 'webgl2' | 'canvas2d';

const COLORS = { mesh: 'rgba(224, 224, 224, 0.55)', contour: '#30ff30', iris: '#ff3030', point: '#30c0ff', axes: ['#ff4040', '#40ff40', '#4080ff'] };

/** Length of the drawn pose axes, in cm of the canonical face. */
const AXIS_CM = 8;

export class OverlayPainter {
  private readonly ctx: OffscreenCanvasRenderingContext2D;
  /** The canonical mesh and the image of the `texture` mode. */
  textureMesh: TexturedMesh | null = null;
  texture: ImageBitmap | null = null;
  textureBackend: TextureBackend = 'auto';
  private textureRenderer: FaceTextureRenderer | null = null;
  /** The results are the mirrored view's (their eye groups are swapped: meshes follow MIRROR_INDEX_MAP). */
  mirrored = false;
  /** Vertical field of view (degrees) of the pose's camera, for the axes. */
  fov = FACE_LANDMARKER_ENVIRONMENT.perspectiveCamera.verticalFovDegrees;

  constructor(
    private readonly canvas: OffscreenCanvas,
    public mode: OverlayMode,
    /** Tesselation edges (index pairs), when the mesh mode has them. */
    public edges: Uint32Array | null = null,
  ) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('OffscreenCanvas 2D is not available in this browser.');
    this.ctx = ctx;
  }

  /** Draws one frame's results; the time it took goes into `result.timings.overlayMs`. */
  draw(result: FrameResult): void {
    const t0 = performance.now();
    this.drawFrame(result);
    if (this.mode !== 'none') result.timings.overlayMs = performance.now() - t0;
  }

  private drawFrame(result: FrameResult): void {
    const { ctx, canvas } = this;
    if (canvas.width !== result.width || canvas.height !== result.height) {
      canvas.width = result.width;
      canvas.height = result.height;
    } else {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
    }
    if (this.mode === 'none') return;
    if (this.mode === 'texture') {
      this.drawTexture(result);
      return;
    }
    const scale = Math.max(1, Math.min(result.width, result.height) / 480);
    for (const face of result.faces) {
      const p = face.landmarks;
      if (this.mode === 'points') {
        ctx.fillStyle = COLORS.point;
        for (let i = 0; i < p.length; i += 3) ctx.fillRect(p[i] - scale, p[i + 1] - scale, 2 * scale, 2 * scale);
        continue;
      }
      if (this.mode === 'mesh' && this.edges) {
        ctx.strokeStyle = COLORS.mesh;
        ctx.lineWidth = 0.5 * scale;
        ctx.beginPath();
        const e = this.edges;
        const at = (i: number): number => 3 * (this.mirrored ? MIRROR_INDEX_MAP[i] : i);
        for (let i = 0; i < e.length; i += 2) {
          ctx.moveTo(p[at(e[i])], p[at(e[i]) + 1]);
          ctx.lineTo(p[at(e[i + 1])], p[at(e[i + 1]) + 1]);
        }
        ctx.stroke();
      }
      if (this.mode !== 'irises') {
        ctx.strokeStyle = COLORS.contour;
        ctx.lineWidth = 1.5 * scale;
        ctx.beginPath();
        for (const line of CONTOURS) polyline(ctx, p, line);
        ctx.stroke();
      }
      ctx.strokeStyle = COLORS.iris;
      ctx.lineWidth = 1.5 * scale;
      ctx.beginPath();
      for (const iris of IRISES) polyline(ctx, p, iris.ring);
      ctx.stroke();
      if (this.mode === 'axes' && face.transform) this.drawAxes(face.transform.matrix, result.width, result.height, scale);
    }
  }

  private drawTexture(result: FrameResult): void {
    if (!this.texture || !this.textureMesh || result.faces.length === 0) return;
    if (this.textureRenderer && this.textureBackend !== 'auto' && this.textureRenderer.kind !== this.textureBackend) {
      this.textureRenderer.dispose();
      this.textureRenderer = null;
    }
    this.textureRenderer ??= this.createTextureRenderer(this.textureMesh);
    this.textureRenderer.draw(this.ctx, this.texture, result.faces.map((f) => f.landmarks), this.mirrored);
  }

  private createTextureRenderer(mesh: TexturedMesh): FaceTextureRenderer {
    if (this.textureBackend !== 'canvas2d' && typeof OffscreenCanvas !== 'undefined') {
      try {
        const gl = new WebGlFaceTextureRenderer(mesh);
        // 'auto' on a software GL: the Canvas2D renderer is faster there (see WebGlFaceTextureRenderer.software).
        if (this.textureBackend === 'webgl2' || !gl.software) return gl;
        gl.dispose();
      } catch (e) {
        if (this.textureBackend === 'webgl2') throw e;
      }
    }
    return new Canvas2dFaceTextureRenderer(mesh);
  }

  /** Which renderer draws the texture ('webgl2' or 'canvas2d'), once one has drawn. */
  get textureRendererKind(): FaceTextureRenderer['kind'] | null {
    return this.textureRenderer?.kind ?? null;
  }

  /** The pose's x (red), y (green) and z (blue) axes from the canonical face's origin, projected. */
  private drawAxes(m: Float32Array, width: number, height: number, scale: number): void {
    const f = 1 / Math.tan((this.fov * Math.PI) / 360);
    const project = (x: number, y: number, z: number): [number, number] => {
      // column-major model -> camera (OpenGL: x right, y up, -z ahead), then the perspective camera
      const cx = m[0] * x + m[4] * y + m[8] * z + m[12];
      const cy = m[1] * x + m[5] * y + m[9] * z + m[13];
      const cz = m[2] * x + m[6] * y + m[10] * z + m[14];
      const ndcX = ((f * height) / width) * (cx / -cz);
      const ndcY = f * (cy / -cz);
      return [((ndcX + 1) / 2) * width, ((1 - ndcY) / 2) * height];
    };
    const [ox, oy] = project(0, 0, 0);
    const ends = [project(AXIS_CM, 0, 0), project(0, AXIS_CM, 0), project(0, 0, AXIS_CM)];
    this.ctx.lineWidth = 3 * scale;
    ends.forEach(([x, y], i) => {
      this.ctx.strokeStyle = COLORS.axes[i];
      this.ctx.beginPath();
      this.ctx.moveTo(ox, oy);
      this.ctx.lineTo(x, y);
      this.ctx.stroke();
    });
  }

  clear(): void {
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Free the texture renderer's GL context and the texture (the painter is being replaced). */
  dispose(): void {
    this.clear();
    this.textureRenderer?.dispose();
    this.textureRenderer = null;
  }
}

function polyline(ctx: OffscreenCanvasRenderingContext2D, p: Float32Array, line: readonly number[]): void {
  ctx.moveTo(p[3 * line[0]], p[3 * line[0] + 1]);
  for (let k = 1; k < line.length; k++) ctx.lineTo(p[3 * line[k]], p[3 * line[k] + 1]);
}
