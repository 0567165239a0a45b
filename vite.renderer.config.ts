import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer: a plain browser bundle, the same one Electron loads and browser mode serves.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../.vite/renderer/main_window', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
