/**
 * Draws results on an OffscreenCanvas the page transferred to the worker, so drawing costs the main
 * thread nothing. The canvas takes the frame's size; the element lays it over the video.
 */
import { CONTOURS, IRISES } from '@face-mesh/geometry';
import type { FrameResult } from '../pipeline/types.js';

export type OverlayMode = 'none' | 'mesh' | 'contours' | 'irises' | 'points';
export const OVERLAY_MODES: readonly OverlayMode[] = ['none', 'mesh', 'contours', 'irises', 'points'];

const COLORS = { mesh: 'rgba(224, 224, 224, 0.55)', contour: '#30ff30', iris: '#ff3030', point: '#30c0ff' };

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
    }
  }

  clear(): void {
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }
}

function polyline(ctx: OffscreenCanvasRenderingContext2D, p: Float32Array, line: readonly number[]): void {
  ctx.moveTo(p[3 * line[0]], p[3 * line[0] + 1]);
  for (let k = 1; k < line.length; k++) ctx.lineTo(p[3 * line[k]], p[3 * line[k] + 1]);
}
