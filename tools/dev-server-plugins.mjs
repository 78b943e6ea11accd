// Shared by web-test-runner and the demo server: how our TypeScript sources and tfjs are served
// to the browser without a bundler, the headers that make a page cross-origin isolated, byte
// ranges for media, and compressed copies (the demo server, the cold-start benchmark).
import { ReadStream, createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { parse as parseRange } from 'range-parser';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Files worth compressing: text, and the binaries we ship (wasm compresses ~3x, the models ~1.1-1.2x). */
export const COMPRESSIBLE = /\.(js|mjs|css|html|json|map|svg|md|txt|wasm|tflite|binarypb|data)$/;

/** The encoding to send for an Accept-Encoding header: 'br' before 'gzip', none refused with q=0; null: identity. */
export function pickEncoding(acceptEncoding = '') {
  const accepted = new Set();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name && (q === undefined || Number(q) > 0)) accepted.add(name.trim());
  }
  return accepted.has('br') ? 'br' : accepted.has('gzip') ? 'gzip' : null;
}

/** Compressed copies by file, modification time, encoding and quality: each made once per process. */
const copies = new Map();

/**
 * `file` compressed with `encoding` ('br' or 'gzip'): gzip level 9; brotli at `brotliQuality`
 * (11, the smallest, is what a host precompressing its files once would use; it takes seconds per
 * megabyte, so a server compressing as it answers uses less).
 */
export function compressedCopy(file, encoding, { brotliQuality = 11 } = {}) {
  const { mtimeMs, size } = statSync(file);
  const key = `${file}:${mtimeMs}:${size}:${encoding}:${encoding === 'br' ? brotliQuality : 9}`;
  let copy = copies.get(key);
  if (!copy) {
    const bytes = readFileSync(file);
    copy = encoding === 'br'
      ? brotli(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: brotliQuality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } })
      : gzip(bytes, { level: 9 });
    copies.set(key, copy);
  }
  return copy;
}

/**
 * Compressed copies of the tree's files where the client accepts them (`Content-Encoding: br` or
 * `gzip`, `Vary: Accept-Encoding`), as hosts and CDNs send them; the other headers (COOP, COEP,
 * CORP) stay. Range requests (media) get the file as it is. Each file is compressed once (brotli at
 * `brotliQuality`: 5 by default, quick enough to answer the first request at once). Put it before
 * `byteRanges` in the middleware list.
 */
export function compression({ brotliQuality = 5 } = {}) {
  return async function compressionMiddleware(ctx, next) {
    const wanted = ctx.method === 'GET' && !ctx.get('Range') ? pickEncoding(ctx.get('Accept-Encoding')) : null;
    await next();
    const body = ctx.body;
    if (!(body instanceof ReadStream) || !COMPRESSIBLE.test(String(body.path))) return;
    ctx.vary('Accept-Encoding');
    if (!wanted || ctx.status !== 200 || ctx.response.get('Content-Encoding') || statSync(body.path).size < 1024) return;
    body.destroy();
    // Each encoding is its own representation: its own ETag, checked here (the server's own check
    // compared the file's).
    const etag = ctx.response.get('ETag');
    const ours = etag ? etag.replace(/"$/, `-${wanted}"`) : '';
    if (ours) ctx.set('ETag', ours);
    if (ours && ctx.get('If-None-Match').split(/\s*,\s*/).includes(ours)) {
      ctx.status = 304;
      ctx.response.remove('Content-Type');
      ctx.response.remove('Content-Length');
      return;
    }
    ctx.body = await compressedCopy(String(body.path), wanted, { brotliQuality });
    ctx.set('Content-Encoding', wanted);
  };
}

/** Node built-ins that tfjs' browser bundles reference behind environment checks. */
const NODE_BUILTINS = ['fs', 'path', 'os', 'perf_hooks', 'worker_threads', 'crypto', 'util', 'node-fetch'];

/**
 * The `module` entries of tfjs-core/backend-wasm pull CommonJS dependencies; serve their
 * self-contained fesm bundles instead, and node built-ins as an empty module.
 */
export const tfjsFesmAlias = {
  name: 'tfjs-fesm-alias',
  resolveImport({ source }) {
    if (source === '@tensorflow/tfjs-core') return '/node_modules/@tensorflow/tfjs-core/dist/tf-core.fesm.js';
    if (source === '@tensorflow/tfjs-backend-wasm') return '/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.fesm.js';
    if (NODE_BUILTINS.includes(source)) return '/tools/empty-module.js';
    return undefined;
  },
};

/**
 * Worker URLs (`new URL('./worker.js', import.meta.url)`) are not imports, so the esbuild plugin's
 * .js -> .ts resolution does not see them: serve `x.ts` when `x.js` is asked for and only the .ts exists.
 */
export function jsToTs(root) {
  return async function jsToTsMiddleware(ctx, next) {
    if (ctx.path.startsWith('/packages/') && ctx.path.endsWith('.js')) {
      const js = path.join(root, ctx.path);
      const ts = js.slice(0, -3) + '.ts';
      if (!existsSync(js) && existsSync(ts)) ctx.url = ctx.url.replace(/\.js(?=$|\?)/, '.ts');
    }
    return next();
  };
}

/**
 * HTTP range requests for the tree's files, which the dev server otherwise answers with the whole
 * file and 200. WebKitGTK's media player asks for a range when it resumes a download it paused (a
 * busy machine, a seek, a loop) and takes a 200 as a fatal network error ("Received unexpected 200
 * HTTP status code for range request"): the video's time stands still at 0 for good. Servers users
 * deploy to (nginx, CDNs) answer 206. One byte range is served (what media players ask for); a
 * malformed header, several ranges or an If-Range get the whole file, as HTTP allows.
 */
export async function byteRanges(ctx, next) {
  await next();
  // A file is a stream here (the demo server), or a Buffer once a transform plugin has read it (the test runner).
  const body = ctx.body;
  const isFile = body instanceof ReadStream;
  if ((!isFile && !Buffer.isBuffer(body)) || ctx.status !== 200) return;
  ctx.set('Accept-Ranges', 'bytes');
  const header = ctx.get('Range');
  if (!header || ctx.method !== 'GET' || ctx.get('If-Range')) return;
  const size = isFile ? statSync(body.path).size : body.length;
  const { code, type, ranges } = parseRange(size, header);
  if (type !== 'bytes' || code & 1 || ranges.length > 1) return;
  if (isFile) body.destroy();
  if (ranges.length === 0) {
    ctx.body = null;
    ctx.status = 416;
    ctx.set('Content-Range', `bytes */${size}`);
    return;
  }
  const { start, end } = ranges[0];
  ctx.status = 206;
  ctx.body = isFile ? createReadStream(body.path, { start, end }) : body.subarray(start, end + 1);
  ctx.length = end - start + 1;
  ctx.set('Content-Range', `bytes ${start}-${end}/${size}`);
}

/** Pages under one of `exemptPrefixes` are served without isolation (to test the single-thread path). */
export function crossOriginIsolation(exemptPrefixes = []) {
  return async function crossOriginIsolationMiddleware(ctx, next) {
    await next();
    if (exemptPrefixes.some((p) => ctx.path.startsWith(p))) return;
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Cross-Origin-Embedder-Policy', 'require-corp');
    ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
  };
}

/**
 * `${prefix}<path>` serves `<path>` with the Content-Security-Policy header `policy` (a CSP mirror of
 * the whole tree: pages, scripts and workers loaded relative to such a page get the policy too).
 */
export function contentSecurityPolicy(prefix, policy) {
  return async function contentSecurityPolicyMiddleware(ctx, next) {
    if (!ctx.path.startsWith(prefix)) return next();
    ctx.url = ctx.url.slice(prefix.length - 1);
    await next();
    ctx.set('Content-Security-Policy', policy);
  };
}

/** Chromium flags for this machine: no network chatter, no sandbox (root), fake camera when given a clip. */
export function chromiumArgs({ userDataDir, fakeVideo }) {
  const args = [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${userDataDir}`,
    '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  ];
  if (fakeVideo) args.push(`--use-file-for-fake-video-capture=${fakeVideo}`);
  return args;
}

const EXTENSIONS = ['.webm', '.mp4', '.jpg', '.png'];

/**
 * Test mirrors of the tree, for sources as pages meet them (load them from the server's other
 * origin, e.g. 127.0.0.1 for a page on localhost):
 * - `/cors/<path>`: `<path>` with `Access-Control-Allow-Origin: *` (a CDN that allows CORS);
 * - `/no-cors/<path>`: `<path>` with no CORS and no Cross-Origin-Resource-Policy header (a server
 *   that knows nothing of either);
 * - `/no-extension/<path>`: `<path>` plus the first of .webm, .mp4, .jpg, .png that exists (a URL
 *   with no file extension), with the file's Content-Type.
 */
export function originTestMirrors(root) {
  const mirror = (prefix, headers) => async function originMirrorMiddleware(ctx, next) {
    if (!ctx.path.startsWith(prefix)) return next();
    ctx.url = ctx.url.slice(prefix.length - 1);
    await next();
    ctx.remove('Cross-Origin-Resource-Policy');
    for (const [k, v] of Object.entries(headers)) ctx.set(k, v);
  };
  const noExtension = async function noExtensionMiddleware(ctx, next) {
    const prefix = '/no-extension/';
    if (!ctx.path.startsWith(prefix)) return next();
    const base = ctx.path.slice(prefix.length - 1);
    const ext = EXTENSIONS.find((e) => existsSync(path.join(root, base + e)));
    if (ext) ctx.url = base + ext;
    return next();
  };
  return [
    mirror('/cors/', { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' }),
    mirror('/no-cors/', {}),
    noExtension,
  ];
}
