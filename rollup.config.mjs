// `npm run build`: ESM bundles of the element, its define entry and the module worker, with the
// tfjs wasm binaries and the model files copied next to them as assets. At run time the element
// finds the worker, wasm and models with `new URL(..., import.meta.url)`, so the folder can be
// served from anywhere (no CDN).
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { transform } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.dirname(fileURLToPath(import.meta.url));
const wasmDist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
const NODE_BUILTINS = ['fs', 'path', 'os', 'perf_hooks', 'worker_threads', 'crypto', 'util', 'node-fetch'];
export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
export const MODEL_FILES = ['face_landmark_with_attention.tflite', 'face_detection_short_range.tflite', 'face_landmark.tflite', 'geometry_pipeline_metadata_landmarks.binarypb'];

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
    for (const f of WASM_FILES) this.emitFile({ type: 'asset', fileName: `wasm/${f}`, source: await readFile(wasmDist + f) });
    for (const f of MODEL_FILES) {
      const file = path.join(root, 'models/dist', f);
      const source = await readFile(file).catch(() => {
        throw new Error(`${file} is missing: run \`npm install\` (or \`npm run models\`) to extract the model files.`);
      });
      this.emitFile({ type: 'asset', fileName: `models/${f}`, source });
    }
  },
};

export default {
  input: {
    'face-mesh': 'packages/element/src/index.ts',
    define: 'packages/element/src/define.ts',
    'face-mesh.worker': 'packages/element/src/face-mesh.worker.ts',
  },
  output: {
    dir: 'packages/element/dist',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    sourcemap: true,
  },
  plugins: [tfjsFesm, jsToTs, nodeResolve({ browser: true, extensions: ['.ts', '.js'] }), esbuildTs, assets],
  onwarn(warning, warn) {
    // tfjs' fesm bundles use top-level `this` and have internal cycles; both are harmless.
    if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return;
    warn(warning);
  },
};
