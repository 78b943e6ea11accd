// Builds dist/ (cli.js, index.js, worker.js) from src/ with esbuild: our TypeScript and the worker
// runtime's, bundled; tfjs, sharp and fast-glob stay external (installed next to the package, and
// tfjs-backend-wasm finds its .wasm files through Node's module resolution). Run by the root
// scripts before anything that uses dist/; takes well under a second.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: ['cli', 'index', 'worker'].map((n) => path.join(here, 'src', `${n}.ts`)),
  outdir: dist,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', 'sharp', 'fast-glob'],
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: false, verbatimModuleSyntax: true } },
  logLevel: 'warning',
});
