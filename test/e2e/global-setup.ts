/**
 * Starts the real control plane and browser mode on it (the way a user does: `aicr-studio serve`),
 * and hands the URL, kubeconfig and library folder to the tests through the environment.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBrowserMode } from '../cluster/browser-mode.ts';
import { spawnCluster } from '../cluster/spawn.ts';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const chromium = process.env.AICR_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    throw new Error(`\n\n*** The end-to-end tests need Debian's Chromium at ${chromium} (apt-get install chromium); they did NOT run. ***\n`);
  }
  const cluster = await spawnCluster();
  console.error(`[e2e] test control plane ready in ${(cluster.startupMs / 1000).toFixed(1)}s`);
  const library = mkdtempSync(path.join(tmpdir(), 'aicr-e2e-library-'));
  const browserMode = await startBrowserMode(cluster.state.kubeconfig, library);
  process.env.AICR_E2E_URL = browserMode.url;
  process.env.AICR_E2E_KUBECONFIG = cluster.state.kubeconfig;
  process.env.AICR_E2E_LIBRARY = library;
  return async () => {
    await browserMode.stop();
    await cluster.stop();
  };
}
