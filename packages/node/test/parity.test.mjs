// The Node pipeline against the browser's (the same runtime in headless Chromium, images decoded by
// Chromium) and against Google's @mediapipe/face_mesh, on the sample photos, from committed
// fixtures (fixtures/make_fixtures.mjs says how they were made). Bars: Node = browser within
// 0.001% IOD per face; against Google the browser parity test's bars (mean <= 0.05%, worst <= 0.2%,
// no face missed or extra).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { browserFixture, dist, googleFixture, sample } from './helpers.mjs';
import { matchAll, mean } from './metric.mjs';

const { FaceMesh, FaceMeshPool } = await import(path.join(dist, 'index.js'));
const faces = (result) => result.faces.map((f) => f.landmarks);

test('static: Node = browser (<= 0.001% IOD per face) and Google within the parity bars', { timeout: 60_000 }, async () => {
  const mesh = await FaceMesh.create({ maxFaces: 10, staticImageMode: true });
  const toBrowser = [];
  const toGoogle = [];
  try {
    assert.equal(mesh.mode.binary, 'simd');
    for (const [name, expected] of Object.entries(browserFixture.static)) {
      const result = await mesh.processFile(sample(name));
      assert.deepEqual([result.width, result.height], [expected.width, expected.height], name);
      assert.equal(result.faces.length, expected.faces.length, `${name}: as many faces as in the browser`);
      const b = matchAll(expected.faces, faces(result));
      assert.deepEqual([b.missed, b.extra], [0, 0], `${name}: the browser's faces`);
      toBrowser.push(...b.errors);
      const g = matchAll(googleFixture[name].faces, faces(result));
      assert.deepEqual([g.missed, g.extra], [0, 0], `${name}: Google's faces`);
      toGoogle.push(...g.errors);
    }
  } finally {
    mesh.dispose();
  }
  console.log(`Node vs browser: ${toBrowser.length} faces, mean ${mean(toBrowser).toExponential(2)}% IOD, worst ${Math.max(...toBrowser).toExponential(2)}%`);
  console.log(`Node vs Google: ${toGoogle.length} faces, mean ${mean(toGoogle).toFixed(5)}% IOD, worst ${Math.max(...toGoogle).toFixed(5)}%`);
  assert.equal(toBrowser.length, 10);
  assert.ok(Math.max(...toBrowser) <= 0.001, 'every face within 0.001% IOD of the browser');
  assert.ok(mean(toGoogle) <= 0.05 && Math.max(...toGoogle) <= 0.2);
});

test('tracking and reacquisition in worker threads: Node = browser (<= 0.001% IOD per face)', { timeout: 60_000 }, async () => {
  const { maxFaces, frames, tracking, reacquisition } = browserFixture.evaluation;
  const pool = await FaceMeshPool.create({ workers: 2, maxFaces, smoothing: false });
  const errors = [];
  try {
    await Promise.all(Object.keys(tracking).map(async (name) => {
      const [still, tracked] = await pool.run(sample(name), [{ kind: 'still' }, { kind: 'track', frames }]);
      for (const [result, expected, what] of [[still, reacquisition[name], 'reacquisition'], [tracked, tracking[name], 'tracking']]) {
        assert.equal(result.faces.length, expected.faces.length, `${name} ${what}: as many faces as in the browser`);
        const m = matchAll(expected.faces, faces(result));
        assert.deepEqual([m.missed, m.extra], [0, 0], `${name} ${what}`);
        errors.push(...m.errors);
      }
      // From the second frame on the crop comes from the landmarks, not the detector.
      if (tracked.faces.length) assert.equal(tracked.detectorRan, tracked.faces.length < maxFaces, `${name}: the detector runs only while fewer than maxFaces are tracked`);
    }));
  } finally {
    await pool.close();
  }
  console.log(`Node vs browser, tracking + reacquisition: ${errors.length} faces, worst ${Math.max(...errors).toExponential(2)}% IOD`);
  assert.ok(errors.length >= 6);
  assert.ok(Math.max(...errors) <= 0.001);
});
