// `npm run build`: ESM bundles of the element, its define entry and the module worker, with the
// tfjs wasm binaries and the model files copied next to them as assets. At run time the element
// finds the worker, wasm and models with one static `new URL('./…', import.meta.url)` each, so the
// folder can be served from anywhere (no CDN) and app bundlers (Vite, webpack 5) emit each file.
//
// Three self-contained, minified files and no shared chunks: `face-mesh.js` (the element, lit and
// comlink included, so a plain <script type="module"> needs no import map), `define.js` (imports
// ./face-mesh.js and registers the tag) and `face-mesh.worker.js` (the whole worker, tfjs included).
// Every asset URL lives in face-mesh.js at the folder's root, so './wasm/…' is right from there.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { transform } from 'esbuild';
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaults } from './tools/ts-module.mjs';

const require = createRequire(import.meta.url);
const root = path.dirname(fileURLToPath(import.meta.url));
const wasmDist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
const NODE_BUILTINS = ['fs', 'path', 'os', 'perf_hooks', 'worker_threads', 'crypto', 'util', 'node-fetch'];
const { WASM_FILE_NAMES, MODEL_FILES } = await defaults();
/** What the element loads: both meshes (`refine="false"` takes the plain one), the detector, the canonical face. */
const MODEL_FILE_NAMES = Object.values(MODEL_FILES);
const DIST = 'packages/element/dist';

/** tfjs' `module` entries pull CommonJS dependencies: use the self-contained fesm bundles. */
const tfjsFesm = {
  name: 'tfjs-fesm',
  resolveId(id) {
    if (id === '@tensorflow/tfjs-core') return require.resolve('@tensorflow/tfjs-core/dist/tf-core.fesm.js');
    if (id === '@tensorflow/tfjs-backend-wasm') return wasmDist + 'tf-backend-wasm.fesm.js';
    if (NODE_BUILTINS.includes(id)) return '\0empty';
    return null;
  },
  load(id) {
    return id === '\0empty' ? 'export default {};' : null;
  },
  // Emscripten's `if (typeof __filename !== 'undefined') _scriptDir = ...` (Node only): webpack 5 turns
  // `typeof __filename` into a constant but leaves `__filename`, which throws in the browser.
  transform(code, id) {
    if (!id.endsWith('tf-backend-wasm.fesm.js')) return null;
    return { code: code.replaceAll("if (typeof __filename !== 'undefined') _scriptDir", 'if (false) _scriptDir'), map: null };
  },
};

/** TypeScript through esbuild (type-checking is `npm run typecheck`). */
const esbuildTs = {
  name: 'esbuild-ts',
  async transform(code, id) {
    if (!id.endsWith('.ts')) return null;
    const r = await transform(code, {
      loader: 'ts', target: 'es2022', sourcemap: true, sourcefile: id,
      tsconfigRaw: { compilerOptions: { useDefineForClassFields: false, verbatimModuleSyntax: true } },
    });
    return { code: r.code, map: r.map };
  },
};

/** Sources import siblings as './x.js'; resolve those to './x.ts'. */
const jsToTs = {
  name: 'js-to-ts',
  async resolveId(id, importer) {
    if (importer && id.startsWith('.') && id.endsWith('.js')) {
      const r = await this.resolve(id.slice(0, -3) + '.ts', importer, { skipSelf: true });
      if (r) return r;
    }
    return null;
  },
};

const assets = {
  name: 'face-mesh-assets',
  async generateBundle() {
    for (const f of WASM_FILE_NAMES) this.emitFile({ type: 'asset', fileName: `wasm/${f}`, source: await readFile(wasmDist + f) });
    for (const f of MODEL_FILE_NAMES) {
      const file = path.join(root, 'models/dist', f);
      const source = await readFile(file).catch(() => {
        throw new Error(`${file} is missing: run \`npm install\` (or \`npm run models\`) to extract the model files.`);
      });
      this.emitFile({ type: 'asset', fileName: `models/${f}`, source });
    }
  },
};

/**
 * Minify each output file with esbuild. The licence comments of what it bundles (tfjs' Apache-2.0
 * headers, lit's BSD-3-Clause) go to `<file>.LEGAL.txt` beside it, named by a one-line comment at its
 * end: shipped in the package, but not downloaded by every page (9.9 kB raw, 0.6 kB gzip of the worker).
 */
const minify = () => {
  const legal = new Map();
  return {
    name: 'esbuild-minify',
    async renderChunk(code, chunk) {
      const r = await transform(code, { minify: true, format: 'esm', target: 'es2022', sourcemap: true, legalComments: 'external' });
      if (!r.legalComments?.trim()) return { code: r.code, map: r.map };
      const file = `${chunk.fileName}.LEGAL.txt`;
      legal.set(file, r.legalComments);
      return { code: `${r.code}/*! For license information please see ${path.basename(file)} */\n`, map: r.map };
    },
    generateBundle() {
      for (const [fileName, source] of legal) this.emitFile({ type: 'asset', fileName, source });
    },
  };
};

/** Start from an empty dist (no stale files from earlier layouts end up in the package). */
const cleanDist = {
  name: 'clean-dist',
  buildStart() {
    rmSync(path.join(root, DIST), { recursive: true, force: true });
  },
};

/** define.ts imports the element class from './face-mesh.js': keep that import, pointing at the element bundle (`file`). */
const defineImportsElement = (file) => ({
  name: 'define-imports-element',
  resolveId(id, importer) {
    if (importer?.endsWith('/define.ts') && id === './face-mesh.js') return { id: file, external: true };
    return null;
  },
});

const output = { dir: DIST, format: 'es', entryFileNames: '[name].js', sourcemap: true };
const plugins = [tfjsFesm, jsToTs, nodeResolve({ browser: true, extensions: ['.ts', '.js'] }), esbuildTs];
const nodePlugins = [tfjsFesm, jsToTs, nodeResolve({ exportConditions: ['node'], extensions: ['.ts', '.js'] }), esbuildTs];
function onwarn(warning, warn) {
  // tfjs' fesm bundles use top-level `this` and have internal cycles; both are harmless.
  if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return;
  warn(warning);
}

export default [
  { input: { 'face-mesh': 'packages/element/src/index.ts' }, output: { ...output, plugins: [minify()] }, plugins: [cleanDist, ...plugins, assets], onwarn },
  { input: { define: 'packages/element/src/define.ts' }, output: { ...output, plugins: [minify()] }, plugins: [defineImportsElement('./face-mesh.js'), ...plugins], onwarn },
  // Node (server rendering: Next.js, Nuxt, SvelteKit evaluate the page's imports on the server): the
  // same element with lit's Node build, whose DOM shim (@lit-labs/ssr-dom-shim) lets the class and the
  // tag be defined without a DOM; nothing else runs until a browser connects an element. The packed
  // package.json's `node` export condition picks these. Next to face-mesh.js, so its asset URLs stay right.
  { input: { 'face-mesh.node': 'packages/element/src/index.ts' }, output: { ...output, sourcemap: false, plugins: [minify()] }, plugins: nodePlugins, onwarn },
  { input: { 'define.node': 'packages/element/src/define.ts' }, output: { ...output, sourcemap: false, plugins: [minify()] }, plugins: [defineImportsElement('./face-mesh.node.js'), ...nodePlugins], onwarn },
  {
    input: { 'face-mesh.worker': 'packages/element/src/face-mesh.worker.ts' },
    output: { ...output, inlineDynamicImports: true, plugins: [minify()] },
    plugins,
    onwarn,
  },
];
