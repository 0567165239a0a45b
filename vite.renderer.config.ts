import { defineConfig } from 'vite';

// The renderer: a plain browser bundle, the same one browser mode will serve.
export default defineConfig({
  root: 'renderer',
  base: './',
  build: { outDir: '../.vite/renderer/main_window', emptyOutDir: true },
});
