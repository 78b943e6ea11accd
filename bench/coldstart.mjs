#!/usr/bin/env node
// `npm run bench:coldstart`: how long a visitor waits for the first landmarks of a still image, and
// how many bytes come over the network before them: <face-mesh> (bench/coldstart/ours.html) and
// Google's @mediapipe/face_mesh (bench/coldstart/google.html), in Debian's Chromium (puppeteer-core).
//
// The network is this script's own HTTP server. Throttled, every response goes through one shared
// pipe: 1.6 Mbit/s down for all requests together, and 150 ms (one round trip) before each
// response's first byte, one more on a new connection (a slow 3G-ish phone link). Not CDP's
// Network.emulateNetworkConditions: it applies per target (the page's own requests), and a
// dedicated worker's requests (ours fetch the wasm and models there) are another target's, so it
// would throttle ours less than Google's, whose downloads run on the page.
// The server sends what a plain host sends: `Cache-Control: no-cache` with an ETag (a revisit asks
// again and gets 304s), COOP/COEP/CORP (threads); uncompressed, except in the "compressed" rows,
// where it sends brotli (quality 11, precomputed) or gzip copies as the browser accepts.
//
// Visits, each in a fresh browser process:
//   cold     a new profile (empty HTTP cache, empty Cache Storage)
//   warm     the same profile again (HTTP cache, and ours: its asset cache)
//   offline  the same profile again, the server refusing every .wasm/.tflite/.binarypb/.data file
//            (the page and scripts still come: an app's service worker would serve those)
// Columns: ms from navigation start to the first landmarks (ours: the `landmarks` event; Google's:
// its first onResults), body bytes sent before it, and the same files' size as gzip -9 / brotli -11
// (what a compressing host would have sent; 304s count 0).
//   COLDSTART_REPEATS=n   unthrottled visits repeated n times (median; default 3)
import http from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { chromiumArgs, pickEncoding } from '../tools/dev-server-plugins.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(root, 'bench-results');
const CACHE = path.join(root, 'node_modules/.cache/face-mesh/coldstart');
const REPEATS = Number(process.env.COLDSTART_REPEATS ?? 3);
const THROTTLE = { bytesPerSecond: 1.6e6 / 8, rttMs: 150 };
/** The camera pages: the "user" presses start this long after the page loaded (the throttled download takes ~20 s). */
const PRESS_AFTER_MS = 25_000;
/** What the "offline" visits cannot fetch. */
const ASSET = /\.(wasm|tflite|binarypb|data)$/;
/** What the server serves (nothing else of the tree). */
const SERVED = ['/bench/coldstart/', '/packages/element/dist/', '/node_modules/@mediapipe/face_mesh/', '/node_modules/@vladmandic/face-api/demo/'];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.jpg': 'image/jpeg', '.json': 'application/json' };
const PRODUCTS = {
  ours: { page: '/bench/coldstart/ours.html', name: '<face-mesh>' },
  before: { page: '/bench/coldstart/ours.html?asset-cache=off', name: '<face-mesh asset-cache="off"> (as before #23)' },
  google: { page: '/bench/coldstart/google.html', name: '@mediapipe/face_mesh' },
  'camera-auto': { page: `/bench/coldstart/camera.html?preload=auto&after=${PRESS_AFTER_MS}`, name: `<face-mesh preload="auto">, start() at ${PRESS_AFTER_MS / 1000} s`, camera: true },
  'camera-none': { page: `/bench/coldstart/camera.html?preload=none&after=${PRESS_AFTER_MS}`, name: `<face-mesh preload="none"> (as before #23), start() at ${PRESS_AFTER_MS / 1000} s`, camera: true },
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** gzip -9 and brotli -11 copies of a file, made once and kept under node_modules/.cache (brotli -11 takes seconds per MB). */
function compressed(file) {
  const { size, mtimeMs } = statSync(file);
  const key = createHash('sha256').update(`${file}:${size}:${mtimeMs}`).digest('hex').slice(0, 24);
  const copies = {};
  for (const enc of ['gzip', 'br']) {
    const cached = path.join(CACHE, `${key}.${enc}`);
    if (!existsSync(cached)) {
      const bytes = readFileSync(file);
      mkdirSync(CACHE, { recursive: true });
      writeFileSync(cached, enc === 'br'
        ? zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } })
        : zlib.gzipSync(bytes, { level: 9 }));
    }
    copies[enc] = cached;
  }
  return copies;
}

/**
 * The shared pipe: every body byte of every response goes through one queue drained at
 * `bytesPerSecond`, the active responses taking turns (as TCP flows sharing a link roughly do).
 */
class Pipe {
  constructor(bytesPerSecond) {
    this.rate = bytesPerSecond;
    this.flows = new Set();
    this.budget = 0;
    this.last = performance.now();
    this.timer = null;
  }

  send(res, bytes, onBytes) {
    return new Promise((resolve) => {
      const flow = { res, bytes, at: 0, onBytes, resolve };
      res.on('close', () => this.finish(flow));
      this.flows.add(flow);
      if (!this.timer) {
        this.last = performance.now();
        this.timer = setInterval(() => this.tick(), 5);
      }
    });
  }

  finish(flow) {
    if (!this.flows.delete(flow)) return;
    flow.resolve();
    if (this.flows.size === 0) {
      clearInterval(this.timer);
      this.timer = null;
      this.budget = 0;
    }
  }

  tick() {
    const now = performance.now();
    this.budget += ((now - this.last) / 1000) * this.rate;
    this.last = now;
    for (let moved = true; moved && this.budget >= 1 && this.flows.size;) {
      moved = false;
      const share = Math.max(1, Math.floor(this.budget / this.flows.size));
      for (const flow of [...this.flows]) {
        const n = Math.min(share, flow.bytes.length - flow.at, Math.floor(this.budget));
        if (n <= 0) continue;
        moved = true;
        flow.res.write(flow.bytes.subarray(flow.at, flow.at + n));
        flow.at += n;
        this.budget -= n;
        flow.onBytes(n);
        if (flow.at >= flow.bytes.length) {
          flow.res.end();
          this.finish(flow);
        }
      }
    }
  }
}

/** The benchmark's server: the files above, throttled or not, compressed or not, offline or not. */
class BenchServer {
  constructor() {
    this.throttled = false;
    this.compress = false;
    this.offline = false;
    this.pipe = new Pipe(THROTTLE.bytesPerSecond);
    this.visit = null;
    this.encodingsAsked = new Set();
    this.server = http.createServer((req, res) => void this.answer(req, res));
    this.server.on('connection', (socket) => { socket.fresh = true; });
  }

  listen() {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${this.server.address().port}`)));
  }

  close() {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(resolve));
  }

  /** A visit starts: count its bytes; resolves with the page's report (first landmarks, or an error). */
  startVisit() {
    let report;
    const reported = new Promise((resolve) => { report = resolve; });
    this.visit = { files: new Map(), bytes: 0, report, reported, snapshot: null };
    return this.visit;
  }

  async answer(req, res) {
    const url = new URL(req.url, 'http://x');
    const visit = this.visit;
    if (url.pathname === '/__coldstart-report') {
      // The page's report (not throttled, not counted): what was sent until now is "before the first landmarks".
      if (visit && !visit.snapshot) {
        visit.snapshot = { bytes: visit.bytes, files: new Map([...visit.files].map(([k, v]) => [k, { ...v }])) };
        visit.report(Object.fromEntries(url.searchParams));
      }
      res.writeHead(204).end();
      return;
    }
    if (this.throttled) {
      // One round trip before the answer's first byte; a new connection's handshake costs another.
      const fresh = req.socket.fresh;
      req.socket.fresh = false;
      await sleep(THROTTLE.rttMs * (fresh ? 2 : 1));
    }
    const rel = decodeURIComponent(url.pathname);
    const file = path.join(root, path.normalize(rel));
    if (!SERVED.some((p) => rel.startsWith(p)) || !file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    if (this.offline && ASSET.test(rel)) {
      req.socket.destroy();
      return;
    }
    const { size, mtimeMs } = statSync(file);
    const headers = {
      'Content-Type': TYPES[path.extname(rel)] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      Vary: 'Accept-Encoding',
    };
    this.encodingsAsked.add(req.headers['accept-encoding'] ?? '');
    const encoding = this.compress && size > 1024 ? pickEncoding(req.headers['accept-encoding']) : null;
    const etag = `"${size}-${Math.floor(mtimeMs)}${encoding ? `-${encoding}` : ''}"`;
    headers.ETag = etag;
    if (req.headers['if-none-match'] === etag) {
      visit?.files.set(rel, { status: 304, bytes: 0, size });
      res.writeHead(304, headers).end();
      return;
    }
    const body = encoding ? readFileSync(compressed(file)[encoding]) : readFileSync(file);
    if (encoding) headers['Content-Encoding'] = encoding;
    headers['Content-Length'] = String(body.length);
    res.writeHead(200, headers);
    const entry = { status: 200, bytes: 0, size };
    visit?.files.set(rel, entry);
    const count = (n) => {
      entry.bytes += n;
      if (visit) visit.bytes += n;
    };
    if (!this.throttled || body.length === 0) {
      count(body.length);
      res.end(body);
      return;
    }
    await this.pipe.send(res, body, count);
  }
}

/** One visit in a fresh browser process with `profile`; resolves with its row. */
async function visit(server, base, product, profile, timeoutMs) {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    // (the fake camera only for the camera pages: a synthetic picture, no face, which still gives landmarks events)
    args: chromiumArgs({ userDataDir: profile }).filter((a) => !a.startsWith('--headless') && (PRODUCTS[product].camera || !a.includes('fake'))),
  });
  try {
    const page = await browser.newPage();
    const v = server.startVisit();
    await page.goto(`${base}${PRODUCTS[product].page}`, { waitUntil: 'domcontentloaded' });
    const report = await Promise.race([v.reported, sleep(timeoutMs).then(() => ({ error: `no landmarks within ${timeoutMs / 1000} s` }))]);
    const snap = v.snapshot ?? { bytes: v.bytes, files: v.files };
    let gzip = 0;
    let br = 0;
    for (const [rel, f] of snap.files) {
      if (f.status !== 200 || !f.size) continue;
      const part = f.bytes / f.size;
      const file = path.join(root, rel);
      // (sizes of the raw file's compressed copies, in proportion to what was sent of it)
      const copies = compressed(file);
      gzip += statSync(copies.gzip).size * Math.min(1, part);
      br += statSync(copies.br).size * Math.min(1, part);
    }
    const compressedSent = server.compress;
    return {
      product, ms: report.ms !== undefined ? Number(report.ms) : null, faces: report.faces !== undefined ? Number(report.faces) : null,
      error: report.error ?? null, bytes: snap.bytes, gzip: compressedSent ? null : Math.round(gzip), br: compressedSent ? null : Math.round(br),
      requests: [...snap.files.values()].filter((f) => f.status === 200).length, revalidated: [...snap.files.values()].filter((f) => f.status === 304).length,
    };
  } finally {
    // (a moment for the HTTP cache to reach the disk: a browser closed at once loses its last entries)
    await sleep(1_000);
    await browser.close();
  }
}

/** cold, warm, offline visits of one product in one new profile. */
async function visits(server, base, product, timeoutMs) {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'face-mesh-coldstart-'));
  try {
    const cold = await visit(server, base, product, profile, timeoutMs);
    const warm = await visit(server, base, product, profile, timeoutMs);
    server.offline = true;
    const offline = await visit(server, base, product, profile, Math.min(timeoutMs, 30_000)).finally(() => { server.offline = false; });
    return { cold, warm, offline };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

const kB = (n) => (n === null ? '' : n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(0)} kB`);
/** Seconds, or how it failed (an error code, or the first words of the message). */
const sec = (r) => (r.ms === null ? `fails: ${/^[a-z-]+(?=:)/.exec(r.error)?.[0] ?? r.error.split(/[.:]/)[0]}` : `${(r.ms / 1000).toFixed(2)} s`);

async function main() {
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  const server = new BenchServer();
  const base = await server.listen();
  console.log(`cold-start benchmark: ${base}, ${os.cpus().length} x ${cpu}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  // Compressed copies first (brotli -11 of ~15 MB takes a minute once; kept in node_modules/.cache).
  for (const dir of ['packages/element/dist', 'node_modules/@mediapipe/face_mesh']) {
    for (const f of ['face-mesh.js', 'face-mesh.worker.js', 'define.js', 'wasm/tfjs-backend-wasm-simd.wasm', 'wasm/tfjs-backend-wasm-threaded-simd.wasm', 'models/face_detection_short_range.tflite', 'models/face_landmark_with_attention.tflite', 'models/geometry_pipeline_metadata_landmarks.binarypb',
      'face_mesh.js', 'face_mesh.binarypb', 'face_mesh_solution_packed_assets.data', 'face_mesh_solution_packed_assets_loader.js', 'face_mesh_solution_simd_wasm_bin.js', 'face_mesh_solution_simd_wasm_bin.wasm']) {
      if (existsSync(path.join(root, dir, f))) compressed(path.join(root, dir, f));
    }
  }
  const rows = [];
  const results = { cpu, cpus: os.cpus().length, throttle: THROTTLE, repeats: REPEATS, runs: [] };
  try {
    for (const network of ['unthrottled', 'throttled']) {
      server.throttled = network === 'throttled';
      for (const product of ['ours', 'before', 'google']) {
        const runs = [];
        for (let i = 0; i < (server.throttled ? 1 : REPEATS); i++) runs.push(await visits(server, base, product, server.throttled ? 180_000 : 60_000));
        for (const kind of ['cold', 'warm', 'offline']) {
          const ok = runs.map((r) => r[kind]).filter((r) => r.ms !== null);
          const pick = ok.length ? ok.find((r) => r.ms === median(ok.map((o) => o.ms))) : runs[0][kind];
          rows.push({ network, kind, ...pick, of: runs.length });
          results.runs.push(...runs.map((r) => ({ network, kind, ...r[kind] })));
          console.log(`${network} ${kind} ${product}: ${sec(pick)}, ${kB(pick.bytes)} (${runs.map((r) => r[kind].ms?.toFixed(0) ?? 'x').join(', ')} ms)`);
        }
      }
    }
    // The camera pressed later, throttled, cold: what preload buys.
    server.throttled = true;
    for (const product of ['camera-auto', 'camera-none']) {
      const profile = mkdtempSync(path.join(os.tmpdir(), 'face-mesh-coldstart-'));
      try {
        const r = await visit(server, base, product, profile, 180_000);
        rows.push({ network: 'throttled', kind: 'cold, start() pressed later', ...r, of: 1 });
        results.runs.push({ network: 'throttled', kind: 'camera', ...r });
        console.log(`throttled camera ${product}: start() to landmarks ${sec(r)}, ${kB(r.bytes)}`);
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    }
    // A compressing host, throttled, cold.
    server.compress = true;
    for (const product of ['ours', 'google']) {
      const profile = mkdtempSync(path.join(os.tmpdir(), 'face-mesh-coldstart-'));
      try {
        const r = await visit(server, base, product, profile, 180_000);
        rows.push({ network: 'throttled, compressed', kind: 'cold', ...r, of: 1 });
        results.runs.push({ network: 'throttled, compressed', kind: 'cold', ...r });
        console.log(`throttled compressed cold ${product}: ${sec(r)}, ${kB(r.bytes)}`);
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    }
  } finally {
    await server.close();
  }
  results.acceptEncoding = [...server.encodingsAsked];
  const lines = [
    `## Cold start: ms to the first landmarks of a still, and bytes before them`,
    '',
    `Chromium ${'(Debian)'}, ${os.cpus().length} x ${cpu}; throttled: one shared pipe of ${THROTTLE.bytesPerSecond * 8 / 1e6} Mbit/s down and ${THROTTLE.rttMs} ms round trip; unthrottled: median of ${REPEATS}. The browser asked for: ${results.acceptEncoding.join(' | ')}.`,
    '',
    `First landmarks: from navigation start; for "start() pressed later", from start() (the page loaded ${PRESS_AFTER_MS / 1000} s before).`,
    '',
    '| network | visit | product | first landmarks | sent before them | as gzip -9 | as brotli -11 | requests (200 / 304) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.network} | ${r.kind} | ${PRODUCTS[r.product].name} | ${sec(r)} | ${kB(r.bytes)} | ${kB(r.gzip)} | ${kB(r.br)} | ${r.requests} / ${r.revalidated} |`),
  ];
  const markdown = lines.join('\n');
  console.log(`\n${markdown}\n`);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, 'coldstart.json'), JSON.stringify({ ...results, rows }, null, 2) + '\n');
  writeFileSync(path.join(OUT, 'coldstart.md'), markdown + '\n');
  console.log(`written: bench-results/coldstart.{json,md}`);
}

await main();
