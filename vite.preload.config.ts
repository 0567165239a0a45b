import { defineConfig } from 'vite';
import { nodeBuild } from './vite.node.ts';

// The preload of the sandboxed renderer: one CommonJS file (sandboxed preloads cannot load ES modules).
export default defineConfig({ build: nodeBuild('electron/shell/preload.ts', 'cjs', 'preload.cjs') });
