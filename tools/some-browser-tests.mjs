#!/usr/bin/env node
// `npm run test:some -- [--engine chromium|firefox|webkit] FILE_OR_GLOB...`: some browser test files in
// one engine (Chromium by default), with npm test's server and settings (web-test-runner.some.config.mjs).
// It does not build: run `npm run build` first when a test loads packages/element/dist.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const args = process.argv.slice(2);
let engine = 'chromium';
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--engine') engine = args[++i];
  else files.push(args[i]);
}
if (!files.length) {
  console.error('usage: npm run test:some -- [--engine chromium|firefox|webkit] FILE_OR_GLOB...');
  process.exit(2);
}
const root = path.join(import.meta.dirname, '..');
const bin = path.join(root, 'node_modules/@web/test-runner/dist/bin.js');
const { status } = spawnSync(process.execPath, [bin, '--config', 'web-test-runner.some.config.mjs'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TEST_FILES: files.join('\n'), TEST_ENGINE: engine },
});
process.exit(status ?? 1);
