#!/usr/bin/env node
// `npm run landmarks:browser -- --out DIR [options] IMAGE...`: face landmarks of image files on the command
// line, computed by the real worker runtime (the same TypeScript the element ships) in headless Debian
// Chromium. See usage() below for the options and the output format.
import { startDevServer } from '@web/dev-server';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import puppeteer from 'puppeteer-core';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, crossOriginIsolation, jsToTs, tfjsFesmAlias } from './dev-server-plugins.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function usage() {
  return `usage: npm run landmarks:browser -- --out DIR [options] IMAGE...

Runs the face-mesh pipeline (BlazeFace + Attention Mesh on tfjs wasm, in a worker, in headless
Chromium at $CHROMIUM_PATH or /usr/bin/chromium) on each IMAGE and writes DIR/<name>.json, <name>
being the image's file name without its extension.

options:
  --out DIR                      folder for the JSON files (created if missing); required
  --video                        the images are the frames of one video, in the order given:
                                 tracking mode (frame t's crop comes from frame t-1's landmarks,
                                 the detector runs only while fewer than --max-faces are tracked)
                                 Without it every image is processed on its own (static mode).
  --max-faces N                  most faces per image. Default 1 (the pipeline's and MediaPipe's
                                 default) in both modes: pass e.g. --max-faces 10 for group photos.
                                 As in MediaPipe, the detector's N best boxes go to the mesh model
                                 and a box it rejects is not replaced by the next one: with 1,
                                 a photo whose best-scoring box is not accepted gives no face.
  --smooth                       with --video: One-Euro smoothing of the landmarks, as the element
                                 does by default (MediaPipe FaceLandmarker's filter). Off by default:
                                 the output is the raw pipeline's, like Google's face_mesh solution.
  --min-detection-confidence X   detector score to acquire a face, 0..1. Default 0.5.
  --min-tracking-confidence X    face-presence score under which a face is dropped, 0..1. Default 0.5.
  -h, --help                     this text

Images are decoded by Chromium exactly as a page would (<img> at natural size, drawn 1:1 on a
canvas): EXIF orientation is applied, and PNGs carrying gAMA/cHRM/iCCP chunks are colour-managed to
sRGB, so their pixels can differ by a few levels from a plain decoder's (e.g. PIL/libpng).

Each JSON file: {"image", "width", "height", "num_faces",
  "faces":   [[[x, y, z] x 478], ...]  x, y in image pixels, z = MediaPipe's normalized z * width
             (MediaPipe's refined 478-point order: 468 mesh points, then the two irises),
  "scores":  [face-presence score per face],
  "regions": [{lips: [[x, y] x 80], leftEye: [[x, y] x 71], rightEye, leftIris: [[x, y] x 5], rightIris}],
             the attention heads' raw outputs in pixels,
  "rois":    [{xCenter, yCenter, width, height, rotation}]  the crop of each face, normalized, radians,
  "detections": [{score, box: {xMin, yMin, xMax, yMax}, keypoints: [[x, y] x 6]} or null]  pixels;
             null when the face's crop came from tracking,
  "detector_ran", "timings_ms", "mode", "options"}

Exit status: 0 when every image was processed; 1 when an image is missing (checked before anything
runs) or could not be decoded (the others are still written); 2 for bad arguments.`;
}

class UsageError extends Error {}

function parseArgs(argv) {
  const o = { out: undefined, video: false, smooth: false, maxFaces: undefined, minDetectionConfidence: undefined, minTrackingConfidence: undefined, images: [], help: false };
  const value = (flag, i) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const fraction = (flag, v) => {
    const x = Number(v);
    if (v.trim() === '' || !(x >= 0 && x <= 1)) throw new UsageError(`${flag} must be a number between 0 and 1, got "${v}"`);
    return x;
  };
  let onlyImages = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (onlyImages || !a.startsWith('-') || a === '-') { o.images.push(a); continue; }
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const take = () => (inline !== undefined ? inline : value(flag, i++));
    switch (flag) {
      case '--': onlyImages = true; break;
      case '-h': case '--help': o.help = true; break;
      case '--out': o.out = take(); break;
      case '--video': o.video = true; break;
      case '--smooth': o.smooth = true; break;
      case '--max-faces': {
        const v = take();
        const n = Number(v);
        if (!/^\d+$/.test(v) || !(n >= 1)) throw new UsageError(`--max-faces must be a positive integer, got "${v}"`);
        o.maxFaces = n;
        break;
      }
      case '--min-detection-confidence': o.minDetectionConfidence = fraction(flag, take()); break;
      case '--min-tracking-confidence': o.minTrackingConfidence = fraction(flag, take()); break;
      default: throw new UsageError(`unknown option ${a}`);
    }
  }
  if (o.help) return o;
  if (!o.out) throw new UsageError('--out DIR is required');
  if (o.images.length === 0) throw new UsageError('no images given');
  return o;
}

const MIME = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.gif': 'image/gif', '.bmp': 'image/bmp', '.avif': 'image/avif' };

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Serves image i of the command line at /__landmarks/images/i (they may live outside the repo). */
function imageMiddleware(files) {
  return async function landmarksImages(ctx, next) {
    const m = /^\/__landmarks\/images\/(\d+)$/.exec(ctx.path);
    if (!m) return next();
    const file = files[Number(m[1])];
    if (!file) { ctx.status = 404; ctx.body = 'no such image'; return; }
    try {
      ctx.body = readFileSync(file);
    } catch (e) {
      ctx.status = 404;
      ctx.body = e.message;
      return;
    }
    ctx.type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  };
}

async function main(argv) {
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`landmarks: ${e.message}\n\n${usage()}`);
    return 2;
  }
  if (opts.help) { console.log(usage()); return 0; }

  // Every input must exist before a browser is started.
  const files = opts.images.map((f) => path.resolve(f));
  const problems = [];
  files.forEach((f, i) => {
    let st;
    try { st = statSync(f); } catch { problems.push(`${opts.images[i]}: no such file`); return; }
    if (!st.isFile()) problems.push(`${opts.images[i]}: not a file`);
  });
  const names = files.map((f) => path.basename(f, path.extname(f)));
  const seen = new Map();
  names.forEach((n, i) => {
    if (seen.has(n)) problems.push(`${opts.images[i]} and ${opts.images[seen.get(n)]} would both write ${n}.json`);
    else seen.set(n, i);
  });
  if (problems.length) {
    for (const p of problems) console.error(`landmarks: ${p}`);
    return 1;
  }
  mkdirSync(opts.out, { recursive: true });

  const options = {
    staticImageMode: !opts.video,
    // The raw pipeline output, as Google's legacy solution gives it, unless --smooth.
    smoothing: opts.smooth,
    ...(opts.maxFaces !== undefined && { maxFaces: opts.maxFaces }),
    ...(opts.minDetectionConfidence !== undefined && { minDetectionConfidence: opts.minDetectionConfidence }),
    ...(opts.minTrackingConfidence !== undefined && { minTrackingConfidence: opts.minTrackingConfidence }),
  };

  const port = await freePort();
  const server = await startDevServer({
    config: {
      rootDir: root,
      port,
      hostname: '127.0.0.1',
      nodeResolve: { browser: true },
      watch: false,
      middleware: [imageMiddleware(files), jsToTs(root), crossOriginIsolation()],
      plugins: [tfjsFesmAlias, esbuildPlugin({ ts: true, target: 'es2022', tsconfig: path.join(root, 'tsconfig.json') })],
    },
    readCliArgs: false,
    readFileConfig: false,
    autoExitProcess: false,
    logStartMessage: false,
  });
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'face-mesh-landmarks-'));
  let browser;
  let failures = 0;
  try {
    browser = await puppeteer.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: chromiumArgs({ userDataDir }),
    });
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    await page.goto(`http://127.0.0.1:${port}/tools/landmarks.html`);
    try {
      await page.waitForFunction(() => window.faceMeshLandmarks !== undefined, { timeout: 60_000 });
    } catch {
      throw new Error(`the landmarks page did not start${pageErrors.length ? `: ${pageErrors.join('; ')}` : ''}`);
    }
    const { mode, options: effective } = await page.evaluate((o) => window.faceMeshLandmarks.start(o), options);
    const modeText = `${mode.binary}, ${mode.threads} thread${mode.threads === 1 ? '' : 's'}`;
    console.error(`landmarks: ${opts.video ? 'video (tracking)' : 'static'} mode, maxFaces ${effective.maxFaces}, tfjs wasm ${modeText}`);

    for (let i = 0; i < files.length; i++) {
      const shown = opts.images[i];
      let record;
      try {
        record = await page.evaluate((url, name) => window.faceMeshLandmarks.run(url, name), `/__landmarks/images/${i}`, shown);
      } catch (e) {
        failures++;
        // puppeteer wraps page errors; keep the message the page wrote (it names the file).
        console.error(`landmarks: ${String(e.message ?? e).split('\n')[0]}`);
        continue;
      }
      const out = { image: path.basename(files[i]), ...record, mode: opts.video ? 'video' : 'static', options: effective };
      const file = path.join(opts.out, `${names[i]}.json`);
      writeFileSync(file, JSON.stringify(out));
      console.error(`${shown}: ${record.width}x${record.height}, ${record.num_faces} face${record.num_faces === 1 ? '' : 's'}${record.detector_ran ? ' (detector)' : ''}, ${record.timings_ms.total.toFixed(1)} ms -> ${file}`);
    }
  } finally {
    await browser?.close();
    await server.stop();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  return failures ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`landmarks: ${e?.stack ?? e}`);
    process.exit(1);
  },
);
