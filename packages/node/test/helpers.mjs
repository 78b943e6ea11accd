// Shared by the Node package's tests: where things are, the committed fixtures, temporary folders.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../../..');
/** The built package (npm test runs `npm run build:node` first). */
export const dist = path.join(root, 'packages/node/dist');
export const cli = path.join(dist, 'cli.js');
/** Photos of @vladmandic/face-api@1.7.15, an npm devDependency (see fixtures/make_fixtures.mjs). */
export const sample = (name) => path.join(root, 'node_modules/@vladmandic/face-api/demo', `${name}.jpg`);
export const browserFixture = JSON.parse(readFileSync(path.join(here, 'fixtures/browser.json'), 'utf8'));
export const googleFixture = JSON.parse(readFileSync(path.join(here, 'fixtures/google.json'), 'utf8'));

export function tmpDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'face-mesh-node-test-'));
  test.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
