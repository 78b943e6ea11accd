// The demo's face textures for overlay="texture", drawn procedurally in the canonical face's texture
// coordinates (so the repo ships them under its own Apache-2.0 license):
//   demo/media/makeup.png     lipstick, eyeshadow and blush, transparent elsewhere (512x512 RGBA)
//   demo/media/face-grid.png  a coloured grid over the whole face area: shows how the UVs lie (256x256)
// Usage: node tools/make-face-textures.mjs (after npm install: it reads models/dist/'s metadata).
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @face-mesh/geometry, bundled on the fly (its sources are TypeScript). */
async function importGeometry() {
  const { outputFiles } = await build({ entryPoints: [path.join(root, 'packages/geometry/src/index.ts')], bundle: true, format: 'esm', write: false, logLevel: 'warning' });
  return import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].contents).toString('base64')}`);
}

// --- PNG (RGBA, 8 bit, no filtering) -------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) Buffer.from(rgba.buffer, y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// --- drawing in texture pixels ---------------------------------------------------------------
function inside(poly, x, y) {
  let c = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}
function distanceToPolyline(line, x, y) {
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const [ax, ay] = line[i];
    const [bx, by] = line[i + 1];
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
  }
  return best;
}
const smoothstep = (e0, e1, x) => {
  const t = Math.max(0, Math.min(1, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};
/** Source-over of a straight-alpha colour onto the premultiplied-free RGBA image. */
function blend(img, width, x, y, [r, g, b], alpha) {
  if (alpha <= 0) return;
  const o = 4 * (y * width + x);
  const da = img[o + 3] / 255;
  const oa = alpha + da * (1 - alpha);
  for (const [k, c] of [[0, r], [1, g], [2, b]]) img[o + k] = Math.round((c * alpha + img[o + k] * da * (1 - alpha)) / oa);
  img[o + 3] = Math.round(oa * 255);
}

function makeup(geo, uv, size) {
  const at = (i) => [uv[2 * i] * size, uv[2 * i + 1] * size];
  const img = new Uint8ClampedArray(size * size * 4);
  const [, lipsOuter, lipsInner] = geo.CONTOURS;
  const outer = lipsOuter.map(at);
  const inner = lipsInner.map(at);
  const eyes = [
    { lid: [33, ...geo.LEFT_EYE_INDICES.slice(9, 16), 133], brow: geo.EYEBROWS[1], cheek: 50 },
    { lid: [263, ...geo.RIGHT_EYE_INDICES.slice(9, 16), 362], brow: geo.EYEBROWS[3], cheek: 280 },
  ].map(({ lid, brow, cheek }) => {
    const lidLine = lid.map(at);
    // lid from the outer corner to the inner one, then the brow's lower edge back from inner to outer
    const browLine = [...brow].reverse().map(at);
    return { lidLine, browLine, area: [...lidLine, ...browLine], cheek: at(cheek) };
  });
  const feather = size / 160;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      for (const eye of eyes) {
        // blush: a soft disc on the cheek
        const d = Math.hypot(px - eye.cheek[0], py - eye.cheek[1]) / (0.075 * size);
        if (d < 1) blend(img, size, x, y, [235, 90, 120], 0.38 * (1 - smoothstep(0.2, 1, d)));
        // eyeshadow: strongest on the lid, fading towards the brow
        if (inside(eye.area, px, py)) {
          const toLid = distanceToPolyline(eye.lidLine, px, py);
          const toBrow = distanceToPolyline(eye.browLine, px, py);
          const t = toLid / (toLid + toBrow);
          const edge = smoothstep(0, feather, Math.min(toLid, toBrow));
          blend(img, size, x, y, [120, 60, 170], 0.7 * (1 - smoothstep(0, 0.85, t)) * edge);
        }
      }
      // lipstick between the outer and inner lip contours, feathered at both
      if (inside(outer, px, py) && !inside(inner, px, py)) {
        const edge = smoothstep(0, feather, Math.min(distanceToPolyline(outer, px, py), distanceToPolyline(inner, px, py)));
        blend(img, size, x, y, [200, 25, 70], 0.8 * edge);
      }
    }
  }
  return img;
}

function faceGrid(geo, uv, size) {
  const img = new Uint8ClampedArray(size * size * 4);
  const oval = geo.FACE_OVAL.map((i) => [uv[2 * i] * size, uv[2 * i + 1] * size]);
  const cells = 16;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!inside(oval, x + 0.5, y + 0.5)) continue;
      const u = (x + 0.5) / size;
      const v = (y + 0.5) / size;
      const line = Math.min((u * cells) % 1, 1 - ((u * cells) % 1), (v * cells) % 1, 1 - ((v * cells) % 1)) * (size / cells) < 0.8;
      // flat colour per cell (u across, v down): small to store
      const cu = Math.floor(u * cells) / (cells - 1);
      const cv = Math.floor(v * cells) / (cells - 1);
      blend(img, size, x, y, line ? [255, 255, 255] : [Math.round(255 * cu), 140, Math.round(255 * cv)], line ? 0.9 : 0.45);
    }
  }
  return img;
}

const geo = await importGeometry();
const uv = geo.canonicalTextureCoordinates(geo.parseFaceGeometryMetadata(readFileSync(path.join(root, 'models/dist/geometry_pipeline_metadata_landmarks.binarypb'))));
for (const [name, size, draw] of [['makeup.png', 512, makeup], ['face-grid.png', 256, faceGrid]]) {
  const file = path.join(root, 'demo/media', name);
  const png = encodePng(size, size, draw(geo, uv, size));
  writeFileSync(file, png);
  console.log(`${path.relative(root, file)}: ${size}x${size}, ${(png.length / 1024).toFixed(1)} KB`);
}
