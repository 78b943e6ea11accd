// `npm test`: every package's tests in headless Debian Chromium (/usr/bin/chromium, never a
// downloaded browser), and a cross-engine set of them in Debian's Firefox ESR and WebKitGTK
// (tools/engines.mjs), served cross-origin isolated except under the `noncoi` folders.
// One engine only: `npx web-test-runner --group chromium|firefox|webkit`.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { PassThrough } from 'node:stream';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { byteRanges, contentSecurityPolicy, crossOriginIsolation, jsToTs, originTestMirrors, tfjsFesmAlias } from './tools/dev-server-plugins.mjs';
import { chromium, firefox, webkit } from './tools/engines.mjs';
import { ensureTestClip, ensureTestMp4, ensureTestWebm30 } from './tools/test-clip.mjs';
import { retainingPaths } from './tools/heap-retainers.mjs';
import { videoParity } from './tools/video-parity.mjs';
import { testDurations } from './tools/durations-reporter.mjs';
import { defaultReporter } from '@web/test-runner';
import { aliasedTablesModel, flexBombModel } from './packages/tflite/test/node/hostile_models.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));
ensureTestMp4(); // for the engines test's H.264 case
ensureTestWebm30(); // for the max-fps test's 30 fps source
const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'face-mesh-wtr-'));
process.on('exit', () => rmSync(userDataDir, { recursive: true, force: true }));

/** The strict CSP the `/csp/` mirror of the tree is served with (see contentSecurityPolicy). */
export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:";
/** The same with blob: scripts allowed, which tfjs' wasm threads need (served under `/csp-blob/`). */
export const STRICT_CSP_BLOB = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' blob:; worker-src 'self' blob:";

/**
 * The strict CSP for a page that loads face-mesh from a CDN (the test server's other origin,
 * 127.0.0.1; served under `/csp-cdn/`): the CDN in script-src (the bundle), in worker-src with blob:
 * (the worker starts from a blob: module that imports the CDN's script: a module worker's imports
 * are worker requests, under the page's policy) and in connect-src (the worker's downloads).
 */
export const STRICT_CSP_CDN = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' http://127.0.0.1:*; worker-src 'self' blob: http://127.0.0.1:*; connect-src 'self' http://127.0.0.1:*";
/** The same without blob: workers (`/csp-cdn-no-blob/`): the CDN's worker cannot start from a blob: bootstrap. */
export const STRICT_CSP_CDN_NO_BLOB = STRICT_CSP_CDN.replace('worker-src \'self\' blob: ', 'worker-src \'self\' ');

/** A page that enforces Trusted Types for scripts (served under `/tt/`), allowing our policy and lit's. */
export const TRUSTED_TYPES_CSP = "require-trusted-types-for 'script'; trusted-types face-mesh lit-html";

/** Hostile model files for `asset-variant` (packages/tflite/test/node/hostile_models.mjs). */
const HOSTILE_MODELS = { 'aliased-tables': aliasedTablesModel, 'flex-bomb': flexBombModel };

/**
 * `/stall/<anything>`: the built assets (packages/element/dist/), except that files under models/
 * send their headers and 16 bytes, then nothing (a stalled connection), for the fetch-timeout tests.
 */
async function stallingAssets(ctx, next) {
  if (!ctx.path.startsWith('/stall/')) return next();
  const rest = ctx.path.slice('/stall/'.length);
  if (!rest.startsWith('models/')) {
    ctx.url = '/packages/element/dist/' + rest;
    return next();
  }
  const body = new PassThrough();
  ctx.status = 200;
  ctx.set('Content-Type', 'application/octet-stream');
  ctx.set('Content-Length', '1000000');
  ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
  ctx.body = body;
  body.write(Buffer.alloc(16));
  // Never more; the stream ends after a minute so the server can shut down.
  setTimeout(() => body.destroy(), 60_000).unref();
}

/** The file of the tree that `ctx.path` names after `prefix`, or null (another route, or no such file). */
function treeFile(ctx, prefix) {
  if (!ctx.path.startsWith(prefix)) return null;
  const file = path.join(root, path.normalize(ctx.path.slice(prefix.length)));
  return file.startsWith(root) && existsSync(file) ? file : null;
}

/**
 * `/stall-video/<path>`: a video file of the tree whose first third is sent (with the whole file's
 * length), then nothing: it plays a little, then its time stands still (the video-stall test).
 */
async function stallingVideo(ctx, next) {
  const file = treeFile(ctx, '/stall-video/');
  if (!file) return next();
  const bytes = readFileSync(file);
  const body = new PassThrough();
  ctx.status = 200;
  ctx.set('Content-Type', 'video/webm');
  ctx.set('Content-Length', String(bytes.length));
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
  ctx.body = body;
  body.write(bytes.subarray(0, Math.floor(bytes.length / 3)));
  setTimeout(() => body.destroy(), 60_000).unref();
}

/**
 * `/corrupt-video/<path>`: a video file of the tree whose bytes after the first 40% are garbage
 * (whole length, byte ranges served): it plays a little, then the browser's media player fails with
 * a media error (the video-error test).
 */
async function corruptVideo(ctx, next) {
  const file = treeFile(ctx, '/corrupt-video/');
  if (!file) return next();
  const bytes = Buffer.from(readFileSync(file));
  for (let i = Math.floor(bytes.length * 0.4); i < bytes.length; i++) bytes[i] = (i * 131 + 7) & 255;
  ctx.status = 200;
  ctx.set('Content-Type', 'video/webm');
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
  ctx.body = bytes;
}

/**
 * `/trickle/<anything>`: the built assets, with wasm/ and models/ files sent in 8 parts 30 ms apart
 * (a slow network, deterministically: progress must then report the bytes as they come).
 */
async function tricklingAssets(ctx, next) {
  if (!ctx.path.startsWith('/trickle/')) return next();
  const rest = ctx.path.slice('/trickle/'.length);
  if (!/^(wasm|models)\//.test(rest)) {
    ctx.url = '/packages/element/dist/' + rest;
    return next();
  }
  const file = path.join(root, 'packages/element/dist', rest);
  if (!existsSync(file)) return next();
  const bytes = readFileSync(file);
  const body = new PassThrough();
  ctx.status = 200;
  ctx.set('Content-Type', rest.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream');
  ctx.set('Content-Length', String(bytes.length));
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
  ctx.body = body;
  const parts = 8;
  for (let i = 0; i < parts; i++) {
    setTimeout(() => {
      body.write(bytes.subarray(Math.floor((i * bytes.length) / parts), Math.floor(((i + 1) * bytes.length) / parts)));
      if (i === parts - 1) body.end();
    }, 30 * i);
  }
}

/** Whether `/offline/` refuses its wasm/ and models/ files (the `assets-offline` command). */
let assetsOffline = false;

/**
 * `/offline/<anything>`: the built assets, with wasm/ and models/ files sent `Cache-Control: no-store`
 * (written straight to the socket: the test runner marks every file it serves cacheable for a year,
 * and the browser's HTTP cache must keep none of these), and, while the `assets-offline` command
 * says so, refused: the connection is closed without an answer, as when the network is gone (the
 * asset-cache tests: a second visit without the network).
 */
async function offlineAssets(ctx, next) {
  if (!ctx.path.startsWith('/offline/')) return next();
  const rest = ctx.path.slice('/offline/'.length);
  if (!/^(wasm|models)\//.test(rest)) {
    ctx.url = '/packages/element/dist/' + rest;
    return next();
  }
  const dist = path.join(root, 'packages/element/dist');
  const file = path.join(dist, path.normalize(rest));
  if (!assetsOffline && (!file.startsWith(dist) || !existsSync(file))) return next();
  ctx.respond = false;
  if (assetsOffline) {
    ctx.req.socket.destroy();
    return;
  }
  const bytes = readFileSync(file);
  ctx.res.writeHead(200, {
    'Content-Type': rest.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream',
    'Content-Length': String(bytes.length),
    'Cache-Control': 'no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  ctx.res.end(bytes);
}

/** Requests the page (and its workers) made since `record-requests` start, per test session. */
const recordings = new Map();

/**
 * Server-side commands for tests (`executeServerCommand` from @web/test-runner-commands):
 * `list-workers` gives the live dedicated workers (target id and URL) of the browser, from the browser itself;
 * `worker-threads` counts the threads the operating system runs for dedicated workers (Linux);
 * `screenshot` gives the composited page (or `clip` of it) as a base64 PNG;
 * `asset-variant` copies the built wasm/ and models/ to /.wtr-tmp/<name>/ with files removed,
 * truncated or replaced by text (broken-asset tests); `record-requests` start/stop records every
 * request of the page and its workers (puppeteer 'request' events); `assets-offline` {offline}
 * makes `/offline/` refuse its wasm/ and models/ files or serve them again; `heap` collects garbage and
 * gives the JS heap in use of the page and of each live worker (CDP); `retainers` explains, from a
 * heap snapshot, what still holds the page's DOM nodes whose name matches; `video-parity` gives the
 * Node package's test clip, its frames as the CLI decodes them and the CLI's landmarks of it
 * (tools/video-parity.mjs).
 */
/**
 * Threads named "DedicatedWorker" in process `pid` and its descendants (Linux /proc): their count,
 * or with `detail` one line each: state, CPU ticks (user+system), what it waits on.
 */
function dedicatedWorkerThreads(pid, detail = false) {
  if (!pid) return -1;
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  const found = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift();
    queue.push(...(children.get(p) ?? []));
    try {
      for (const task of readdirSync(`/proc/${p}/task`)) {
        try {
          if (!readFileSync(`/proc/${p}/task/${task}/comm`, 'utf8').startsWith('DedicatedWorker')) continue;
          const stat = readFileSync(`/proc/${p}/task/${task}/stat`, 'utf8').slice(0).split(') ')[1].split(' ');
          found.push(`${p}/${task} ${stat[0]} cpu=${Number(stat[11]) + Number(stat[12])} wchan=${readFileSync(`/proc/${p}/task/${task}/wchan`, 'utf8')}`);
        } catch {
          // the thread ended meanwhile
        }
      }
    } catch {
      // the process ended meanwhile
    }
  }
  return detail ? found : found.length;
}

/**
 * The puppeteer page of a Chromium session, or null in Firefox (puppeteer over BiDi: no CDP) and
 * WebKit (WebDriver): the commands below that need DevTools answer null there.
 */
function chromiumPage(session) {
  if (session.browser.type !== 'puppeteer' || session.browser.name !== 'Chrome') return null;
  return session.browser.getPage(session.id);
}

/**
 * Commands that only Chromium (CDP, puppeteer events) can answer; elsewhere they answer
 * CHROMIUM_ONLY_ANSWER (null or undefined would mean "no such command").
 */
const CHROMIUM_ONLY_ANSWER = 'chromium-only';
const CHROMIUM_ONLY = new Set(['record-requests', 'heap', 'retainers', 'worker-threads', 'list-workers']);

const commands = {
  name: 'face-mesh-commands',
  async executeCommand({ command, payload, session }) {
    if (CHROMIUM_ONLY.has(command) && !chromiumPage(session)) return CHROMIUM_ONLY_ANSWER;
    if (command === 'video-parity') return videoParity(root, payload);
    if (command === 'write-module') {
      // A test-generated module (e.g. the README's snippet), served from /.wtr-tmp/ so bare imports resolve.
      const dir = path.join(root, '.wtr-tmp');
      mkdirSync(dir, { recursive: true });
      const name = path.basename(String(payload.name));
      writeFileSync(path.join(dir, name), String(payload.source));
      return `/.wtr-tmp/${name}`;
    }
    if (command === 'save-parity-reference') {
      // Only on request: the parity test otherwise checks the committed file against Google's live output.
      if (process.env.UPDATE_PARITY_REFERENCE !== '1') return false;
      const file = path.join(root, path.normalize(String(payload.path)));
      if (!file.startsWith(path.join(root, 'packages')) || !file.endsWith('google-reference.json')) throw new Error(`refusing to write ${file}`);
      writeFileSync(file, `${JSON.stringify(payload.reference, null, 1)}\n`);
      return true;
    }
    if (command === 'asset-variant') {
      const name = path.basename(String(payload.name));
      const dir = path.join(root, '.wtr-tmp', 'assets', name);
      rmSync(dir, { recursive: true, force: true });
      const dist = path.join(root, 'packages/element/dist');
      for (const sub of ['wasm', 'models']) {
        mkdirSync(path.join(dir, sub), { recursive: true });
        for (const f of readdirSync(path.join(dist, sub))) copyFileSync(path.join(dist, sub, f), path.join(dir, sub, f));
      }
      for (const f of payload.remove ?? []) rmSync(path.join(dir, f), { force: true });
      for (const f of payload.truncate ?? []) {
        const bytes = readFileSync(path.join(dir, f));
        writeFileSync(path.join(dir, f), bytes.subarray(0, Math.floor(bytes.length / 2)));
      }
      for (const f of payload.text ?? []) writeFileSync(path.join(dir, f), 'This is not a model, just text.\n'.repeat(100));
      for (const f of payload.flip ?? []) {
        // One byte in the middle changed: the same size, usually still a valid file, another SHA-256.
        const bytes = readFileSync(path.join(dir, f));
        bytes[bytes.length >> 1] ^= 0x01;
        writeFileSync(path.join(dir, f), bytes);
      }
      for (const [f, kind] of Object.entries(payload.hostile ?? {})) writeFileSync(path.join(dir, f), HOSTILE_MODELS[kind]());
      return `/.wtr-tmp/assets/${name}/`;
    }
    if (command === 'assets-offline') {
      assetsOffline = payload.offline === true;
      return assetsOffline;
    }
    if (command === 'record-requests') {
      const page = chromiumPage(session);
      if (payload.action === 'start') {
        const urls = [];
        const onRequest = (request) => urls.push(request.url());
        page.on('request', onRequest);
        recordings.set(session.id, { urls, onRequest });
        return true;
      }
      const rec = recordings.get(session.id);
      recordings.delete(session.id);
      if (!rec) return [];
      page.off('request', rec.onRequest);
      return rec.urls;
    }
    if (command === 'screenshot') {
      // The page as composited (what the user sees, worker-drawn canvases included): PNG, base64; payload.clip in CSS px.
      const page = session.browser.getPage(session.id);
      return page.screenshot({ encoding: 'base64', clip: payload.clip });
    }
    if (command === 'heap') {
      const page = chromiumPage(session);
      const cdp = await page.createCDPSession();
      try {
        await cdp.send('HeapProfiler.collectGarbage');
        const { usedSize } = await cdp.send('Runtime.getHeapUsage');
        const workers = [];
        for (const w of page.workers()) {
          if (payload?.workerUrlContains && !w.url().includes(payload.workerUrlContains)) continue;
          await w.client.send('HeapProfiler.collectGarbage');
          workers.push({ url: w.url(), usedSize: (await w.client.send('Runtime.getHeapUsage')).usedSize });
        }
        return { page: usedSize, workers };
      } finally {
        await cdp.detach();
      }
    }
    if (command === 'retainers') {
      // Why the page's nodes named like `payload.name` (a RegExp source) are still alive: a heap snapshot's shortest retaining paths.
      const page = chromiumPage(session);
      const cdp = await page.createCDPSession();
      const chunks = [];
      cdp.on('HeapProfiler.addHeapSnapshotChunk', (e) => chunks.push(e.chunk));
      try {
        await cdp.send('HeapProfiler.collectGarbage');
        await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      } finally {
        await cdp.detach();
      }
      const name = new RegExp(String(payload.name));
      return retainingPaths(JSON.parse(chunks.join('')), (n, type) => type === 'native' && name.test(n), payload.limit ?? 3);
    }
    if (command === 'worker-threads') {
      // The operating system's view, without DevTools: threads named "DedicatedWorker" (Blink's
      // worker threads, wasm pthreads included) in the processes of this test's browser.
      const page = chromiumPage(session);
      return dedicatedWorkerThreads(page.browser().process()?.pid, payload?.detail);
    }
    if (command === 'list-workers') {
      // Ask the browser now (Target.getTargets) rather than puppeteer's event-fed page.workers().
      const page = chromiumPage(session);
      const cdp = await page.createCDPSession();
      try {
        const { targetInfos } = await cdp.send('Target.getTargets');
        return targetInfos.filter((t) => t.type === 'worker').map((t) => ({ id: t.targetId, url: t.url }));
      } finally {
        await cdp.detach().catch(() => {});
      }
    }
    return undefined;
  },
};

/**
 * What runs in Firefox and WebKit too: the element's behaviour and the pages' edge cases, the
 * element from a CDN and under Trusted Types, the single-thread fallback and cross-origin sources (noncoi), the wasm backend, the whole models
 * against the NumPy references, the pipeline, and parity with Google's solution in that engine.
 * The rest (worker and thread bookkeeping, heaps, request recording: DevTools; Chromium's fake-camera
 * clip with a face) is Chromium's.
 */
export const CROSS_ENGINE_FILES = [
  'packages/element/src/define.test.ts',
  'packages/element/test/engines.test.ts',
  'packages/element/test/page_cases.test.ts',
  'packages/element/test/video_stall.test.ts',
  'packages/element/test/startup_stall.test.ts',
  'packages/element/test/cdn.test.ts',
  'packages/element/test/trusted_types.test.ts',
  'packages/element/test/noncoi/*.test.html',
  'packages/worker-runtime/test/backend.test.ts',
  'packages/worker-runtime/test/noncoi/*.test.html',
  'packages/worker-runtime/test/model.test.ts',
  'packages/worker-runtime/test/pipeline.test.ts',
  'packages/worker-runtime/test/parity/reference.test.ts',
];

export default {
  rootDir: root,
  nodeResolve: { browser: true },
  // 2 cores: one test file at a time keeps the wasm timings and worker start-up predictable.
  concurrency: 1,
  concurrentBrowsers: 1,
  reporters: [defaultReporter(), testDurations()],
  browserStartTimeout: 60_000,
  testsFinishTimeout: 600_000,
  // Five times the slowest test measured, at least 30 s (tools/timeouts-from-durations.mjs); files whose `before`
  // hooks do more (Google's solution, videos) set their own.
  testFramework: { config: { timeout: 30_000 } },
  groups: [
    {
      name: 'chromium',
      files: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'packages/*/test/**/*.test.html'],
      browsers: [chromium({ userDataDir, fakeVideo: process.env.FAKE_VIDEO ?? ensureTestClip() })],
    },
    { name: 'firefox', files: CROSS_ENGINE_FILES, browsers: [firefox()] },
    { name: 'webkit', files: CROSS_ENGINE_FILES, browsers: [webkit()] },
  ],
  // Google's solution (the parity reference) logs every WebGL context it makes; keep the report readable.
  filterBrowserLogs: ({ args }) => !/gl_context|XNNPACK delegate|Lit is in dev mode/.test(String(args[0])),
  middleware: [
    byteRanges,
    stallingAssets,
    stallingVideo,
    corruptVideo,
    tricklingAssets,
    offlineAssets,
    contentSecurityPolicy('/tt/', TRUSTED_TYPES_CSP),
    contentSecurityPolicy('/csp/', STRICT_CSP),
    contentSecurityPolicy('/csp-blob/', STRICT_CSP_BLOB),
    contentSecurityPolicy('/csp-cdn/', STRICT_CSP_CDN),
    contentSecurityPolicy('/csp-cdn-no-blob/', STRICT_CSP_CDN_NO_BLOB),
    ...originTestMirrors(root),
    jsToTs(root),
    crossOriginIsolation(['/packages/worker-runtime/test/noncoi/', '/packages/element/test/noncoi/']),
  ],
  plugins: [commands, tfjsFesmAlias, esbuildPlugin({ ts: true, target: 'es2022', tsconfig: path.join(root, 'tsconfig.json') })],
};
