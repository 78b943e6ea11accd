/**
 * Draws results on an OffscreenCanvas the page transferred to the worker, so drawing costs the main
 * thread nothing. The canvas takes the frame's size; the element lays it over the video.
 */
import { CONTOURS, IRISES } from '@face-mesh/geometry';
import type { FrameResult } from '../pipeline/types.js';

export type OverlayMode = 'none' | 'mesh' | 'contours' | 'irises' | 'points' | 'axes';
export const OVERLAY_MODES: readonly OverlayMode[] = ['none', 'mesh', 'contours', 'irises', 'points', 'axes'];

const COLORS = { mesh: 'rgba(224, 224, 224, 0.55)', contour: '#30ff30', iris: '#ff3030', point: '#30c0ff', axes: ['#ff4040', '#40ff40', '#4080ff'] };

/** Vertical field of view of the camera model of the facial transformation matrix (MediaPipe's 63 degrees). */
const FOV_Y = (63 * Math.PI) / 180;
/** Length of the drawn pose axes, in cm of the canonical face. */
const AXIS_CM = 8;

export class OverlayPainter {
  private readonly ctx: OffscreenCanvasRenderingContext2D;

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

  draw(result: FrameResult): void {
    const { ctx, canvas } = this;
    if (canvas.width !== result.width || canvas.height !== result.height) {
      canvas.width = result.width;
      canvas.height = result.height;
    } else {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
    }
    if (this.mode === 'none') return;
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
        for (let i = 0; i < e.length; i += 2) {
          ctx.moveTo(p[3 * e[i]], p[3 * e[i] + 1]);
          ctx.lineTo(p[3 * e[i + 1]], p[3 * e[i + 1] + 1]);
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

  /** The pose's x (red), y (green) and z (blue) axes from the canonical face's origin, projected. */
  private drawAxes(m: Float32Array, width: number, height: number, scale: number): void {
    const f = 1 / Math.tan(FOV_Y / 2);
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
}

function polyline(ctx: OffscreenCanvasRenderingContext2D, p: Float32Array, line: readonly number[]): void {
  ctx.moveTo(p[3 * line[0]], p[3 * line[0] + 1]);
  for (let k = 1; k < line.length; k++) ctx.lineTo(p[3 * line[k]], p[3 * line[k] + 1]);
}
