/**
 * The model card's applications through the element: `eyes` (+ `fov`) in the landmarks detail, and
 * overlay="texture" with `texture-src` as the user sees it (a screenshot of the page, the worker's
 * canvas composited over the picture).
 */
import { expect } from 'chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { FACE_OVAL } from '@face-mesh/geometry';
import type { FaceMeshElement, FaceMeshErrorEvent, LandmarksEvent } from '../src/index.js';
import { createFaceMesh, faceBitmap, nextEvent, ONE_THREAD } from './helpers.js';
import '../src/define.js';

const W = 640;
const H = 480;

async function faceImageUrl(): Promise<string> {
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  canvas.getContext('2d')!.drawImage(await faceBitmap(), 0, 0);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
  return URL.createObjectURL(blob);
}

/** An opaque magenta texture: every face pixel it covers turns (255, 0, 255). */
function magentaTextureUrl(): string {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 32;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#ff00ff';
  ctx.fillRect(0, 0, 32, 32);
  return canvas.toDataURL('image/png');
}

/** The element as shown on the page: its pixels, and the scale from frame pixels to them. */
async function shot(el: FaceMeshElement): Promise<{ data: ImageData; scale: number }> {
  const r = el.getBoundingClientRect();
  const clip = { x: Math.round(r.left), y: Math.round(r.top), width: Math.round(r.width), height: Math.round(r.height) };
  const base64 = await executeServerCommand<string, { clip: typeof clip }>('screenshot', { clip });
  const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  return { data: ctx.getImageData(0, 0, bitmap.width, bitmap.height), scale: bitmap.width / W };
}

/** Magenta pixels: their count and centroid. */
function magenta(data: ImageData): { count: number; x: number; y: number } {
  let count = 0;
  let sx = 0;
  let sy = 0;
  for (let o = 0; o < data.data.length; o += 4) {
    if (data.data[o] > 220 && data.data[o + 1] < 40 && data.data[o + 2] > 220) {
      count++;
      sx += (o / 4) % data.width;
      sy += Math.floor(o / 4 / data.width);
    }
  }
  return { count, x: sx / count, y: sy / count };
}

/** The face oval's area and centroid (of its points), in frame pixels. */
function oval(landmarks: Float32Array): { area: number; x: number; y: number } {
  let a = 0;
  let x = 0;
  let y = 0;
  for (let k = 0; k + 1 < FACE_OVAL.length; k++) {
    const i = FACE_OVAL[k];
    const j = FACE_OVAL[k + 1];
    a += landmarks[3 * i] * landmarks[3 * j + 1] - landmarks[3 * j] * landmarks[3 * i + 1];
    x += landmarks[3 * i];
    y += landmarks[3 * i + 1];
  }
  const n = FACE_OVAL.length - 1;
  return { area: Math.abs(a) / 2, x: x / n, y: y / n };
}

/** Two animation frames: the worker's canvas update reaches the screen. */
const painted = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 100))));

describe('<face-mesh> eyes and overlay="texture"', function () {
  this.timeout(30_000); // tools/timeouts-from-durations.mjs: five times the slowest test measured

  it('eyes adds faces[i].eyes (distance, gaze); fov changes the distance by the focal length ratio', async () => {
    const el = createFaceMesh({ ...ONE_THREAD, eyes: '' });
    const [face] = (await el.detect(await faceBitmap())).faces;
    expect(face.eyes!.left.distanceMm).to.be.within(200, 1500);
    expect(face.eyes!.right.gaze!.z).to.be.greaterThan(0.8); // towards the camera
    expect(face.transform).to.equal(undefined);
    el.fov = 40;
    await el.updateComplete;
    const ratio = Math.tan((31.5 * Math.PI) / 180) / Math.tan((20 * Math.PI) / 180);
    let narrow = (await el.detect(await faceBitmap())).faces[0];
    for (let i = 0; i < 50 && narrow.eyes!.left.distanceMm / face.eyes!.left.distanceMm < 1.1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      narrow = (await el.detect(await faceBitmap())).faces[0];
    }
    expect(narrow.eyes!.left.distanceMm / face.eyes!.left.distanceMm).to.be.closeTo(ratio, 0.02 * ratio);
    el.remove();
  });

  for (const mirror of [false, true]) {
    it(`texture-src is mapped onto the face on screen${mirror ? ', mirrored' : ''}`, async () => {
      const src = await faceImageUrl();
      const attrs: Record<string, string> = { ...ONE_THREAD, src, overlay: 'texture', 'texture-src': magentaTextureUrl() };
      if (mirror) attrs.mirror = '';
      const el = createFaceMesh(attrs);
      el.style.width = `${W}px`;
      const event = await nextEvent<LandmarksEvent>(el, 'landmarks');
      await painted();
      const { data, scale } = await shot(el);
      const m = magenta(data);
      const face = oval(event.detail.faces[0].landmarks);
      console.log(`texture on screen${mirror ? ' (mirror)' : ''}: ${m.count} magenta px, face oval ${(face.area * scale * scale).toFixed(0)} px²; centroid ${m.x.toFixed(0)},${m.y.toFixed(0)} vs oval ${(face.x * scale).toFixed(0)},${(face.y * scale).toFixed(0)}`);
      expect(m.count / (face.area * scale * scale)).to.be.within(0.9, 1.1);
      expect(Math.abs(m.x - face.x * scale)).to.be.lessThan(0.05 * W * scale);
      expect(Math.abs(m.y - face.y * scale)).to.be.lessThan(0.05 * H * scale);
      // the same picture without the texture has no magenta
      el.overlay = 'none';
      await el.updateComplete;
      el.src = `${src}#again`;
      await nextEvent(el, 'landmarks');
      await painted();
      expect(magenta((await shot(el)).data).count).to.be.lessThan(20);
      el.remove();
      URL.revokeObjectURL(src);
    });
  }

  it('a texture-src that cannot be loaded is a source-failed error naming it', async () => {
    const el = createFaceMesh({ ...ONE_THREAD, overlay: 'texture', 'texture-src': '/no/such/texture.png' });
    const error = nextEvent<FaceMeshErrorEvent>(el, 'error');
    await el.detect(await faceBitmap());
    const e = await error;
    expect(e.detail.code).to.equal('source-failed');
    expect(e.detail.message).to.contain('/no/such/texture.png');
    el.remove();
  });
});
