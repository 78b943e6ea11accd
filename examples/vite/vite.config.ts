import { defineConfig } from 'vite';

// What the face-mesh README asks of a Vite app, and nothing else.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // The dev server's dependency pre-bundling would move face-mesh.js away from its worker and assets.
  optimizeDeps: { exclude: ['@face-mesh/element'] },
  // wasm threads need a cross-origin isolated page (the production server must send these too).
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
});
