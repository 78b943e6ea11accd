// node --test: thousands of mutated copies of each real model (byte flips, truncations, rewritten
// offsets and lengths, duplicated references, spliced regions) through the parser, the plan check
// and the executor's plan compiler (on tfjs' CPU backend: compiling uploads constants but runs no
// kernel). Each copy must either load or fail with a format error (ModelFormatError, or
// UnsupportedOpError for an op or option we do not run), never anything else, within a time and
// memory bound. Loaded copies are compared with the original: identical, or different only in
// constant values or names (a flipped weight byte is a valid model: only the checksum catches that),
// or structurally different but consistent.
//
// Replay: FUZZ_SEED=<seed> (default: the committed SEED) FUZZ_SCALE=<factor> node --test <this file>.
// A failure names the file, the seed and the mutation index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadSources, ROOT } from './load_sources.mjs';

const SEED = Number(process.env.FUZZ_SEED ?? 0x16f00d);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
/** Mutations per file (the detector is the cheapest to parse and compile). */
const FILES = [
  ['face_detection_short_range.tflite', 3000],
  ['face_landmark.tflite', 2000],
  ['face_landmark_with_attention.tflite', 2000],
];
/** Per mutated copy: parse + plan check + compile. */
const MAX_MS = 1000;
/** Per mutated copy: JS heap + ArrayBuffer growth while its graph and plan are alive. */
const maxBytes = (fileBytes) => 8 * fileBytes + (32 << 20);

const quiet = console.warn;
console.warn = () => {}; // tfjs' "install tfjs-node" hint
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-cpu');
await tf.setBackend('cpu');
console.warn = quiet;

const { parseModel, ModelFormatError, checkGraph, Executor, UnsupportedOpError, FlatBufferReader } = await loadSources('model-fuzz', {
  parseModel: 'parser/model', ModelFormatError: 'errors', checkGraph: 'graph_check', Executor: 'executor',
  UnsupportedOpError: 'errors', FlatBufferReader: 'parser/flatbuffer',
});

/** mulberry32: small, seedable, good enough to pick bytes. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Byte ranges holding constant data (Model.buffers[i].data): most of the file, but not structure. */
function dataRanges(bytes) {
  const fb = new FlatBufferReader(bytes);
  return fb.tableVector(fb.root(), 4, 'buffers').map((b) => fb.byteVector(b, 0, 'data')).filter((d) => d && d.byteLength > 0)
    .map((d) => [d.byteOffset - bytes.byteOffset, d.byteOffset - bytes.byteOffset + d.byteLength]);
}

/** Offsets of aligned u32 words outside the constant data: where the tables, vtables and offsets are. */
function structureWords(bytes) {
  const ranges = dataRanges(bytes).sort((a, b) => a[0] - b[0]);
  const words = [];
  let r = 0;
  for (let o = 0; o + 4 <= bytes.length; o += 4) {
    while (r < ranges.length && ranges[r][1] <= o) r++;
    if (r < ranges.length && o >= ranges[r][0]) continue;
    words.push(o);
  }
  return words;
}

const KINDS = ['flip', 'flipStructure', 'truncate', 'offset', 'length', 'duplicateRef', 'splice'];

function mutate(original, words, rand) {
  const pick = (n) => Math.floor(rand() * n);
  const kind = KINDS[pick(KINDS.length)];
  let b = original.slice();
  const view = () => new DataView(b.buffer);
  const word = () => words[pick(words.length)];
  switch (kind) {
    case 'flip': // anywhere (mostly weights)
      for (let i = 1 + pick(8); i > 0; i--) b[pick(b.length)] ^= 1 << pick(8);
      break;
    case 'flipStructure':
      for (let i = 1 + pick(4); i > 0; i--) b[word() + pick(4)] = pick(256);
      break;
    case 'truncate':
      b = b.slice(0, pick(b.length));
      break;
    case 'offset': { // an offset or index rewritten: small, huge, negative, to the end, nearby
      const o = word();
      const v = view().getUint32(o, true);
      const choices = [0, 1, 4, 0xffffffff, 0x7fffffff, 0x80000000, b.length - o, b.length - o - 4, v + 4, v - 4, v * 2, pick(b.length)];
      view().setUint32(o, choices[pick(choices.length)] >>> 0, true);
      break;
    }
    case 'length': { // a vector length or string size rewritten
      const o = word();
      const choices = [0, 1, 2, 3, 1000, 65535, 1 << 20, 0x3fffffff, 0xffffffff, view().getUint32(o, true) + 1];
      view().setUint32(o, choices[pick(choices.length)] >>> 0, true);
      break;
    }
    case 'duplicateRef': { // an offset made to point where another one points (aliased tables)
      const v = view();
      for (let tries = 0; tries < 50; tries++) {
        const from = word(), to = word();
        const target = to + v.getUint32(to, true);
        if (from !== to && target > from && target < b.length && target % 4 === 0) {
          v.setUint32(from, target - from, true);
          break;
        }
      }
      break;
    }
    case 'splice': { // a structure region copied over another
      const from = word(), to = word();
      const n = 4 * (1 + pick(32));
      b.copyWithin(to, from, Math.min(from + n, b.length));
      break;
    }
  }
  return { bytes: b, kind };
}

const sameBytes = (a, b) => a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** 'identical', 'constants' (same structure; constant values or names differ) or 'structure'. */
function compare(g, o) {
  const shape = (x) => JSON.stringify([x.opCodes, x.inputs, x.outputs, x.tensors.map((t) => [t.shape, t.type, t.data === null]),
    x.operators.map((op) => [op.opName, op.custom, op.version, op.inputs, op.outputs, op.options, op.customOptions])]);
  if (shape(g) !== shape(o)) return 'structure';
  const same = g.tensors.every((t, i) => t.name === o.tensors[i].name && (t.data === null || sameBytes(t.data, o.tensors[i].data)));
  return same && g.description === o.description && g.schemaVersion === o.schemaVersion ? 'identical' : 'constants';
}

const memory = () => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };

for (const [file, count] of FILES) {
  test(`fuzz ${file}`, { timeout: 120_000 }, () => {
    const buf = readFileSync(path.join(ROOT, 'models/dist', file));
    const original = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    const reference = parseModel(original);
    checkGraph(reference);
    const words = structureWords(original);
    const seed = (SEED ^ [...file].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7)) >>> 0;
    const rand = rng(seed);
    const counts = { mutations: 0, identical: 0, constants: 0, structure: 0, formatErrors: 0, unsupported: 0 };
    const byKind = {};
    let maxMs = 0, maxGrowth = 0;
    const n = Math.round(count * SCALE);
    for (let i = 0; i < n; i++) {
      const { bytes, kind } = mutate(original, words, rand);
      const where = `${file} seed ${SEED} mutation ${i} (${kind})`;
      const before = memory();
      const t0 = performance.now();
      let outcome;
      let executor = null;
      try {
        const g = parseModel(bytes);
        executor = new Executor(g);
        outcome = compare(g, reference);
      } catch (e) {
        if (e instanceof ModelFormatError) outcome = 'formatErrors';
        else if (e instanceof UnsupportedOpError) outcome = 'unsupported';
        else assert.fail(`${where}: threw ${e?.name}: ${e?.message}\n${e?.stack}`);
      }
      const ms = performance.now() - t0;
      const growth = memory() - before;
      executor?.dispose();
      assert.ok(ms < MAX_MS, `${where}: took ${ms.toFixed(0)} ms`);
      assert.ok(growth < maxBytes(original.length), `${where}: memory grew by ${(growth / 1e6).toFixed(1)} MB`);
      maxMs = Math.max(maxMs, ms);
      maxGrowth = Math.max(maxGrowth, growth);
      counts.mutations++;
      counts[outcome]++;
      (byKind[kind] ??= {})[outcome] = (byKind[kind][outcome] ?? 0) + 1;
    }
    assert.equal(tf.memory().numTensors, 0, 'every compiled plan was disposed');
    // Each kind must have produced both loads and refusals somewhere, or the fuzzer is not reaching the parser.
    assert.ok(counts.formatErrors > 0 && counts.identical + counts.constants > 0);
    console.log(`fuzz ${file} (${original.length} bytes, seed ${SEED}): ${JSON.stringify(counts)}; max ${maxMs.toFixed(0)} ms, max memory growth ${(maxGrowth / 1e6).toFixed(1)} MB per copy`);
    console.log(`  by kind: ${JSON.stringify(byKind)}`);
  });
}
