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
  await assert.rejects(FaceMesh.create({ models: path.join(dir, 'nowhere') }), { code: 'model-load-failed', message: /nowhere\/face_detection_short_range\.tflite/ });
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
