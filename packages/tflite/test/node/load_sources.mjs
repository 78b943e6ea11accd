/**
 * The runtime's pure TypeScript modules (parser, graph check) for node tests: bundled with
 * esbuild (a devDependency) into one ES module under node_modules/.cache, then imported. tfjs-core
 * stays external (the op modules import it; nothing here creates a tensor).
 */
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const SRC = path.join(ROOT, 'packages/tflite/src');

/** Sources import siblings as './x.js': resolve those to './x.ts'. */
const jsToTs = {
  name: 'js-to-ts',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (a) => ({ path: path.join(a.resolveDir, a.path.replace(/\.js$/, '.ts')) }));
  },
};

/** `exports`: { name: 'path under src/ without .ts' } -> the module with those exports. */
export async function loadSources(name, exports) {
  const contents = Object.entries(exports).map(([n, file]) => `export { ${n} } from ${JSON.stringify(path.join(SRC, file + '.ts'))};`).join('\n');
  const result = await build({
    stdin: { contents, resolveDir: SRC, loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', write: false,
    external: ['@tensorflow/tfjs-core'], plugins: [jsToTs], logLevel: 'silent',
  });
  const dir = path.join(ROOT, 'node_modules/.cache/face-mesh-node-tests');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.mjs`);
  writeFileSync(file, result.outputFiles[0].text);
  return import(pathToFileURL(file).href);
}
