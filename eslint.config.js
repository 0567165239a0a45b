import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', '.vite/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // Only the CLI entry points and the test harness talk to the terminal.
    files: ['electron/cli/**', 'test/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // The deployer core and kube layer never import Electron or the renderer (design layer rules).
    files: ['electron/agent/**', 'electron/kube/**', 'electron/cli/**', 'shared/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['electron', '**/renderer/**', '**/shell/**'] }],
    },
  },
  {
    // shared/ is pure: no Node built-ins, usable by the renderer.
    files: ['shared/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['node:*', 'electron', '**/electron/**'] }] },
  },
);
