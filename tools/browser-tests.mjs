#!/usr/bin/env node
// `npm test`'s browser part: web-test-runner's three groups one after another (Chromium, Firefox ESR,
// WebKitGTK; extra arguments go to each run). A WebKitGTK group that fails because its web process
// crashed (WebKitGTK's own log says "WebProcess CRASHED": inside Mesa's software GL under Xvfb, now and
// then, docs/browser-support.md) is run once more, and this says so; any other failure, or a second
// crash, fails the run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WEBKIT_LOG } from './engines.mjs';

const bin = path.join(import.meta.dirname, '..', 'node_modules/@web/test-runner/dist/bin.js');
const run = (group) => spawnSync(process.execPath, [bin, '--group', group, ...process.argv.slice(2)], { stdio: 'inherit' }).status;
const webProcessCrashed = () => existsSync(WEBKIT_LOG) && /WebProcess CRASHED/.test(readFileSync(WEBKIT_LOG, 'utf8'));

const failed = [];
for (const group of ['chromium', 'firefox', 'webkit']) {
  let status = run(group);
  if (status !== 0 && group === 'webkit' && webProcessCrashed()) {
    console.error("\nWebKitGTK's web process crashed (its own log says WebProcess CRASHED; see docs/browser-support.md): the WebKit group runs once more.\n");
    status = run(group);
  }
  if (status !== 0) failed.push(group);
}
if (failed.length) {
  console.error(`Browser tests failed in: ${failed.join(', ')}`);
  process.exit(1);
}
