import { VitePlugin } from '@electron-forge/plugin-vite';
import type { ForgeConfig } from '@electron-forge/shared-types';

/**
 * Forge runs the app in development (`npm start`) and packages it; installers come from
 * electron-builder with build/ as its resources directory. Both need the Electron binary, which
 * `npm install` does not download (Electron >= 42 fetches it on first use).
 */
const config: ForgeConfig = {
  packagerConfig: { asar: true, name: 'aicr-studio' },
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'electron/shell/main.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'electron/shell/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
      ],
      renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }],
    }),
  ],
};

export default config;
