// node --test: hostile and broken model files are refused quickly with a ModelFormatError that says
// what is wrong, before anything large is allocated (issue #16). The files are hand-made with
// tflite_writer.mjs; a valid tiny model shows the checks do not refuse good files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSources } from './load_sources.mjs';
import { aliasedTablesModel, flexBomb, flexBombModel } from './hostile_models.mjs';
import { bytes, i8, i32, str, table, tinyModel } from './tflite_writer.mjs';

const { parseModel, checkGraph, decodeFlexBuffer, ModelFormatError } = await loadSources('parser-limits', {
  parseModel: 'parser/model', ModelFormatError: 'errors', checkGraph: 'graph_check', decodeFlexBuffer: 'parser/flexbuffer',
});

/** Throws a ModelFormatError matching `pattern`, within `ms`. */
function refused(fn, pattern, ms = 1000) {
  const t0 = performance.now();
  assert.throws(fn, (e) => e instanceof ModelFormatError && pattern.test(e.message), `expected a ModelFormatError matching ${pattern}`);
  assert.ok(performance.now() - t0 < ms, `took ${performance.now() - t0} ms`);
}

const load = (file) => checkGraph(parseModel(file));

test('the tiny model (PAD then ADD) loads and passes the plan check', () => {
  const g = parseModel(tinyModel());
  checkGraph(g);
  assert.deepEqual(g.operators.map((o) => o.opName), ['PAD', 'ADD']);
  assert.deepEqual(Array.from(g.tensors[1].data), [0, 0, 1, 1, 1, 1, 0, 0]);
});

test('FlexBuffer: vectors of the previous vector (exponential expansion) stop at the depth limit or the budget, at once', () => {
  // Sanity: 2 levels of 3 decode to [[7,7,7] x 3].
  assert.deepEqual(decodeFlexBuffer(flexBomb(2, 3)), [[7, 7, 7], [7, 7, 7], [7, 7, 7]]);
  for (const [levels, width] of [[40, 2], [12, 6], [6, 20]]) {
    const t0 = performance.now();
    assert.throws(() => decodeFlexBuffer(flexBomb(levels, width)), /nested deeper|far more values/, `${levels} levels of ${width}`);
    assert.ok(performance.now() - t0 < 500, `${levels}x${width}: ${performance.now() - t0} ms`);
  }
});

test('FlexBuffer bomb inside a model: model-level error, within a second', () => {
  const file = flexBombModel();
  refused(() => parseModel(file), /corrupt FlexBuffer/);
});

test('aliased tables: thousands of tensor entries pointing at one tensor with a 16 KB constant are refused, not copied each time', () => {
  const file = aliasedTablesModel();
  assert.ok(file.length < 64 * 1024, `file is ${file.length} bytes`);
  const before = process.memoryUsage().arrayBuffers;
  refused(() => parseModel(file), /refers to the same data over and over/);
  // Old behaviour: 4000 copies of 16 KB (64 MB) were allocated.
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 1024 * 1024);
});

test('aliased constants within the budget are decoded once and shared', () => {
  const file = tinyModel((p) => {
    p.tensors.push({ shape: [1], type: 0, buffer: 2, name: 'half again' });
  });
  const g = parseModel(file);
  assert.equal(g.tensors[5].data, g.tensors[3].data);
});

test('tensor indices below -1, and out-of-range graph inputs/outputs, are format errors', () => {
  refused(() => parseModel(tinyModel((p) => { p.ops[0].inputs = [-5, 1]; })), /operator 0 \(PAD\) input refers to tensor -5/);
  refused(() => parseModel(tinyModel((p) => { p.ops[1].outputs = [-1]; })), /operator 1 \(ADD\) output refers to tensor -1/);
  refused(() => parseModel(tinyModel((p) => { p.inputs = [99]; })), /a graph input refers to tensor 99/);
  refused(() => parseModel(tinyModel((p) => { p.outputs = [-2]; })), /a graph output refers to tensor -2/);
  refused(() => parseModel(tinyModel((p) => { p.tensors[2].shape = [1, -7, 6, 1]; })), /dimension -7 is out of range/);
  refused(() => parseModel(tinyModel((p) => { p.tensors[2].buffer = 40; })), /missing buffer 40/);
});

test('op order: an operator reading a tensor no earlier operator produced', () => {
  refused(() => load(tinyModel((p) => { p.ops.reverse(); })), /operator #0 \(ADD\) reads tensor 2 \(padded\), which no earlier operator produces/);
  refused(() => load(tinyModel((p) => { p.ops[1].outputs = [2]; })), /writes tensor 2 \(padded\), which is a constant, a graph input or another operator's output/);
  refused(() => load(tinyModel((p) => { p.outputs = [2, 1, 4, 3]; p.tensors[4].shape = [1, 6, 6, 1]; p.ops.pop(); })), /graph output tensor 4 \(y\) is never computed/);
});

test('PAD: negative, huge or misshapen paddings are refused before a kernel sees them', () => {
  refused(() => load(tinyModel((p) => { p.paddings = [0, 0, -3, 1, 1, 1, 0, 0]; })), /padding -3 of dimension 1 is out of range/);
  refused(() => load(tinyModel((p) => { p.paddings = [0, 0, 1, 1, 1, 1, 0, 2e9]; })), /padding 2000000000 of dimension 3/);
  refused(() => load(tinyModel((p) => { p.tensors[1].shape = [2, 4]; })), /paddings must be a constant \[4,2\]/);
  // Valid paddings that disagree with the declared output shape.
  refused(() => load(tinyModel((p) => { p.paddings = [0, 0, 2, 2, 1, 1, 0, 0]; })), /declared \[1,6,6,1\] but its inputs and parameters make \[1,8,6,1\]/);
  // Consistent but enormous: 4 x 4096 x 4096 x 1 = 67 M values.
  refused(() => load(tinyModel((p) => {
    p.paddings = [0, 3, 0, 4092, 0, 4092, 0, 0];
    p.tensors[2].shape = [4, 4096, 4096, 1];
    p.tensors[4].shape = [4, 4096, 4096, 1];
  })), /has 67108864 values; the limit is 16777216/);
});

/** The tiny model with its ADD replaced by TransformTensorBilinear (custom v2) with these options. */
function bilinear(outputHeight, outputWidth, declared) {
  // FlexBuffer map {output_height, output_width} with 4-byte values.
  const keys = ['output_height', 'output_width'];
  const out = [];
  const keyAt = keys.map((k) => { const at = out.length; out.push(...new TextEncoder().encode(k), 0); return at; });
  while (out.length % 4) out.push(0);
  const u32le = (v) => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255];
  const keysVec = out.length + 4;
  out.push(...u32le(2), ...u32le(keysVec - keyAt[0]), ...u32le(keysVec + 4 - keyAt[1]));
  const prefix = out.length; // [keys offset][keys width][len] then the values
  out.push(...u32le(prefix - keysVec), ...u32le(4), ...u32le(2));
  const values = out.length;
  out.push(...u32le(outputHeight), ...u32le(outputWidth), 1 << 2 | 2, 1 << 2 | 2);
  out.push(...u32le(out.length - values), (9 << 2) | 2, 4); // root: 4-byte offset back to the map, MAP, width 4
  return tinyModel((p) => {
    p.opcodes = [table([i8(34), null, i32(1), i32(34)]), table([i8(32), str('TransformTensorBilinear'), i32(2), i32(32)])];
    p.tensors.push({ shape: [1, 4, 4], type: 0, buffer: 3, name: 'matrix' });
    p.extraBuffers = [table([bytes(new Uint8Array(Float32Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1).buffer))])];
    p.tensors[4].shape = declared;
    p.ops[1] = { opcode: 1, inputs: [2, 5], outputs: [4], custom: Uint8Array.from(out) };
  });
}

test('custom op output sizes from the file: checked against the declared shape and the size limit', () => {
  const ok = parseModel(bilinear(16, 16, [1, 16, 16, 1]));
  assert.deepEqual(ok.operators[1].customOptions, { output_height: 16, output_width: 16 });
  checkGraph(ok);
  refused(() => load(bilinear(16, 1 << 20, [1, 16, 16, 1])), /declared \[1,16,16,1\] but its inputs and parameters make \[1,16,1048576,1\]/);
  refused(() => load(bilinear(1 << 13, 1 << 13, [1, 8192, 8192, 1])), /has 67108864 values/);
  refused(() => load(bilinear(0, 16, [1, 0, 16, 1])), /output_height.*must be an integer >= 1/);
});

test('Landmarks2TransformMatrix indices beyond the landmarks are refused at load', () => {
  // Checked through the plan rules on a graph object (the FlexBuffer side is covered above).
  const g = {
    schemaVersion: 3, description: '', opCodes: [], inputs: [0], outputs: [1],
    tensors: [{ index: 0, name: 'lm', shape: [1, 10, 3], type: 'FLOAT32', data: null }, { index: 1, name: 'm', shape: [1, 4, 4], type: 'FLOAT32', data: null }],
    operators: [{ index: 0, opName: 'Landmarks2TransformMatrix', custom: true, version: 2, inputs: [0], outputs: [1], options: null,
      customOptions: { subset_idxs: [1, 2, 300], left_rotation_idx: 0, right_rotation_idx: 1, output_height: 4, output_width: 4, scale_x: 1, scale_y: 1 } }],
  };
  refused(() => checkGraph(g), /subset_idxs 300 is out of range for 10 landmarks/);
  g.operators[0].customOptions.subset_idxs = [1, 2, 9];
  checkGraph(g);
});
