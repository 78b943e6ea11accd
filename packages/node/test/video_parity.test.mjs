// Parity on video: the CLI's landmarks of a video file equal the browser's on the same decoded
// frames. The browser side is tools/landmarks.mjs --video: the worker runtime the element ships, in
// headless Chromium, given the frames as lossless RGBA PNGs that ffmpeg decoded from the same clip
// (so both sides see the same pixels; Chromium decodes the PNGs exactly). Raw landmarks (no
// smoothing: the browser tool gives no frame times). Bar: the image parity's, <= 0.001% IOD per face.
// Why the same frames and not the browser's own video decoder: a decoder rounding YUV->RGB one level
// differently moves the landmarks by far more than that bar (the second test measures it), so the
// comparison would measure the decoders, not the pipeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cli, root, tmpDir } from './helpers.mjs';
import { matchAll, mean } from './metric.mjs';
import { decodeToPngs, makeClip } from './video_clip.mjs';

test('a video file: the CLI equals the browser worker on the same decoded frames; one level of pixel noise would not', { timeout: 300_000 }, async () => {
  const dir = tmpDir();
  const clip = makeClip(path.join(dir, 'clip.mp4'));
  mkdirSync(path.join(dir, 'frames'));
  decodeToPngs(clip, path.join(dir, 'frames'));
  const pngs = readdirSync(path.join(dir, 'frames')).sort().map((f) => path.join(dir, 'frames', f));
  const browser = spawnSync(process.execPath, [path.join(root, 'tools/landmarks.mjs'), '--out', path.join(dir, 'browser'), '--video', ...pngs], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(browser.status, 0, browser.stderr);
  const node = spawnSync(process.execPath, [cli, 'landmarks', clip], { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 });
  assert.equal(node.status, 0, node.stderr);
  const frames = node.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(frames.length, pngs.length);
  let worst = 0;
  frames.forEach((frame, i) => {
    const expected = JSON.parse(readFileSync(path.join(dir, 'browser', `${path.basename(pngs[i], '.png')}.json`), 'utf8'));
    assert.equal(frame.detector_ran, expected.detector_ran, `frame ${i}: the detector ran in one and not the other`);
    const m = matchAll(expected.faces.map((f) => f.flat()), frame.faces.map((f) => f.flat()));
    assert.deepEqual([m.missed, m.extra], [0, 0], `frame ${i}`);
    worst = Math.max(worst, ...m.errors);
  });
  assert.ok(worst <= 0.001, `worst ${worst}% IOD`);
  console.log(`video parity: ${frames.length} frames, worst ${worst.toExponential(2)}% IOD`);

  // The same frames with every RGB value moved by -1, 0 or +1 (a decoder that rounds differently):
  // the bar above would catch such a difference.
  const sharp = createRequire(path.join(root, 'packages/node/package.json'))('sharp');
  mkdirSync(path.join(dir, 'nudged'));
  let seed = 1;
  const nudge = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 3) - 1;
  for (const png of pngs) {
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    for (let i = 0; i < data.length; i++) if (i % 4 !== 3) data[i] = Math.min(255, Math.max(0, data[i] + nudge()));
    await sharp(data, { raw: info }).png().toFile(path.join(dir, 'nudged', path.basename(png)));
  }
  const nudged = spawnSync(process.execPath, [cli, 'landmarks', '--out', path.join(dir, 'nudged-out'), '--video', path.join(dir, 'nudged')], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(nudged.status, 0, nudged.stderr);
  const errors = frames.flatMap((frame, i) => {
    const other = JSON.parse(readFileSync(path.join(dir, 'nudged-out', `${path.basename(pngs[i], '.png')}.json`), 'utf8'));
    return matchAll(frame.faces.map((f) => f.flat()), other.faces.map((f) => f.flat())).errors;
  });
  assert.equal(errors.length, frames.length);
  assert.ok(mean(errors) > 0.01, `one level of pixel noise moves the landmarks by ${mean(errors)}% IOD on average`);
  console.log(`one level of pixel noise: mean ${mean(errors).toFixed(4)}% IOD, worst ${Math.max(...errors).toFixed(4)}% IOD`);
});
