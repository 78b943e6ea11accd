// Node scripts (the build, the packer, the README tables) read constants from the TypeScript
// sources instead of copying them: importTs bundles one module with esbuild (workspace imports
// resolved, types stripped) and imports the result. For plain-data modules such as
// packages/worker-runtime/src/defaults.ts.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The exports of the TypeScript module at `file` (relative to the repository root). */
export async function importTs(file) {
  const out = await build({
    entryPoints: [path.join(root, file)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    logLevel: 'silent',
  });
  const code = out.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

/** The project's defaults and file names (packages/worker-runtime/src/defaults.ts). */
export const defaults = () => importTs('packages/worker-runtime/src/defaults.ts');
