import { builtinModules } from 'node:module';
import type { BuildEnvironmentOptions } from 'vite';

/** A build of one entry for Electron's Node side (main, preload): one file, Electron and Node built-ins external. */
export function nodeBuild(entry: string, format: 'es' | 'cjs', fileName: string): BuildEnvironmentOptions {
  return {
    outDir: '.vite/build',
    emptyOutDir: false,
    target: 'node24',
    minify: false,
    lib: { entry, formats: [format], fileName: () => fileName },
    rollupOptions: { external: ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)] },
  };
}
