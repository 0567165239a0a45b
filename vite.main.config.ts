import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

// The Electron main process, bundled as one ES module; Electron and Node built-ins stay external.
export default defineConfig({
  build: {
    outDir: '.vite/build',
    emptyOutDir: false,
    target: 'node24',
    minify: false,
    lib: { entry: 'electron/shell/main.ts', formats: ['es'], fileName: () => 'main.js' },
    rollupOptions: { external: ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)] },
  },
  define: {
    // Forge's Vite plugin defines these when it drives the build; these are the standalone values.
    MAIN_WINDOW_VITE_DEV_SERVER_URL: 'undefined',
    MAIN_WINDOW_VITE_NAME: JSON.stringify('main_window'),
  },
});
