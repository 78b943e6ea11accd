// Some of the browser tests, in one engine: `npm run test:some -- [--engine firefox|webkit] FILE_OR_GLOB...`
// (tools/some-browser-tests.mjs passes them here as TEST_FILES / TEST_ENGINE). Same server, middleware and
// timeouts as `npm test` (web-test-runner.config.mjs); web-test-runner's own `--files` does not
// combine with that config's groups.
import base from './web-test-runner.config.mjs';
import { ensureTestClip } from './tools/test-clip.mjs';
import { chromium, firefox, webkit } from './tools/engines.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const files = (process.env.TEST_FILES ?? '').split('\n').filter(Boolean);
if (!files.length) throw new Error('web-test-runner.some.config.mjs: no files (run it through npm run test:some -- FILE...)');
const engine = process.env.TEST_ENGINE || 'chromium';
const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'face-mesh-wtr-some-'));
process.on('exit', () => rmSync(userDataDir, { recursive: true, force: true }));
const browsers = {
  chromium: () => [chromium({ userDataDir, fakeVideo: process.env.FAKE_VIDEO ?? ensureTestClip() })],
  firefox: () => [firefox()],
  webkit: () => [webkit()],
};
if (!browsers[engine]) throw new Error(`web-test-runner.some.config.mjs: no engine "${engine}" (chromium, firefox, webkit)`);

export default { ...base, groups: undefined, files, browsers: browsers[engine]() };
