// "Build" = copy: the package's dist/ (face-mesh.js, define.js, face-mesh.worker.js, wasm/, models/)
// into dist/face-mesh/, and the page next to it. Serve dist/ with COOP/COEP for wasm threads.
import { cpSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
cpSync('node_modules/@face-mesh/element/dist', 'dist/face-mesh', { recursive: true, filter: (f) => !f.includes('/types') && !f.endsWith('.map') });
cpSync('index.html', 'dist/index.html');
