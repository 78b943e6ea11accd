/**
 * overlay="texture": a known texture mapped onto synthetic faces (the canonical mesh, frontal), read
 * back from the overlay canvas: colours inside the face contour, nothing outside, the same under
 * mirror, several faces, with each renderer (WebGL2, Canvas2D).
 */
import { expect } from 'chai';
import { FACE_OVAL, mirrorLandmarks, parseFaceGeometryMetadata, triangleEdges, type FaceGeometryMetadata } from '@face-mesh/geometry';
import { OverlayPainter, type TextureBackend } from '../src/overlay/overlay_painter.js';
import { texturedMesh } from '../src/overlay/face_texture.js';
import type { FaceResult, FrameResult } from '../src/pipeline/types.js';

const W = 640;
const H = 480;

/** The canonical face seen frontally: `pxPerCm` pixels per cm, centred at (cx, cy); 478 points (irises at the eye corners). */
function frontalFace(canonical: Float32Array, cx: number, cy: number, pxPerCm: number): Float32Array {
  const out = new Float32Array(478 * 3);
  for (let i = 0; i < 468; i++) {
    out.set([cx + canonical[5 * i] * pxPerCm, cy - canonical[5 * i + 1] * pxPerCm, -canonical[5 * i + 2] * pxPerCm], 3 * i);
  }
  for (let i = 468; i < 478; i++) out.set(out.subarray(3 * 33, 3 * 33 + 3), 3 * i);
  return out;
}

function frame(faces: Float32Array[]): FrameResult {
  return {
    width: W,
    height: H,
    faces: faces.map((landmarks, id) => ({ id, landmarks }) as unknown as FaceResult),
    detectorRan: false,
    timings: { detectorMs: 0, cropMs: 0, meshMs: 0, postMs: 0, totalMs: 0 },
  };
}

/** Left half of the texture (u < 0.5) red, right half blue, opaque. */
async function halfAndHalfTexture(): Promise<ImageBitmap> {
  const canvas = new OffscreenCanvas(256, 256);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#ff0000';
  ctx.fillRect(0, 0, 128, 256);
  ctx.fillStyle = '#0000ff';
  ctx.fillRect(128, 0, 128, 256);
  return createImageBitmap(canvas, { premultiplyAlpha: 'premultiply' });
}

/** Area of the face oval polygon, px². */
function ovalArea(p: Float32Array): number {
  let a = 0;
  for (let k = 0; k + 1 < FACE_OVAL.length; k++) {
    const i = FACE_OVAL[k];
    const j = FACE_OVAL[k + 1];
    a += p[3 * i] * p[3 * j + 1] - p[3 * j] * p[3 * i + 1];
  }
  return Math.abs(a) / 2;
}

function pixel(data: ImageData, x: number, y: number): [number, number, number, number] {
  const o = 4 * (Math.round(y) * data.width + Math.round(x));
  return [data.data[o], data.data[o + 1], data.data[o + 2], data.data[o + 3]];
}

function coveredPixels(data: ImageData): number {
  let n = 0;
  for (let o = 3; o < data.data.length; o += 4) if (data.data[o] > 127) n++;
  return n;
}

describe('overlay="texture": a texture on the face mesh', () => {
  let metadata: FaceGeometryMetadata;
  let texture: ImageBitmap;
  before(async () => {
    const res = await fetch('/models/dist/geometry_pipeline_metadata_landmarks.binarypb');
    metadata = parseFaceGeometryMetadata(new Uint8Array(await res.arrayBuffer()));
    texture = await halfAndHalfTexture();
  });

  function paint(backend: TextureBackend, faces: Float32Array[], mirrored: boolean): { data: ImageData; kind: string | null } {
    const canvas = new OffscreenCanvas(W, H);
    const painter = new OverlayPainter(canvas, 'texture');
    painter.textureBackend = backend;
    painter.textureMesh = texturedMesh(metadata);
    painter.texture = texture;
    painter.mirrored = mirrored;
    painter.draw(frame(faces));
    const data = canvas.getContext('2d')!.getImageData(0, 0, W, H);
    const kind = painter.textureRendererKind;
    painter.dispose();
    return { data, kind };
  }

  for (const backend of ['webgl2', 'canvas2d'] as const) {
    describe(backend, () => {
      before(function () {
        if (backend === 'webgl2' && !new OffscreenCanvas(1, 1).getContext('webgl2')) {
          console.log('overlay texture: this browser has no WebGL2 on OffscreenCanvas; its test is skipped');
          this.skip();
        }
      });

      it('colours the face inside its contour (red on the subject\'s right, image left; blue on the other side) and nothing outside', () => {
        const face = frontalFace(metadata.vertices, 320, 240, 12);
        const { data, kind } = paint(backend, [face], false);
        expect(kind).to.equal(backend);
        const at = (i: number): [number, number] => [face[3 * i], face[3 * i + 1]];
        // 50 / 280: the cheeks (u 0.3 / 0.7)
        expect(pixel(data, ...at(50))).to.deep.equal([255, 0, 0, 255]);
        expect(pixel(data, ...at(280))).to.deep.equal([0, 0, 255, 255]);
        // outside: the corners, and 8 px beyond the face's widest points (234, 454) and the chin (152)
        for (const [x, y] of [[2, 2], [W - 3, H - 3], [face[3 * 234] - 8, face[3 * 234 + 1]], [face[3 * 454] + 8, face[3 * 454 + 1]], [face[3 * 152], face[3 * 152 + 1] + 8]]) {
          expect(pixel(data, x, y)[3], `alpha at ${x.toFixed(0)},${y.toFixed(0)}`).to.equal(0);
        }
        const covered = coveredPixels(data);
        const area = ovalArea(face);
        console.log(`overlay texture ${backend}: ${covered} px covered, face oval ${area.toFixed(0)} px²`);
        expect(covered / area).to.be.within(0.97, 1.03);
      });

      it('under mirror the texture stays on the face (no triangle across it) and is seen mirrored', () => {
        const face = frontalFace(metadata.vertices, 300, 250, 12);
        const mirrored = mirrorLandmarks(face.slice(), W);
        const { data } = paint(backend, [mirrored], true);
        // The subject's right cheek (50) is now on the image right, still red.
        expect(pixel(data, W - face[3 * 50], face[3 * 50 + 1])).to.deep.equal([255, 0, 0, 255]);
        expect(pixel(data, W - face[3 * 280], face[3 * 280 + 1])).to.deep.equal([0, 0, 255, 255]);
        const covered = coveredPixels(data);
        expect(covered / ovalArea(face)).to.be.within(0.97, 1.03);
        // The subject's right eye (between its lids 159 and 145) is red too; drawn as if unmirrored, the
        // swapped eye points would carry the other eye's (blue) texture there.
        const eye: [number, number] = [W - (face[3 * 159] + face[3 * 145]) / 2, (face[3 * 159 + 1] + face[3 * 145 + 1]) / 2];
        expect(pixel(data, ...eye)).to.deep.equal([255, 0, 0, 255]);
        expect(pixel(paint(backend, [mirrored], false).data, ...eye)).to.deep.equal([0, 0, 255, 255]);
      });

      it('several faces: each gets the texture', () => {
        const a = frontalFace(metadata.vertices, 170, 200, 8);
        const b = frontalFace(metadata.vertices, 470, 280, 10);
        const { data } = paint(backend, [a, b], false);
        expect(pixel(data, a[3 * 50], a[3 * 50 + 1])).to.deep.equal([255, 0, 0, 255]);
        expect(pixel(data, b[3 * 280], b[3 * 280 + 1])).to.deep.equal([0, 0, 255, 255]);
        expect(coveredPixels(data) / (ovalArea(a) + ovalArea(b))).to.be.within(0.97, 1.03);
      });
    });
  }

  it("'auto' picks WebGL2 on a GPU and Canvas2D without WebGL2 or on a software GL", () => {
    const { kind } = paint('auto', [frontalFace(metadata.vertices, 320, 240, 12)], false);
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    const renderer = gl ? String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : 'none';
    console.log(`overlay texture: WebGL renderer "${renderer}", 'auto' drew with ${kind}`);
    expect(kind).to.equal(gl && !/swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? 'webgl2' : 'canvas2d');
  });

  it('overlay="mesh" under mirror is the mirror image of the unmirrored drawing (the tesselation follows the swapped eyes)', () => {
    const face = frontalFace(metadata.vertices, 300, 250, 12);
    const draw = (landmarks: Float32Array, mirrored: boolean): Uint8ClampedArray => {
      const canvas = new OffscreenCanvas(W, H);
      const painter = new OverlayPainter(canvas, 'mesh', triangleEdges(metadata.triangles));
      painter.mirrored = mirrored;
      painter.draw(frame([landmarks]));
      return canvas.getContext('2d')!.getImageData(0, 0, W, H).data;
    };
    const plain = draw(face, false);
    const mirroredLandmarks = mirrorLandmarks(face.slice(), W);
    // Pixels whose alpha differs from the flipped unmirrored drawing's (x -> W - 1 - x, up to 1 px of rounding).
    const differing = (img: Uint8ClampedArray): number => {
      let n = 0;
      for (let y = 0; y < H; y++) {
        for (let x = 1; x < W - 1; x++) {
          const a = img[4 * (y * W + x) + 3];
          const near = [W - 2 - x, W - 1 - x, W - x].map((fx) => plain[4 * (y * W + fx) + 3]);
          if (Math.min(...near.map((b) => Math.abs(a - b))) > 96) n++;
        }
      }
      return n;
    };
    const right = differing(draw(mirroredLandmarks, true));
    const wrong = differing(draw(mirroredLandmarks, false));
    console.log(`mesh overlay under mirror: ${right} pixels differ from the flipped drawing (${wrong} without the index map)`);
    expect(right).to.be.lessThan(wrong / 10);
  });

  it('without a texture (no texture-src yet) it draws nothing', () => {
    const canvas = new OffscreenCanvas(W, H);
    const painter = new OverlayPainter(canvas, 'texture');
    painter.textureMesh = texturedMesh(metadata);
    painter.draw(frame([frontalFace(metadata.vertices, 320, 240, 12)]));
    expect(coveredPixels(canvas.getContext('2d')!.getImageData(0, 0, W, H))).to.equal(0);
  });
});
