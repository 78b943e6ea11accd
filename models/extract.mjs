#!/usr/bin/env node
// Extracts the model files we run from the pinned, Apache-2.0 @mediapipe npm packages and checks each
// against the SHA-256 committed in models/checksums.json. Runs on `npm install` (root postinstall).
// Nothing here touches the network: the packages are already in node_modules.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** `--out DIR` and `--checksums FILE` override the defaults (models/dist, models/checksums.json). */
function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? path.resolve(process.argv[i + 1]) : fallback;
}

function fail(message) {
  console.error(`\nface-mesh models: ${message}\n`);
  process.exit(1);
}

/** Directory of an installed package, or a clear failure naming the package and version to install. */
function packageDir(name, version) {
  let pkgJson;
  try {
    pkgJson = require.resolve(`${name}/package.json`);
  } catch {
    fail(`the package ${name}@${version} is not installed. Run \`npm install\` at the repository root ` +
      `(it is a pinned devDependency; the model files are extracted from it).`);
  }
  const found = JSON.parse(readFileSync(pkgJson, 'utf8')).version;
  if (found !== version) fail(`${name} is ${found}, but the checksums are for ${version}. Run \`npm ci\`.`);
  return path.dirname(pkgJson);
}

/**
 * The packed-assets loader is emscripten's file_packager output: one `loadPackage({"files": [...]})`
 * call listing every file's [start, end) byte range in the .data file. Read the ranges from it.
 */
export function readPackedIndex(loaderSource) {
  const m = loaderSource.match(/loadPackage\((\{"files":[\s\S]*?\})\);/);
  if (!m) throw new Error('no loadPackage({"files": ...}) call in the packed-assets loader');
  const meta = JSON.parse(m[1]);
  return new Map(meta.files.map((f) => [path.posix.basename(f.filename), { start: f.start, end: f.end }]));
}

function sha256(buf) {
  return createHash('sha256').update(buf).digest('hex');
}

function main() {
const outDir = option('--out', path.join(here, 'dist'));
const checksums = JSON.parse(readFileSync(option('--checksums', path.join(here, 'checksums.json')), 'utf8'));
const sources = new Map();
for (const [file, spec] of Object.entries(checksums.files)) {
  const dir = packageDir(spec.package, checksums.packages[spec.package]);
  let bytes;
  if (spec.packed) {
    const key = `${dir}|${spec.packed}`;
    if (!sources.has(key)) {
      const loader = readFileSync(path.join(dir, spec.packed.loader), 'utf8');
      sources.set(key, { index: readPackedIndex(loader), data: readFileSync(path.join(dir, spec.packed.data)) });
    }
    const { index, data } = sources.get(key);
    const range = index.get(file);
    if (!range) fail(`${file} is not listed in ${spec.package}/${spec.packed.loader}.`);
    if (range.end > data.length) fail(`${spec.package}/${spec.packed.data} is truncated (${data.length} bytes, ${file} ends at ${range.end}). Reinstall it: \`rm -rf node_modules && npm ci\`.`);
    bytes = data.subarray(range.start, range.end);
  } else {
    bytes = readFileSync(path.join(dir, file));
  }
  const digest = sha256(bytes);
  if (digest !== spec.sha256) {
    fail(`${file} from ${spec.package} has SHA-256 ${digest}, expected ${spec.sha256}. ` +
      `The package content is not the pinned release; reinstall with \`npm ci\`.`);
  }
  if (bytes.length !== spec.bytes) fail(`${file} is ${bytes.length} bytes, expected ${spec.bytes}.`);
  mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, file);
  if (!existsSync(out) || sha256(readFileSync(out)) !== digest) writeFileSync(out, bytes);
}
console.log(`face-mesh models: ${Object.keys(checksums.files).length} files verified in ${path.relative(process.cwd(), outDir) || '.'}`);
}

// Importable (for readPackedIndex) without running.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
