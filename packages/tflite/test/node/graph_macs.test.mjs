// Node tests of the MAC count (src/graph_macs.ts): hand-counted small graphs, and the three
// shipped models, whose every convolution must be counted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadSources, ROOT } from './load_sources.mjs';

const { countMacs, parseModel } = await loadSources('graph-macs', { countMacs: 'graph_macs', parseModel: 'parser/model' });

function graph(tensors, operators) {
  return {
    schemaVersion: 3, description: '', opCodes: [], inputs: [0], outputs: [],
    tensors: tensors.map((shape, index) => ({ index, name: `t${index}`, shape, type: 'FLOAT32', data: null })),
    operators: operators.map(([opName, inputs, outputs], index) => ({ index, opName, custom: false, version: 1, inputs, outputs, options: null, customOptions: {} })),
  };
}

test('convolutions, depthwise convolutions and fully connected layers count one MAC per product', () => {
  const g = graph(
    [[1, 8, 8, 3], [8, 3, 3, 3], [1, 4, 4, 8], [1, 5, 5, 8], [1, 2, 2, 8], [10, 32], [1, 10], [1, 2, 2, 8]],
    [
      ['CONV_2D', [0, 1], [2]], // 4*4*8 outputs, 3*3*3 products each
      ['DEPTHWISE_CONV_2D', [2, 3], [4]], // 2*2*8 outputs, 5*5 products each
      ['FULLY_CONNECTED', [4, 5], [6]], // 10 outputs, 32 products each
      ['ADD', [4, 4], [7]],
    ],
  );
  const macs = countMacs(g);
  assert.deepEqual(macs.byOp, { CONV_2D: 4 * 4 * 8 * 27, DEPTHWISE_CONV_2D: 2 * 2 * 8 * 25, FULLY_CONNECTED: 320 });
  assert.equal(macs.total, 3456 + 800 + 320);
  assert.equal(macs.uncounted, 1);
});

test('a convolution whose filter shape is not rank 4 is not guessed at', () => {
  const macs = countMacs(graph([[1, 4, 4, 3], [8, 3], [1, 4, 4, 8]], [['CONV_2D', [0, 1], [2]]]));
  assert.equal(macs.total, 0);
  assert.equal(macs.uncounted, 1);
});

for (const file of ['face_landmark.tflite', 'face_landmark_with_attention.tflite', 'face_detection_short_range.tflite']) {
  test(`${file}: every convolution is counted`, () => {
    const g = parseModel(readFileSync(path.join(ROOT, 'models/dist', file)));
    const macs = countMacs(g);
    const convs = g.operators.filter((op) => op.opName === 'CONV_2D' || op.opName === 'DEPTHWISE_CONV_2D').length;
    assert.ok(convs > 10);
    assert.equal(g.operators.length - macs.uncounted >= convs, true);
    assert.ok(macs.byOp.CONV_2D > 1e6 && macs.byOp.DEPTHWISE_CONV_2D > 1e5, JSON.stringify(macs));
    console.log(`${file}: ${(macs.total / 1e6).toFixed(1)} M MACs`, JSON.stringify(macs.byOp));
  });
}
