// The programmatic API's edges: decoding (EXIF orientation, truncated files, huge images) and model
// files that are missing or broken, each with its stable code and a message naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { dist, root, sample, tmpDir } from './helpers.mjs';

const { FaceMesh, FaceMeshPool, decodeImage } = await import(path.join(dist, 'index.js'));

test('decodeImage: EXIF orientation applied, RGBA bytes', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'rotated.jpg');
  // 40x20 pixels stored, orientation 6 (rotate 90 degrees clockwise to display): 20x40 shown.
  await sharp({ create: { width: 40, height: 20, channels: 3, background: '#ff0000' } }).jpeg().withMetadata({ orientation: 6 }).toFile(file);
  const frame = await decodeImage(file);
  assert.deepEqual([frame.width, frame.height, frame.data.length], [20, 40, 20 * 40 * 4]);
  assert.ok(frame.data[0] > 240 && frame.data[1] < 16 && frame.data[3] === 255, 'red, opaque');
});

test('decodeImage: a truncated JPEG, a file that is no image, a missing file, a huge image', async () => {
  const dir = tmpDir();
  const cut = path.join(dir, 'cut.jpg');
  const bytes = readFileSync(sample('sample2'));
  writeFileSync(cut, bytes.subarray(0, bytes.length >> 1));
  await assert.rejects(decodeImage(cut), { code: 'not-an-image', message: /cut\.jpg: the image is damaged or truncated/ });
  await assert.rejects(decodeImage(path.join(root, 'package.json')), { code: 'not-an-image', message: /package\.json: not an image/ });
  await assert.rejects(decodeImage(path.join(dir, 'none.png')), { code: 'unreadable', message: /none\.png: cannot read it \(no such file\)/ });
  const huge = path.join(dir, 'huge.png');
  await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#000' } }).png({ compressionLevel: 1 }).toFile(huge);
  await assert.rejects(decodeImage(huge), { code: 'frame-too-large', message: /huge\.png: 8000x6000 \(48\.0 MP\) is over the 40 MP limit/ });
});

test('models missing or broken: model-load-failed naming the file, in this thread and in the pool', { timeout: 60_000 }, async () => {
  const dir = tmpDir();
  await assert.rejects(FaceMesh.create({ models: path.join(dir, 'nowhere') }), { code: 'model-load-failed', message: /nowhere\/face_(detection_short_range|landmark_with_attention)\.tflite/ });
  const models = path.join(root, 'models/dist');
  copyFileSync(path.join(models, 'face_detection_short_range.tflite'), path.join(dir, 'face_detection_short_range.tflite'));
  writeFileSync(path.join(dir, 'face_landmark_with_attention.tflite'), readFileSync(path.join(models, 'face_landmark_with_attention.tflite')).subarray(0, 100_000));
  await assert.rejects(FaceMeshPool.create({ workers: 2, models: dir }), { code: 'model-load-failed', message: /face_landmark_with_attention\.tflite \(100000 bytes\) is not a usable TFLite file/ });
});

test('FaceMesh: the plain 468-point model with refine: false, options validated', { timeout: 60_000 }, async () => {
  const mesh = await FaceMesh.create({ refine: false, staticImageMode: true });
  try {
    const result = await mesh.processFile(sample('sample2'));
    assert.equal(result.faces.length, 1);
    assert.equal(result.faces[0].landmarks.length, 468 * 3);
    assert.throws(() => mesh.setOptions({ maxFaces: 0 }), /maxFaces must be a positive integer/);
    assert.equal(mesh.setOptions({ maxFaces: 3 }).maxFaces, 3);
  } finally {
    mesh.dispose();
  }
});

test('FaceMeshPool: a thread that dies fails only its image, is replaced, and the rest go on', { timeout: 60_000 }, async () => {
  const pool = await FaceMeshPool.create({ workers: 2, maxFaces: 2 });
  try {
    const first = pool.detect(sample('sample2'));
    const second = pool.detect(sample('sample3'));
    // White-box: end the thread holding the first image, as a crash would (the pool sees an exit).
    const victim = pool.slots.find((slot) => slot.task?.file === sample('sample2'));
    assert.ok(victim, 'the first image is in a thread');
    await victim.worker.terminate();
    await assert.rejects(first, { code: 'worker-crashed', message: /sample2\.jpg: the worker thread processing it exited/ });
    assert.equal((await second).faces.length, 2, 'the other thread finished its image');
    const after = await Promise.all([pool.detect(sample('sample2')), pool.detect(sample('sample3'))]);
    assert.deepEqual(after.map((r) => r.faces.length), [1, 2], 'images after the crash are processed');
    // The replacement loads its models in the background (the survivor kept working meanwhile).
    for (let waited = 0; pool.size < 2 && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.equal(pool.size, 2, 'the dead thread was replaced');
    assert.equal((await pool.run(sample('sample3'), [{ kind: 'still' }, { kind: 'still' }])).length, 2);
  } finally {
    await pool.close();
  }
});
