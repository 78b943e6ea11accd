#!/usr/bin/env node
// The size table in docs/frameworks.md (between <!-- element-sizes --> markers), made from the built
// packages/element/dist: every file the package ships, raw and gzip (zlib's default level), so the
// docs cannot go stale. `npm run test:consumers` checks it after packing (--check does the same).
//   node tools/size-table.mjs          rewrite the table (after npm run build)
//   node tools/size-table.mjs --check  exit 1 when it is out of date
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SIZE_TABLE_FILE = 'docs/frameworks.md';
const DIST = path.join(root, 'packages/element/dist');

/** What each shipped file is for (a file not listed here fails: the table must say what it is). */
const WHAT = {
  'face-mesh.js': 'the element, lit and comlink (minified); what a page loads',
  'define.js': 'registers the tag',
  'face-mesh.worker.js': 'the worker: pipeline, tfjs-core, tfjs-backend-wasm (minified)',
  'face-mesh.node.js': 'Node only (`node` export condition, server rendering): the element on lit\'s DOM shim',
  'define.node.js': 'Node only: the tag on the shim\'s registry',
  'face-mesh.js.LEGAL.txt': 'the licence notices of what `face-mesh.js` bundles (lit); not loaded by pages',
  'face-mesh.worker.js.LEGAL.txt': 'the licence notices of what the worker bundles (tfjs); not loaded by pages',
  'face-mesh.node.js.LEGAL.txt': 'the same for the Node build',
  'wasm/tfjs-backend-wasm-threaded-simd.wasm': 'wasm, threads + SIMD (cross-origin isolated pages)',
  'wasm/tfjs-backend-wasm-simd.wasm': 'wasm, SIMD (one thread)',
  'wasm/tfjs-backend-wasm.wasm': 'wasm, plain (browsers without SIMD)',
  'models/face_landmark_with_attention.tflite': 'the attention mesh (478 points)',
  'models/face_landmark.tflite': 'the plain mesh (`refine="false"`)',
  'models/face_detection_short_range.tflite': 'BlazeFace, the detector',
  'models/geometry_pipeline_metadata_landmarks.binarypb': 'canonical face (`overlay="mesh"`/`"texture"`, `transform`, `eyes`)',
};

const kB = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : n >= 1e3 ? `${Math.round(n / 1e3)} kB` : `${n} B`);

/** The shipped files of `dist` (source maps are not shipped: tools/pack.mjs). */
function shippedFiles(dist) {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const f = path.join(dir, e.name);
      if (e.isDirectory()) walk(f);
      else if (!e.name.endsWith('.map')) out.push(path.relative(dist, f).split(path.sep).join('/'));
    }
  };
  walk(dist);
  return out;
}

/** The markdown table for a built dist folder. */
export function sizeTable(dist = DIST) {
  const rows = shippedFiles(dist).map((file) => {
    if (!WHAT[file]) throw new Error(`tools/size-table.mjs: say what dist/${file} is (WHAT)`);
    const bytes = readFileSync(path.join(dist, file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes).length };
  });
  const order = Object.keys(WHAT);
  rows.sort((a, b) => order.indexOf(a.file) - order.indexOf(b.file));
  return [
    '| file | what | raw | gzip |',
    '|---|---|---|---|',
    ...rows.map((r) => `| \`${r.file}\` | ${WHAT[r.file]} | ${kB(r.raw)} | ${kB(r.gzip)} |`),
  ].join('\n');
}

/** `text` with the table between its markers replaced. */
export function withSizeTable(text, table) {
  const re = /(<!-- element-sizes -->\n)[\s\S]*?(<!-- \/element-sizes -->)/;
  if (!re.test(text)) throw new Error(`${SIZE_TABLE_FILE}: no <!-- element-sizes --> ... <!-- /element-sizes --> markers`);
  return text.replace(re, (_, open, close) => `${open}${table}\n${close}`);
}

/** Whether the docs' table matches `dist`; writes it unless `check`. */
export function updateSizeTable({ check = false, dist = DIST } = {}) {
  const file = path.join(root, SIZE_TABLE_FILE);
  const text = readFileSync(file, 'utf8');
  const next = withSizeTable(text, sizeTable(dist));
  if (next === text) return true;
  if (!check) writeFileSync(file, next);
  return false;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const same = updateSizeTable({ check });
  if (!same) console[check ? 'error' : 'log'](`${SIZE_TABLE_FILE}: the size table ${check ? 'is out of date: run node tools/size-table.mjs' : 'updated'}`);
  if (check && !same) process.exit(1);
}
