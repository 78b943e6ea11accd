// node --test: the SHA-256 table the element ships (packages/element/src/asset_checksums.ts), which the
// worker checks every downloaded model and wasm binary against, equals models/checksums.json and the
// installed @tensorflow/tfjs-backend-wasm binaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = readFileSync(path.join(here, '../packages/element/src/asset_checksums.ts'), 'utf8');
const table = Object.fromEntries([...source.matchAll(/'([\w.-]+\.(?:tflite|binarypb|wasm))': '([0-9a-f]{64})'/g)].map((m) => [m[1], m[2]]));

test('asset_checksums.ts lists every model file of checksums.json with its SHA-256', () => {
  const checksums = JSON.parse(readFileSync(path.join(here, 'checksums.json'), 'utf8'));
  for (const [file, { sha256 }] of Object.entries(checksums.files)) assert.equal(table[file], sha256, file);
});

test('asset_checksums.ts has the SHA-256 of the installed tfjs-backend-wasm binaries', () => {
  const dist = path.join(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
    assert.equal(table[file], createHash('sha256').update(readFileSync(path.join(dist, file))).digest('hex'), file);
  }
  assert.equal(Object.keys(table).length, 7);
});
