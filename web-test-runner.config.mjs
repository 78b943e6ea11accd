// `npm test`: every package's tests in headless Debian Chromium (/usr/bin/chromium, never a
// downloaded browser), served cross-origin isolated except under the `noncoi` folders.
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, crossOriginIsolation, jsToTs, tfjsFesmAlias } from './tools/dev-server-plugins.mjs';
import { ensureTestClip } from './tools/test-clip.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));
const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'face-mesh-wtr-'));
process.on('exit', () => rmSync(userDataDir, { recursive: true, force: true }));

/**
 * Server-side commands for tests (`executeServerCommand` from @web/test-runner-commands):
 * `list-workers` gives the URLs of the page's live dedicated workers, from the browser itself.
 */
const commands = {
  name: 'face-mesh-commands',
  async executeCommand({ command, payload, session }) {
    if (command === 'write-module') {
      // A test-generated module (e.g. the README's snippet), served from /.wtr-tmp/ so bare imports resolve.
      const dir = path.join(root, '.wtr-tmp');
      mkdirSync(dir, { recursive: true });
      const name = path.basename(String(payload.name));
      writeFileSync(path.join(dir, name), String(payload.source));
      return `/.wtr-tmp/${name}`;
    }
    if (command === 'list-workers') {
      const page = session.browser.getPage(session.id);
      return page.workers().map((w) => w.url());
    }
    return undefined;
  },
};

export default {
  rootDir: root,
  files: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'packages/*/test/**/*.test.html'],
  nodeResolve: { browser: true },
  // 2 cores: one test file at a time keeps the wasm timings and worker start-up predictable.
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60_000,
  testsFinishTimeout: 600_000,
  testFramework: { config: { timeout: 120_000 } },
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        headless: true,
        args: chromiumArgs({ userDataDir, fakeVideo: process.env.FAKE_VIDEO ?? ensureTestClip() }),
      },
    }),
  ],
  // Google's solution (the parity reference) logs every WebGL context it makes; keep the report readable.
  filterBrowserLogs: ({ args }) => !/gl_context|XNNPACK delegate|Lit is in dev mode/.test(String(args[0])),
  middleware: [jsToTs(root), crossOriginIsolation(['/packages/worker-runtime/test/noncoi/'])],
  plugins: [commands, tfjsFesmAlias, esbuildPlugin({ ts: true, target: 'es2022', tsconfig: path.join(root, 'tsconfig.json') })],
};
