// `face-mesh landmarks` end to end: folders (recursive), globs, JSON and JSONL outputs, resuming,
// shards, a corrupt file, video mode, the progress bar and the argument errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { browserFixture, cli, sample, tmpDir } from './helpers.mjs';
import { matchAll } from './metric.mjs';

function run(args, cwd) {
  const r = spawnSync(process.execPath, [cli, 'landmarks', ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** photos/a/sample2.jpg, photos/b/c/sample3.jpg, photos/broken.jpg (not an image), photos/notes.txt. */
function photos() {
  const dir = tmpDir();
  mkdirSync(path.join(dir, 'photos/a'), { recursive: true });
  mkdirSync(path.join(dir, 'photos/b/c'), { recursive: true });
  copyFileSync(sample('sample2'), path.join(dir, 'photos/a/sample2.jpg'));
  copyFileSync(sample('sample3'), path.join(dir, 'photos/b/c/sample3.jpg'));
  writeFileSync(path.join(dir, 'photos/broken.jpg'), 'this is not a JPEG');
  writeFileSync(path.join(dir, 'photos/notes.txt'), 'not an image, and not named like one');
  return dir;
}

const flat = (record) => record.faces.map((face) => face.flat());

function assertBrowserRecord(record, name, key) {
  assert.equal(record.image, key);
  assert.deepEqual(Object.keys(record), ['image', 'width', 'height', 'num_faces', 'faces', 'scores', 'regions', 'rois', 'detections', 'detector_ran', 'timings_ms', 'mode', 'options']);
  const expected = browserFixture.static[name];
  assert.deepEqual([record.width, record.height, record.num_faces], [expected.width, expected.height, expected.faces.length]);
  const m = matchAll(expected.faces, flat(record));
  assert.deepEqual([m.missed, m.extra], [0, 0]);
  assert.ok(Math.max(...m.errors) <= 0.001, `${key}: the browser's landmarks`);
  assert.equal(record.faces[0].length, 478);
  assert.equal(record.regions[0].leftIris.length, 5);
}

test('a folder, recursively: JSON per image mirroring sub-folders, the corrupt file summarized, exit 1; a second run skips what is done', { timeout: 120_000 }, () => {
  const dir = photos();
  const r = run(['--out', 'out', '--max-faces', '10', '--workers', '2', 'photos'], dir);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /3 images, static, 2 worker threads, maxFaces 10/);
  assert.match(r.stderr, /2 images processed \(3 faces\).*; 1 failed:\n {2}broken\.jpg \(not-an-image\): not an image/);
  assert.equal(existsSync(path.join(dir, 'out/broken.json')), false);
  for (const [key, name, file] of [['a/sample2.jpg', 'sample2', 'out/a/sample2.json'], ['b/c/sample3.jpg', 'sample3', 'out/b/c/sample3.json']]) {
    const record = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    assertBrowserRecord(record, name, key);
    assert.equal(record.mode, 'static');
    assert.equal(record.options.maxFaces, 10);
  }
  const again = run(['--out', 'out', '--max-faces', '10', 'photos'], dir);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /1 image \(2 already done, skipped\)/);
  assert.match(again.stderr, /0 images processed .*1 failed/);
});

test('JSONL shards of a glob merge by concatenation; a line cut short is done again', { timeout: 120_000 }, () => {
  const dir = photos();
  const one = run(['--jsonl', 'shard1.jsonl', '--max-faces', '10', '--shard', '1/2', 'photos/**/*.jpg'], dir);
  const two = run(['--jsonl', 'shard2.jsonl', '--max-faces', '10', '--shard', '2/2', 'photos/**/*.jpg'], dir);
  // Sorted: a/sample2.jpg, b/c/sample3.jpg, broken.jpg; shard 1 takes the 1st and 3rd.
  assert.equal(one.status, 1, one.stderr);
  assert.match(one.stderr, /broken\.jpg \(not-an-image\)/);
  assert.equal(two.status, 0, two.stderr);
  const lines = ['shard1.jsonl', 'shard2.jsonl'].flatMap((f) => readFileSync(path.join(dir, f), 'utf8').trim().split('\n')).map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.image).sort(), ['a/sample2.jpg', 'b/c/sample3.jpg']);
  assertBrowserRecord(lines.find((l) => l.image === 'a/sample2.jpg'), 'sample2', 'a/sample2.jpg');

  // A run stopped mid-line: that image does not count as done.
  const file = path.join(dir, 'shard2.jsonl');
  writeFileSync(file, '');
  appendFileSync(file, '{"image": "b/c/sample3.jpg", "wid');
  const resumed = run(['--jsonl', 'shard2.jsonl', '--max-faces', '10', '--shard', '2/2', 'photos/**/*.jpg'], dir);
  assert.equal(resumed.status, 0, resumed.stderr);
  const last = readFileSync(file, 'utf8').trim().split('\n').pop();
  assert.equal(JSON.parse(last).image, 'b/c/sample3.jpg');
});

test('--video: frames in order on one thread, the crop tracked from the previous frame', { timeout: 120_000 }, () => {
  const dir = tmpDir();
  const frames = [0, 1, 2].map((t) => {
    const f = path.join(dir, `frame${t}.jpg`);
    copyFileSync(sample('sample2'), f);
    return f;
  });
  const r = run(['--out', path.join(dir, 'out'), '--video', '--workers', '2', ...frames]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /video \(tracking\), one thread/);
  const records = [0, 1, 2].map((t) => JSON.parse(readFileSync(path.join(dir, `out/frame${t}.json`), 'utf8')));
  assert.deepEqual(records.map((x) => [x.mode, x.num_faces, x.detector_ran]), [['video', 1, true], ['video', 1, false], ['video', 1, false]]);
  assert.equal(records[2].detections[0], null, 'a tracked face has no detection');
});

test('a progress bar on a terminal', { timeout: 120_000 }, (t) => {
  const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (script.status !== 0) return t.skip('no `script` (util-linux) to give the CLI a terminal');
  const dir = tmpDir();
  const command = [process.execPath, cli, 'landmarks', '--jsonl', path.join(dir, 'x.jsonl'), '--workers', '1', sample('sample2'), sample('sample4')].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /\r\[#{30}\] 2\/2 [\d.]+ img\/s/);
  assert.doesNotMatch(r.stdout, /sample2\.jpg: 1920x1367/, 'no per-image lines on a terminal');
});

test('argument and input errors', { timeout: 60_000 }, () => {
  const dir = tmpDir();
  for (const args of [['--out', 'o', '--jsonl', 'j', sample('sample2')], ['--out', 'o'], ['--out', 'o', '--shard', '3/2', 'x'], ['--out', 'o', '--workers', '0', 'x'], ['--out', 'o', '--bogus', 'x'], ['--out', 'o', '--smooth', 'x']]) {
    const r = run(args, dir);
    assert.equal(r.status, 2, `${args.join(' ')} -> 2\n${r.stderr}`);
    assert.match(r.stderr, /usage: face-mesh landmarks/);
  }
  const missing = run(['--out', 'o', sample('sample2'), 'no-such.jpg', 'nothing/*.png'], dir);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no-such\.jpg: no such file or folder/);
  assert.match(missing.stderr, /nothing\/\*\.png: no file matches/);
  copyFileSync(sample('sample2'), path.join(dir, 'sample2.png'));
  const collision = run(['--out', 'o', sample('sample2'), 'sample2.png'], dir);
  assert.equal(collision.status, 1);
  assert.match(collision.stderr, /sample2\.jpg and sample2\.png would both write/);
  assert.equal(existsSync(path.join(dir, 'o')), false, 'checked before anything runs');
  const stdout = run(['--max-faces', '10', sample('sample2')]);
  assert.equal(stdout.status, 0, stdout.stderr);
  assertBrowserRecord(JSON.parse(stdout.stdout), 'sample2', 'sample2.jpg');
  const help = run(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--jsonl FILE/);
});
