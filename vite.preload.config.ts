import { defineConfig } from 'vite';

// The preload of the sandboxed renderer: one CommonJS file (sandboxed preloads cannot load ES modules).
export default defineConfig({
  build: {
    outDir: '.vite/build',
    emptyOutDir: false,
    target: 'node24',
    minify: false,
    lib: { entry: 'electron/shell/preload.ts', formats: ['cjs'], fileName: () => 'preload.cjs' },
    rollupOptions: { external: ['electron'] },
  },
});
