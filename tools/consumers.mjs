#!/usr/bin/env node
// `npm run test:consumers`: the packed @face-mesh/element in real consumer apps (examples/*), and
// the packed @face-mesh/node in a Node script (examples/node: its typings, its API, its face-mesh CLI).
//
// Packs the tarballs (tools/pack.mjs), then for each example: copies it to .consumers/<name>/,
// installs it from its committed package-lock.json (`npm ci`, offline-friendly: the registry cache
// first), builds it with its own bundler, serves the build cross-origin isolated (COOP/COEP) on a
// free localhost port, opens it in Debian's /usr/bin/chromium (puppeteer-core, never a downloaded
// browser) and waits for the page's `landmarks` listener to report a face with 478 points from the
// sample photo. The examples' pages show their status in <output id="status"> (data-points,
// data-binary, data-error), which is what this script reads. It also checks the element tarball's
// size (ELEMENT_TARBALL_LIMIT), the docs' size table (tools/size-table.mjs), and that the installed package
// imports in Node (server rendering).
//
// node tools/consumers.mjs [--skip-build] [example ...]
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { chromiumArgs } from './dev-server-plugins.mjs';
import { pack } from './pack.mjs';
import { SIZE_TABLE_FILE, updateSizeTable } from './size-table.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLES = ['plain-html', 'vite', 'webpack', 'react', 'vue', 'svelte', 'angular', 'node'];
const SAMPLE = path.join(root, 'node_modules/@vladmandic/face-api/demo/sample3.jpg');
const TIMEOUT_MS = 90_000;
/**
 * The element's tarball stays under this (npm's packed size). Not 4 MB: the model files and wasm
 * binaries alone are 4.07 MB packed (tflite weights barely compress), so 4 MB would mean dropping one
 * (the plain mesh of refine="false", or a binary some browser needs). What it catches: source maps,
 * stray files, a second copy of a bundle (the tarball was 4.77 MB with the maps).
 */
const ELEMENT_TARBALL_LIMIT = 4.25e6;
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
const examples = only.length ? only : EXAMPLES;

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.jpg': 'image/jpeg', '.png': 'image/png', '.svg': 'image/svg+xml',
};

/** A static server for `dir`, cross-origin isolated like the README asks; resolves with its origin. */
function serve(dir) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let file = path.join(dir, decodeURIComponent(url.pathname));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` })));
}

function sh(cmd, cmdArgs, cwd) {
  execFileSync(cmd, cmdArgs, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1', CI: 'true' } });
}

/** Bytes of the build output by kind: JS, wasm, models (raw and gzip). */
function buildSizes(dir) {
  const sizes = { js: [0, 0], wasm: [0, 0], models: [0, 0] };
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else {
        const kind = /\.m?js$/.test(e.name) ? 'js' : e.name.endsWith('.wasm') ? 'wasm' : /\.(tflite|binarypb)$/.test(e.name) ? 'models' : null;
        if (!kind) continue;
        const bytes = readFileSync(f);
        sizes[kind][0] += bytes.length;
        sizes[kind][1] += gzipSync(bytes).length;
      }
    }
  };
  walk(dir);
  return sizes;
}

const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;

/**
 * The build output's JS files that hold the worker (tfjs' wasm start-up, `WebAssembly.instantiate`,
 * is only in the worker): one. Bundlers that see two references to face-mesh.worker.js (a worker
 * pattern and an asset) emit it twice (420 kB each), as the element's Trusted Types fallback once made them do.
 */
function workerCopies(dir) {
  const found = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else if (/\.m?js$/.test(e.name) && readFileSync(f, 'utf8').includes('WebAssembly.instantiate')) found.push(path.relative(dir, f));
    }
  };
  walk(dir);
  return found;
}

/** Copies examples/<name> to .consumers/<name> and installs it from its committed lock. */
function install(name) {
  const src = path.join(root, 'examples', name);
  const dir = path.join(root, '.consumers', name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(src, dir, { recursive: true, filter: (f) => !/[\\/](node_modules|dist)$/.test(f) });
  // The committed lock pins every registry package; the tarballs' integrity changes with each pack.
  const lockFile = path.join(dir, 'package-lock.json');
  const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
  for (const [key, entry] of Object.entries(lock.packages)) if (/node_modules\/@face-mesh\/[a-z]+$/.test(key)) delete entry.integrity;
  writeFileSync(lockFile, JSON.stringify(lock, null, 2));
  sh('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], dir);
  return dir;
}

/** examples/node: the typings (tsc), the API in worker threads and the face-mesh CLI, outside this repository. */
function runNodeExample(name) {
  const t0 = performance.now();
  const dir = install(name);
  const tInstall = performance.now();
  sh('npm', ['run', 'check'], dir);
  const tCheck = performance.now();
  copyFileSync(SAMPLE, path.join(dir, 'sample3.jpg'));
  const api = JSON.parse(execFileSync(process.execPath, ['index.mjs', 'sample3.jpg'], { cwd: dir, encoding: 'utf8' }));
  execFileSync('npx', ['face-mesh', 'landmarks', '--jsonl', 'out.jsonl', '--max-faces', '2', 'sample3.jpg'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const cli = JSON.parse(readFileSync(path.join(dir, 'out.jsonl'), 'utf8'));
  // sample3 has two faces: both with 478 points, from the API and from the CLI.
  const ok = api.faces === 2 && api.points.every((n) => n === 478) && cli.num_faces === 2 && cli.faces.every((f) => f.length === 478);
  const text = `typings checked by tsc; API ${api.faces} faces (${api.points.join(', ')} points, ${api.binary}); CLI ${cli.num_faces} faces`;
  return { name, ok, status: { text }, logs: [], seconds: { install: (tInstall - t0) / 1000, build: (tCheck - tInstall) / 1000, browser: (performance.now() - tCheck) / 1000 } };
}

/**
 * Server rendering imports the page's modules in Node: the installed package and its define entry
 * must import there without a DOM (the `node` export condition) and register the tag on lit's shim.
 */
function checkNodeImport(dir) {
  const script = `const { FaceMeshElement } = await import('@face-mesh/element');
    await import('@face-mesh/element/define');
    if (typeof FaceMeshElement !== 'function' || customElements.get('face-mesh') !== FaceMeshElement) throw new Error('not registered');`;
  execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function runExample(name, browser) {
  if (name === 'node') return runNodeExample(name);
  const t0 = performance.now();
  const dir = install(name);
  if (name === 'vite') checkNodeImport(dir);
  const tInstall = performance.now();
  sh('npm', ['run', 'build'], dir);
  const tBuild = performance.now();
  const out = path.join(dir, 'dist');
  copyFileSync(SAMPLE, path.join(out, 'sample3.jpg'));

  const { server, origin } = await serve(out);
  const page = await browser.newPage();
  const logs = [];
  page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  page.on('requestfailed', (r) => logs.push(`[requestfailed] ${r.url()} ${r.failure()?.errorText}`));
  try {
    await page.goto(`${origin}/`);
    const status = await page
      .waitForFunction(
        () => {
          const s = document.querySelector('#status');
          const done = s && (s.dataset.points || s.dataset.error || s.dataset.faces === '0');
          return done ? { points: s.dataset.points, faces: s.dataset.faces, binary: s.dataset.binary, error: s.dataset.error, text: s.textContent, isolated: crossOriginIsolated } : null;
        },
        { timeout: TIMEOUT_MS, polling: 100 },
      )
      .then((h) => h.jsonValue(), (e) => ({ error: `timeout: ${e.message}` }));
    // A second element asking for 2 threads: the threaded-SIMD binary must load too (the default picks
    // the SIMD one where 'auto' means one thread, as on 2 cores), so every wasm file the bundle
    // emitted is found where it said.
    status.threaded = await page.evaluate(async () => {
      const el = document.createElement('face-mesh');
      el.setAttribute('threads', '2');
      document.body.append(el);
      try {
        const ready = new Promise((resolve) => el.addEventListener('ready', (e) => resolve(e.detail), { once: true }));
        const img = new Image();
        img.src = 'sample3.jpg';
        await img.decode();
        const result = await el.detect(await createImageBitmap(img));
        const mode = await ready;
        return { binary: mode.binary, threads: mode.threads, points: String((result.faces[0]?.landmarks.length ?? 0) / 3) };
      } catch (e) {
        return { error: String(e?.message ?? e) };
      } finally {
        el.remove();
      }
    });
    status.workerCopies = workerCopies(out);
    // 478 points per face, on a cross-origin isolated page, with the default binary and the threaded one; the worker emitted once.
    const ok = status.workerCopies.length === 1 && status.points === '478' && !status.error && /^(threaded-)?simd$/.test(status.binary ?? '') && status.isolated === true
      && status.threaded.binary === 'threaded-simd' && status.threaded.threads === 2 && status.threaded.points === '478';
    return {
      name, ok, status, sizes: buildSizes(out), logs,
      seconds: { install: (tInstall - t0) / 1000, build: (tBuild - tInstall) / 1000, browser: (performance.now() - tBuild) / 1000 },
    };
  } finally {
    await page.close();
    server.close();
  }
}

const tStart = performance.now();
if (!existsSync(SAMPLE)) throw new Error(`${SAMPLE} is missing: run npm install at the repository root`);
const packed = pack({ build: !args.includes('--skip-build') });
const tPacked = performance.now();
for (const [name, r] of Object.entries(packed)) {
  console.log(`packed ${name}: ${path.relative(root, r.file)} ${(r.size / 1e6).toFixed(2)} MB (${(r.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${r.entryCount} files)`);
}
console.log(`pack: ${((tPacked - tStart) / 1000).toFixed(1)} s`);
const packChecks = [];
if (packed['@face-mesh/element'].size >= ELEMENT_TARBALL_LIMIT) packChecks.push(`the @face-mesh/element tarball is ${(packed['@face-mesh/element'].size / 1e6).toFixed(2)} MB, over ${ELEMENT_TARBALL_LIMIT / 1e6} MB`);
if (!updateSizeTable({ check: true })) packChecks.push(`${SIZE_TABLE_FILE}: the size table is not this build's: run node tools/size-table.mjs`);
for (const c of packChecks) console.log(`FAIL ${c}`);

const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'face-mesh-consumers-'));
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs({ userDataDir }) });
const results = [];
try {
  for (const name of examples) {
    let r;
    try {
      r = await runExample(name, browser);
    } catch (e) {
      r = { name, ok: false, status: { error: (e.stderr || e.stdout || e.message || String(e)).toString().slice(-3000) }, logs: [] };
    }
    results.push(r);
    const s = r.seconds ? ` (install ${r.seconds.install.toFixed(1)} s, build ${r.seconds.build.toFixed(1)} s, browser ${r.seconds.browser.toFixed(1)} s)` : '';
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${name}: ${r.status.text?.trim() ?? r.status.error}${r.status.binary ? ` [${r.status.binary}; threads="2": ${r.status.threaded?.binary ?? r.status.threaded?.error}]` : ''}${s}`);
    if (r.sizes) console.log(`     build output: JS ${kb(r.sizes.js[0])} (gzip ${kb(r.sizes.js[1])}), wasm ${kb(r.sizes.wasm[0])} (gzip ${kb(r.sizes.wasm[1])}), models ${kb(r.sizes.models[0])} (gzip ${kb(r.sizes.models[1])}); the worker in ${r.status.workerCopies.join(', ') || 'no file'}`);
    if (!r.ok) for (const l of r.logs.slice(-30)) console.log(`     ${l}`);
  }
} finally {
  await browser.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
const passed = results.filter((r) => r.ok).length;
console.log(`test:consumers took ${((performance.now() - tStart) / 1000).toFixed(1)} s`);
console.log(`consumers: ${passed} passed, ${results.length - passed} failed`);
process.exitCode = passed === results.length && packChecks.length === 0 ? 0 : 1;
