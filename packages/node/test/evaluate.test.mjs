// `face-mesh evaluate` on a small dataset made here from the sample photos: ground truths are the
// browser's landmarks moved by known offsets (some without z, some with 468 points), so the
// expected report is computed in this file, from the committed browser fixture, with its own
// arithmetic. The CLI's numbers come from the Node pipeline, equal to the browser's within 0.001%
// IOD per face (parity.test.mjs); that bound carries over to each error, so to means and to
// population standard deviations (both move by at most the largest change of one error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { browserFixture, cli, sample, tmpDir } from './helpers.mjs';
import { errorIod } from './metric.mjs';

const PARITY = 0.001;

function run(args) {
  const r = spawnSync(process.execPath, [cli, 'evaluate', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A face of the static fixture moved by (dx, dy); `dims` 2 drops z; `points` 468 or 478. */
function groundTruth(name, face, [dx, dy], dims = 3, points = 478) {
  const f = browserFixture.static[name].faces[face];
  return Array.from({ length: points }, (_, i) => (dims === 3 ? [f[3 * i] + dx, f[3 * i + 1] + dy, f[3 * i + 2]] : [f[3 * i] + dx, f[3 * i + 1] + dy]));
}

// sample3 has two faces, so evaluate runs with maxFaces 2 (the fixture's evaluation setting); with
// 2, the detector's two best boxes in sample5 are both rejected by the mesh model: missed.
const ENTRIES = [
  { file: 'sample2.jpg', group: 'A', landmarks: groundTruth('sample2', 0, [1, 0]) },
  { file: 'sample3.jpg', group: 'A', landmarks: groundTruth('sample3', 0, [0, 2]) },
  { file: 'sample3.jpg', group: 'B', landmarks: groundTruth('sample3', 1, [8, 6], 2, 468) },
  { file: 'sub/sample5.jpg', group: 'C', landmarks: groundTruth('sample5', 0, [0, 0]) },
];

function dataset(entries = ENTRIES) {
  const dir = tmpDir();
  const sub = path.join(dir, 'sub');
  spawnSync('mkdir', [sub]);
  for (const s of ['sample2', 'sample3']) copyFileSync(sample(s), path.join(dir, `${s}.jpg`));
  copyFileSync(sample('sample5'), path.join(sub, 'sample5.jpg'));
  const file = path.join(dir, 'dataset.json');
  writeFileSync(file, JSON.stringify({ images: entries }));
  return file;
}

/** The expected report, from the browser fixture: nearest face, 468 points, 2-D IOD without z. */
function expected(threshold) {
  const { tracking, reacquisition } = browserFixture.evaluation;
  const predicted = { tracking, reacquisition };
  const error = (entry, mode) => {
    const name = path.basename(entry.file, '.jpg');
    const dims = entry.landmarks[0].length;
    const truth = entry.landmarks.slice(0, 468).flatMap((p) => [p[0], p[1], p[2] ?? 0]);
    const errs = predicted[mode][name].faces.map((f) => errorIod(truth, f, 468, dims));
    return errs.length ? Math.min(...errs) : null;
  };
  const summary = (errs) => {
    const m = errs.filter((e) => e !== null);
    const mean = m.length ? m.reduce((a, b) => a + b, 0) / m.length : null;
    return { n: m.length, mean, std: m.length ? Math.sqrt(m.reduce((a, e) => a + (e - mean) ** 2, 0) / m.length) : null, missed: errs.length - m.length };
  };
  const out = { modes: {}, fairness: { threshold } };
  for (const mode of ['tracking', 'reacquisition']) {
    const errs = ENTRIES.map((e) => error(e, mode));
    const groups = {};
    for (const g of ['A', 'B', 'C']) groups[g] = summary(errs.filter((_, i) => ENTRIES[i].group === g));
    out.modes[mode] = { total: summary(errs), groups };
    const means = Object.entries(groups).filter(([, s]) => s.mean !== null);
    const best = Math.min(...means.map(([, s]) => s.mean));
    out.fairness[mode] = {
      spread: Math.max(...means.map(([, s]) => s.mean)) - best,
      flagged: means.filter(([, s]) => s.mean - best > threshold).map(([g]) => g),
      unmeasured: Object.keys(groups).filter((g) => groups[g].mean === null),
    };
  }
  return out;
}

function assertClose(actual, wanted, what) {
  if (wanted === null) return assert.equal(actual, null, what);
  assert.ok(Math.abs(actual - wanted) <= PARITY, `${what}: ${actual} vs ${wanted}`);
}

test('evaluate --json: per group and mode, the numbers computed here from the browser fixture', { timeout: 120_000 }, () => {
  const r = run([dataset(), '--json', '--workers', '2']);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  const want = expected(2.56);
  assert.equal(report.metric, 'iod_mae_percent');
  assert.equal(report.points, 468);
  assert.equal(report.iod, 'mixed', 'one annotation has no z');
  assert.equal(report.frames, 5);
  for (const mode of ['tracking', 'reacquisition']) {
    const stats = [['total', report.modes[mode].total, want.modes[mode].total], ...['A', 'B', 'C'].map((g) => [g, report.modes[mode].groups[g], want.modes[mode].groups[g]])];
    for (const [name, got, w] of stats) {
      assert.equal(got.n, w.n, `${mode} ${name} n`);
      assert.equal(got.missed, w.missed, `${mode} ${name} missed`);
      assertClose(got.mean, w.mean, `${mode} ${name} mean`);
      assertClose(got.std, w.std, `${mode} ${name} std`);
    }
    assert.deepEqual(report.fairness[mode].flagged, want.fairness[mode].flagged, `${mode} flagged`);
    assert.deepEqual(report.fairness[mode].unmeasured, ['C']);
    assertClose(report.fairness[mode].spread, want.fairness[mode].spread, `${mode} spread`);
  }
  assert.equal(report.fairness.threshold, 2.56);
  // The dataset is built so that each outcome occurs: a missed face, a group flagged, tracking != reacquisition.
  assert.equal(report.modes.reacquisition.total.missed, 1);
  assert.deepEqual(report.fairness.reacquisition.flagged, ['B']);
  assert.notEqual(report.modes.tracking.groups.A.mean, report.modes.reacquisition.groups.A.mean);
  console.log(`evaluate: tracking A ${report.modes.tracking.groups.A.mean.toFixed(4)} B ${report.modes.tracking.groups.B.mean.toFixed(4)}; reacquisition A ${report.modes.reacquisition.groups.A.mean.toFixed(4)} B ${report.modes.reacquisition.groups.B.mean.toFixed(4)} (% IOD)`);
});

test('evaluate: the table, --threshold and --frames', { timeout: 120_000 }, () => {
  const r = run([dataset(), '--threshold', '100', '--frames', '2', '--workers', '1']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\| group \| tracking mean \| tracking std \| reacquisition mean \| reacquisition std \| n \| missed \(tracking \/ reacquisition\) \|/);
  assert.match(r.stdout, /tracking = the image fed 2 times/);
  assert.match(r.stdout, /\| C \| - \| - \| - \| - \| 1 \| 1 \/ 1 \|/);
  assert.match(r.stdout, /\| \*\*all\*\* \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 4 \| 1 \/ 1 \|/);
  assert.match(r.stdout, /reacquisition: spread [\d.]+% IOD, none flagged; no face measured in C/);
});

test('evaluate: a bad dataset is refused with a message naming the entry', { timeout: 60_000 }, () => {
  const good = ENTRIES[0];
  const cases = [
    [{ ...good, file: 'nowhere.jpg' }, /images\[1\] \(nowhere\.jpg\): no such file/],
    [{ ...good, landmarks: good.landmarks.slice(0, 470) }, /images\[1\] \(sample2\.jpg\): "landmarks" must hold 468 or 478 points, got 470 points/],
    // (NaN is not JSON: JSON.stringify, like most dataset writers, turns it into null, refused the same way.)
    [{ ...good, landmarks: good.landmarks.map((p, i) => (i === 7 ? [p[0], NaN, p[2]] : p)) }, /images\[1\] \(sample2\.jpg\): landmark 7 has a coordinate that is not a finite number/],
    [{ ...good, group: '' }, /images\[1\] \(sample2\.jpg\): "group" must be a non-empty string/],
  ];
  for (const [bad, message] of cases) {
    const r = run([dataset([good, bad])]);
    assert.equal(r.status, 1, `${message}: exit 1`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '', 'no report');
  }
  const dir = tmpDir();
  writeFileSync(path.join(dir, 'd.json'), '{"images": []}');
  assert.match(run([path.join(dir, 'd.json')]).stderr, /at least one entry/);
  assert.equal(run([]).status, 2);
});
