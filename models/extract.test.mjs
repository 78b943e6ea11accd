// node --test: the model files extract from the pinned packages, match their checksums, parse as
// TFLite, and every failure mode stops the install with a message that says what to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { readPackedIndex } from './extract.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const checksums = JSON.parse(readFileSync(path.join(here, 'checksums.json'), 'utf8'));
const script = path.join(here, 'extract.mjs');

function extract(args) {
  return spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
}

function withChecksums(mutate) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fm-models-'));
  const copy = structuredClone(checksums);
  mutate(copy);
  const file = path.join(dir, 'checksums.json');
  writeFileSync(file, JSON.stringify(copy));
  return { dir, file };
}

test('the packed-assets loader lists every file we need, with byte ranges', () => {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('@mediapipe/face_mesh/package.json'));
  const index = readPackedIndex(readFileSync(path.join(dir, 'face_mesh_solution_packed_assets_loader.js'), 'utf8'));
  for (const name of ['face_landmark_with_attention.tflite', 'face_landmark.tflite', 'geometry_pipeline_metadata_landmarks.binarypb']) {
    const range = index.get(name);
    assert.ok(range, `${name} listed`);
    assert.equal(range.end - range.start, checksums.files[name].bytes);
  }
});

test('extraction writes every file, each matching its checksum; the models parse as TFLite', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'fm-models-out-'));
  const r = extract(['--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(out).sort(), Object.keys(checksums.files).sort());
  for (const name of Object.keys(checksums.files)) {
    const bytes = readFileSync(path.join(out, name));
    assert.equal(bytes.length, checksums.files[name].bytes, name);
    if (name.endsWith('.tflite')) assert.equal(bytes.subarray(4, 8).toString('latin1'), 'TFL3', `${name} has the TFL3 identifier`);
  }
});

test('a checksum mismatch fails loudly and writes nothing for that file', () => {
  const { dir, file } = withChecksums((c) => { c.files['face_detection_short_range.tflite'].sha256 = '0'.repeat(64); });
  const r = extract(['--out', path.join(dir, 'out'), '--checksums', file]);
  assert.equal(r.status, 1);
  assert.equal(existsSync(path.join(dir, 'out', 'face_detection_short_range.tflite')), false);
  assert.match(r.stderr, /face_detection_short_range\.tflite .*SHA-256 3bc182eb.*expected 0{64}/);
  assert.match(r.stderr, /npm ci/);
});

test('a missing package names the package and how to install it', () => {
  const { dir, file } = withChecksums((c) => {
    c.packages['@mediapipe/not-installed'] = '1.0.0';
    c.files['face_landmark.tflite'].package = '@mediapipe/not-installed';
  });
  const r = extract(['--out', path.join(dir, 'out'), '--checksums', file]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /@mediapipe\/not-installed@1\.0\.0 is not installed.*npm install/s);
});

test('a file the loader does not list is reported', () => {
  const { dir, file } = withChecksums((c) => {
    c.files['missing.tflite'] = { ...c.files['face_landmark.tflite'] };
  });
  const r = extract(['--out', path.join(dir, 'out'), '--checksums', file]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /missing\.tflite is not listed in @mediapipe\/face_mesh/);
});
