import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// What the face-mesh docs ask of a Vue app: the tag is a custom element (not a Vue component), the
// element stays out of dependency pre-bundling (dev server), and the page is cross-origin isolated.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === 'face-mesh' } } })],
  optimizeDeps: { exclude: ['@face-mesh/element'] },
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
});
