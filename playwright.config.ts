import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: Debian's Chromium (never a downloaded browser) against browser mode
 * (`aicr-studio serve`) pointed at the real test control plane, both started by the global setup.
 */
export default defineConfig({
  testDir: 'test/e2e',
  globalSetup: './test/e2e/global-setup.ts',
  workers: 1,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    launchOptions: { executablePath: process.env.AICR_CHROMIUM ?? '/usr/bin/chromium' },
    acceptDownloads: true,
    screenshot: 'only-on-failure',
  },
});
