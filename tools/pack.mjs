#!/usr/bin/env node
// `npm run pack`: the publishable tarballs, in packed/.
//
//   @face-mesh/element   the element's dist (face-mesh.js, define.js, face-mesh.worker.js, wasm/,
//                        models/; the Node builds face-mesh.node.js and define.node.js behind the
//                        `node` export condition, for server rendering), its typings (with the worker-runtime's and geometry's types it
//                        refers to, made relative), custom-elements.json, README, LICENSE, NOTICE.
//                        The worker runtime (and the geometry and tfjs it uses) is bundled into
//                        face-mesh.worker.js: it is the element's private half, always the same
//                        version, so it is not a package of its own.
//   @face-mesh/geometry  the pure-math library (no DOM, no tfjs), compiled by tsc: ESM + .d.ts.
//   @face-mesh/node      the Node pipeline and the face-mesh CLI: its esbuild dist (the worker
//                        runtime and geometry bundled in; tfjs, sharp, fast-glob as dependencies),
//                        the bin launcher and the model files in models/, where dist/ looks first.
//                        No typings yet.
//
// The workspace package.json files point `exports` at src/*.ts (the dev server, the tests and tsc
// rely on that); the published ones are written here into a staging folder (.pack/<name>/), next to
// copies of the files, and `npm pack` runs there.
//
// Source maps are not packed: with their sources inlined they were 2.8 MB of the element's 4.8 MB
// tarball, and without them they would point at src/ files the tarball does not have. The
// published code is this repository's at the package's version (`repository`), and error messages
// carry stable codes (docs/errors.md). `npm run build` still writes them for this repository's tests.
//
// The root package.json's `repository` gives each package `repository`, `homepage` and `bugs`, and
// turns the READMEs' relative links into links to the repository (npm shows READMEs out of it).
//
// node tools/pack.mjs [--skip-build]   (without --skip-build it runs `npm run build` first)
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FRAMEWORK_TYPINGS } from './framework-typings.mjs';
import { defaults } from './ts-module.mjs';

const { MODEL_FILES } = await defaults();

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAGE = path.join(root, '.pack');
const OUT = path.join(root, 'packed');
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
const readJson = (f) => JSON.parse(readFileSync(f, 'utf8'));
/** The exact installed version of a dependency (everything is pinned). */
const version = (name) => lock.packages[`node_modules/${name}`]?.version ?? fail(`${name} is not in package-lock.json`);
function fail(message) {
  throw new Error(message);
}

/** The repository's web address (root package.json `repository`), or null when it has none. */
const repositoryWeb = (() => {
  const repo = readJson(path.join(root, 'package.json')).repository;
  const url = typeof repo === 'string' ? repo : repo?.url;
  return url ? url.replace(/^git\+/, '').replace(/\.git$/, '') : null;
})();
if (!repositoryWeb) console.warn('pack: the root package.json has no `repository`: the tarballs get no repository/homepage/bugs, and their READMEs\' relative links stay relative (broken on npm)');

const COMMON = {
  license: 'Apache-2.0',
  type: 'module',
  keywords: ['face', 'face-mesh', 'landmarks', 'mediapipe', 'web-component', 'custom-element', 'tfjs', 'wasm', 'webworker'],
};

/** Declaration files reachable from `entries`, with bare workspace specifiers rewritten to relative paths. */
function collectTypes(typesRoot, entries, aliases, allowedBare) {
  const seen = new Map();
  const queue = [...entries];
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    if (!existsSync(file)) fail(`missing declaration file ${file}`);
    let text = readFileSync(file, 'utf8');
    text = text.replace(/(from\s+|import\s*\(\s*|import\s+)(['"])([^'"]+)\2/g, (whole, pre, q, spec) => {
      let target = spec;
      if (aliases[spec]) {
        target = path.relative(path.dirname(file), aliases[spec]).split(path.sep).join('/');
        if (!target.startsWith('.')) target = `./${target}`;
      } else if (!spec.startsWith('.')) {
        if (!allowedBare.includes(spec)) fail(`${path.relative(typesRoot, file)} imports '${spec}', which the published typings cannot resolve`);
        return whole;
      }
      const resolved = path.resolve(path.dirname(file), target).replace(/\.js$/, '.d.ts');
      queue.push(resolved);
      return `${pre}${q}${target}${q}`;
    });
    seen.set(file, text);
  }
  return seen;
}

/**
 * A package's typings under `${dir}/dist/types/`: tsc emits the package's declarations and those of
 * the worker-runtime/tflite/geometry files they refer to (its tsconfig.build.json maps the workspace names
 * to their sources); only the files reachable from the entries are kept, with the workspace imports
 * made relative. `allowedBare`: the packages the typings may import (the tarball's dependencies);
 * `runtimeTypes`: the worker-runtime module that `@face-mesh/worker-runtime` stands for.
 */
function stageTypes(pkg, entries, allowedBare, dir, runtimeTypes = 'types') {
  const emitted = path.join(STAGE, `tsc-${pkg}`);
  rmSync(emitted, { recursive: true, force: true });
  run('npx', ['tsc', '-p', `packages/${pkg}/tsconfig.build.json`, '--outDir', emitted]);
  const files = collectTypes(
    emitted,
    entries.map((e) => path.join(emitted, `${pkg}/src/${e}.d.ts`)),
    {
      '@face-mesh/worker-runtime': path.join(emitted, `worker-runtime/src/${runtimeTypes}.js`),
      '@face-mesh/worker-runtime/defaults': path.join(emitted, 'worker-runtime/src/defaults.js'),
      '@face-mesh/worker-runtime/startup': path.join(emitted, 'worker-runtime/src/startup.js'),
      '@face-mesh/worker-runtime/frame-budget': path.join(emitted, 'worker-runtime/src/stream/frame_budget.js'),
      '@face-mesh/geometry': path.join(emitted, 'geometry/src/index.js'),
      '@face-mesh/tflite/types': path.join(emitted, 'tflite/src/types.js'),
    },
    allowedBare,
  );
  for (const [file, text] of files) {
    const rel = path.relative(emitted, file).replace(`${path.sep}src${path.sep}`, path.sep);
    const to = path.join(dir, 'dist/types', rel);
    mkdirSync(path.dirname(to), { recursive: true });
    // Relative imports lose the `src/` level on both sides, so they stay right, except across packages.
    writeFileSync(to, text.replace(/(['"])\.\.\/((?:\.\.\/)*)([a-z-]+)\/src\//g, '$1$2$3/'));
  }
}

/** The package fields that point at the repository (`folder`: the package's folder in it). */
function repositoryFields(folder) {
  if (!repositoryWeb) return {};
  return {
    repository: { type: 'git', url: `git+${repositoryWeb}.git`, directory: folder },
    homepage: `${repositoryWeb}/tree/HEAD/${folder}#readme`,
    bugs: { url: `${repositoryWeb}/issues` },
  };
}

/** A package README for npm: its relative links (from `folder`) made links into the repository. */
function copyReadme(folder, to) {
  const text = readFileSync(path.join(root, folder, 'README.md'), 'utf8');
  const out = !repositoryWeb ? text : text.replace(/\]\((?!https?:|#|mailto:)([^)\s]+)\)/g, (_, link) => {
    const target = path.posix.normalize(path.posix.join(folder, link));
    if (target.startsWith('..')) fail(`${folder}/README.md links outside the repository: ${link}`);
    return `](${repositoryWeb}/blob/HEAD/${target})`;
  });
  writeFileSync(to, out);
}

function writePackage(dir, pkg) {
  for (const k of Object.keys(pkg)) if (pkg[k] === undefined) delete pkg[k];
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
}

function npmPack(dir) {
  const out = run('npm', ['pack', '--json', '--pack-destination', OUT], dir);
  const [info] = JSON.parse(out);
  return { file: path.join(OUT, info.filename), size: info.size, unpackedSize: info.unpackedSize, entryCount: info.entryCount };
}

function stageElement() {
  const src = path.join(root, 'packages/element');
  const dist = path.join(src, 'dist');
  const dir = path.join(STAGE, 'element');
  const srcPkg = readJson(path.join(src, 'package.json'));
  for (const f of ['face-mesh.js', 'define.js', 'face-mesh.worker.js', 'wasm', 'models']) {
    if (!existsSync(path.join(dist, f))) fail(`packages/element/dist/${f} is missing: run npm run build`);
  }
  mkdirSync(dir, { recursive: true });
  cpSync(dist, path.join(dir, 'dist'), { recursive: true, filter: (f) => !f.includes(`${path.sep}types`) && !f.endsWith('.map') });

  stageTypes('element', ['index', 'define'], ['lit', 'comlink'], dir);

  // The manifest's modules describe the dist file that exports the class and the events.
  const manifest = readJson(path.join(src, 'custom-elements.json'));
  const merged = { path: 'dist/face-mesh.js', kind: 'javascript-module', declarations: [], exports: [] };
  for (const m of manifest.modules) {
    merged.declarations.push(...(m.declarations ?? []));
    merged.exports.push(...(m.exports ?? []).map((e) => ({ ...e, declaration: { ...e.declaration, module: 'dist/face-mesh.js' } })));
  }
  writeFileSync(path.join(dir, 'custom-elements.json'), `${JSON.stringify({ ...manifest, modules: [merged] }, null, 2)}\n`);
  // React 19 JSX, Vue and Svelte typings, generated from the manifest (tools/framework-typings.mjs).
  for (const [name, typings] of Object.entries(FRAMEWORK_TYPINGS)) writeFileSync(path.join(dir, `dist/types/element/${name}.d.ts`), typings(manifest));

  copyReadme('packages/element', path.join(dir, 'README.md'));
  for (const f of ['LICENSE', 'NOTICE']) copyFileSync(path.join(root, f), path.join(dir, f));

  const types = (name) => `./dist/types/element/${name}.d.ts`;
  writePackage(dir, {
    name: srcPkg.name,
    version: srcPkg.version,
    description: srcPkg.description,
    ...COMMON,
    ...repositoryFields('packages/element'),
    // `node`: server rendering imports the element harmlessly (lit's DOM shim; rollup.config.mjs).
    exports: {
      '.': { types: types('index'), node: './dist/face-mesh.node.js', default: './dist/face-mesh.js' },
      './define': { types: types('define'), node: './dist/define.node.js', default: './dist/define.js' },
      './define.js': { types: types('define'), node: './dist/define.node.js', default: './dist/define.js' },
      // type-only: `import type {} from '@face-mesh/element/react'` (or vue, svelte) types the tag in that framework
      './react': { types: types('react') },
      './vue': { types: types('vue') },
      './svelte': { types: types('svelte') },
      './face-mesh.worker.js': './dist/face-mesh.worker.js',
      './wasm/*': './dist/wasm/*',
      './models/*': './dist/models/*',
      './custom-elements.json': './custom-elements.json',
      './package.json': './package.json',
    },
    module: './dist/face-mesh.js',
    main: './dist/face-mesh.js',
    types: types('index'),
    // Only the define entry registers the tag; the rest is tree-shakable.
    sideEffects: ['./dist/define.js', './dist/define.node.js'],
    customElements: 'custom-elements.json',
    files: ['dist', 'custom-elements.json', 'README.md', 'LICENSE', 'NOTICE'],
    // The JavaScript bundles lit and comlink; the typings refer to their types (LitElement, Comlink.Remote).
    dependencies: { comlink: version('comlink'), lit: version('lit') },
  });
  return dir;
}

function stageGeometry() {
  const src = path.join(root, 'packages/geometry');
  const dir = path.join(STAGE, 'geometry');
  const srcPkg = readJson(path.join(src, 'package.json'));
  mkdirSync(dir, { recursive: true });
  run('npx', ['tsc', '-p', 'packages/geometry/tsconfig.build.json', '--outDir', path.join(dir, 'dist')]);
  copyReadme('packages/geometry', path.join(dir, 'README.md'));
  for (const f of ['LICENSE', 'NOTICE']) copyFileSync(path.join(root, f), path.join(dir, f));
  writePackage(dir, {
    name: srcPkg.name,
    version: srcPkg.version,
    description: srcPkg.description,
    ...COMMON,
    ...repositoryFields('packages/geometry'),
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './package.json': './package.json' },
    module: './dist/index.js',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    sideEffects: false,
    files: ['dist', 'README.md', 'LICENSE', 'NOTICE'],
  });
  return dir;
}

function stageNode() {
  const src = path.join(root, 'packages/node');
  const dir = path.join(STAGE, 'node');
  const srcPkg = readJson(path.join(src, 'package.json'));
  if (!existsSync(path.join(src, 'dist/cli.js'))) fail('packages/node/dist is missing: run npm run build:node');
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(src, 'dist'), path.join(dir, 'dist'), { recursive: true, filter: (f) => !f.endsWith('.map') });
  cpSync(path.join(src, 'bin'), path.join(dir, 'bin'), { recursive: true });
  // (the worker-runtime types without the DOM: a Node project's typings need not include it)
  stageTypes('node', ['index'], ['sharp'], dir, 'data_types');
  mkdirSync(path.join(dir, 'models'));
  // What the Node runtime reads: both meshes (refine: false), the detector, the geometry (transform).
  for (const f of Object.values(MODEL_FILES)) copyFileSync(path.join(root, 'models/dist', f), path.join(dir, 'models', f));
  copyReadme('packages/node', path.join(dir, 'README.md'));
  for (const f of ['LICENSE', 'NOTICE']) copyFileSync(path.join(root, f), path.join(dir, f));
  const external = ['@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-core', 'fast-glob', 'sharp'];
  writePackage(dir, {
    name: srcPkg.name,
    version: srcPkg.version,
    description: srcPkg.description,
    ...COMMON,
    keywords: ['face', 'face-mesh', 'landmarks', 'mediapipe', 'tfjs', 'wasm', 'node', 'cli'],
    ...repositoryFields('packages/node'),
    engines: srcPkg.engines,
    bin: srcPkg.bin,
    exports: { '.': { types: './dist/types/node/index.d.ts', default: './dist/index.js' }, './package.json': './package.json' },
    main: './dist/index.js',
    types: './dist/types/node/index.d.ts',
    files: ['dist', 'bin', 'models', 'README.md', 'LICENSE', 'NOTICE'],
    dependencies: Object.fromEntries(external.map((name) => [name, version(name)])),
  });
  return dir;
}

function dirSize(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? dirSize(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size;
  return n;
}

export function pack({ build = true } = {}) {
  if (build) run('npm', ['run', 'build']);
  rmSync(STAGE, { recursive: true, force: true });
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const result = {};
  for (const [name, stage] of [['@face-mesh/element', stageElement], ['@face-mesh/geometry', stageGeometry], ['@face-mesh/node', stageNode]]) {
    const dir = stage();
    result[name] = { ...npmPack(dir), staged: dir, stagedBytes: dirSize(dir) };
  }
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = pack({ build: !process.argv.includes('--skip-build') });
  for (const [name, r] of Object.entries(result)) {
    console.log(`${name}: ${path.relative(root, r.file)} (${(r.size / 1e6).toFixed(2)} MB packed, ${(r.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${r.entryCount} files)`);
  }
}
