import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// What the face-mesh README asks of a Vite app: keep the element out of dependency pre-bundling (dev
// server), and serve the page cross-origin isolated (wasm threads).
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  optimizeDeps: { exclude: ['@face-mesh/element'] },
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
});
