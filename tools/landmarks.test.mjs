// `npm test` (node --test tools/): the landmarks CLI end to end on a sample photo that `npm install`
// provides, in headless Chromium, plus its error paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'tools', 'landmarks.mjs');
const sample1 = path.join(root, 'node_modules', '@vladmandic', 'face-api', 'demo', 'sample1.jpg');

function run(args) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmp() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'face-mesh-cli-test-'));
  test.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('landmarks CLI: the one face of sample1.jpg, 478 points in pixels; an undecodable file is named and skipped', { timeout: 180_000 }, () => {
  const dir = tmp();
  const broken = path.join(dir, 'broken.jpg');
  writeFileSync(broken, 'this is not a JPEG');
  const out = path.join(dir, 'out');
  // --max-faces 10: BlazeFace's best-scoring box in sample1 is one the attention model rejects (face
  // flag < 0.5); with MediaPipe's default of 1 the detections are clipped to that one and no face is
  // left (MediaPipe's ClipDetectionVectorSizeCalculator). With 10, exactly one of its faces passes.
  const r = run(['--out', out, '--max-faces', '10', sample1, broken]);

  assert.equal(r.status, 1, `exit status 1 when one image fails\n${r.stderr}`);
  assert.match(r.stderr, /broken\.jpg: the browser cannot decode it/);
  assert.equal(existsSync(path.join(out, 'broken.json')), false, 'nothing written for the broken image');

  const json = JSON.parse(readFileSync(path.join(out, 'sample1.json'), 'utf8'));
  assert.equal(json.image, 'sample1.jpg');
  assert.equal(json.width, 1920);
  assert.equal(json.height, 1280);
  assert.equal(json.mode, 'static');
  assert.equal(json.options.maxFaces, 10);
  assert.equal(json.options.staticImageMode, true);
  assert.equal(json.num_faces, 1);
  assert.equal(json.faces.length, 1);
  const face = json.faces[0];
  assert.equal(face.length, 478);
  for (const p of face) {
    assert.equal(p.length, 3);
    assert.ok(p.every(Number.isFinite));
    assert.ok(p[0] >= 0 && p[0] <= json.width && p[1] >= 0 && p[1] <= json.height, `point ${p} inside the image`);
  }
  // The face of sample1 lies in the 640x480 box at (1232, 86) (the crop the parity tests use), and
  // the mesh is a face, not a point: eye corners 33 and 263 some 60+ pixels apart.
  const [nx, ny] = face[1];
  assert.ok(nx > 1232 && nx < 1872 && ny > 86 && ny < 566, `nose tip ${nx},${ny} on the face`);
  assert.ok(Math.hypot(face[33][0] - face[263][0], face[33][1] - face[263][1]) > 60);
  // z is in pixel units (normalized z * width): tens of pixels across a face this size, not fractions.
  const zs = face.map((p) => p[2]);
  assert.ok(Math.max(...zs) - Math.min(...zs) > 20, 'z spans the face depth in pixels');

  assert.equal(json.scores.length, 1);
  assert.ok(json.scores[0] > 0.5 && json.scores[0] <= 1);
  const regions = json.regions[0];
  assert.deepEqual(
    Object.fromEntries(Object.entries(regions).map(([k, v]) => [k, v.length])),
    { lips: 80, leftEye: 71, rightEye: 71, leftIris: 5, rightIris: 5 },
  );
  assert.ok(regions.leftIris.every(([x, y]) => x > 1232 && x < 1872 && y > 86 && y < 566));
  assert.equal(json.rois.length, 1);
  for (const k of ['xCenter', 'yCenter', 'width', 'height', 'rotation']) assert.ok(Number.isFinite(json.rois[0][k]), k);
  assert.ok(json.rois[0].xCenter * json.width > 1232 && json.rois[0].xCenter * json.width < 1872);
  assert.equal(json.detections.length, 1, 'static mode: every face comes from the detector');
  const d = json.detections[0];
  assert.ok(d.score > 0.5 && d.score <= 1);
  assert.equal(d.keypoints.length, 6);
  assert.ok(d.box.xMin < nx && nx < d.box.xMax && d.box.yMin < ny && ny < d.box.yMax, 'the nose tip is in the detection box');
});

test('landmarks CLI: a missing file is named, nothing runs, exit 1', () => {
  const dir = tmp();
  const missing = path.join(dir, 'no-such-image.jpg');
  const r = run(['--out', path.join(dir, 'out'), sample1, missing]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no-such-image\.jpg: no such file/);
  assert.equal(existsSync(path.join(dir, 'out')), false, 'the check happens before any output');
});

test('landmarks CLI: bad arguments exit 2 with the usage', () => {
  for (const args of [[sample1], ['--out', '/tmp/x'], ['--out', '/tmp/x', '--max-faces', '0', sample1], ['--out', '/tmp/x', '--min-tracking-confidence', '1.5', sample1], ['--bogus']]) {
    const r = run(args);
    assert.equal(r.status, 2, `${args.join(' ')} -> 2`);
    assert.match(r.stderr, /usage: npm run landmarks/);
  }
  const help = run(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--max-faces N/);
});
