import { defineConfig } from 'vite';
import { nodeBuild } from './vite.node.ts';

// The Electron main process, bundled as one ES module.
export default defineConfig({
  build: nodeBuild('electron/shell/main.ts', 'es', 'main.js'),
  define: {
    // Forge's Vite plugin defines these when it drives the build; these are the standalone values.
    MAIN_WINDOW_VITE_DEV_SERVER_URL: 'undefined',
    MAIN_WINDOW_VITE_NAME: JSON.stringify('main_window'),
  },
});
