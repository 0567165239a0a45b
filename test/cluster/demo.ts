/**
 * `npm run demo`: the test control plane with its simulated GPU nodes and browser mode pointed at it,
 * so a newcomer without a cluster tries the app in a minute. Ctrl-C stops both.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBrowserMode } from './browser-mode.ts';
import { spawnCluster } from './spawn.ts';

const cluster = await spawnCluster();
const browserMode = await startBrowserMode(cluster.state.kubeconfig, mkdtempSync(path.join(tmpdir(), 'aicr-demo-library-')));
console.error(`[demo] a real control plane with simulated GPU nodes is up (kubeconfig: ${cluster.state.kubeconfig})`);
console.error('[demo] open this URL in a browser; Ctrl-C stops the demo:');
console.log(browserMode.url);
let stopping = false;
process.on('SIGINT', () => {
  if (stopping) process.exit(130);
  stopping = true;
  void browserMode.stop().then(() => cluster.stop()).then(() => process.exit(0));
});
