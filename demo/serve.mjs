#!/usr/bin/env node
// `npm start`: builds the element, then serves the demo page and the built bundle with COOP/COEP
// (so the wasm backend can use threads) on http://localhost:8080/demo/, compressed (brotli or gzip)
// where the browser accepts it, as a host should (docs/frameworks.md).
import { startDevServer } from '@web/dev-server';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { byteRanges, compression, crossOriginIsolation } from '../tools/dev-server-plugins.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 8080);

if (!process.argv.includes('--no-build')) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

await startDevServer({
  config: {
    rootDir: root,
    port,
    hostname: 'localhost',
    open: process.argv.includes('--open') ? '/demo/' : false,
    // The site root has no page: send it to the demo.
    middleware: [compression(), byteRanges, crossOriginIsolation(), (ctx, next) => (ctx.path === '/' ? ctx.redirect('/demo/') : next())],
    watch: false,
  },
  readCliArgs: false,
  readFileConfig: false,
  // Its message would print the site root first; ours names the demo's URL.
  logStartMessage: false,
});
console.log(`\nface-mesh demo: http://localhost:${port}/demo/  (cross-origin isolated: wasm threads on)\n`);
