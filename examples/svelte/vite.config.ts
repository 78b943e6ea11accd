import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// What the face-mesh docs ask of a Vite app: the element out of dependency pre-bundling (dev server),
// and a cross-origin isolated page (wasm threads).
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [svelte()],
  optimizeDeps: { exclude: ['@face-mesh/element'] },
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
});
