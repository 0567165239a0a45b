/**
 * Runs the test cluster as a process of its own: starts it in --dir, serves a small control API on
 * loopback (status, restart the API server, shut down), writes <dir>/state.json and prints
 * `READY <json>` when usable. SIGTERM or SIGINT stops everything it started.
 */
import { writeFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startCluster, type RunningCluster } from './cluster.ts';
import { stateFile, type ClusterState } from './state.ts';

const { values } = parseArgs({ options: { dir: { type: 'string' }, 'controller-manager-feature-gates': { type: 'string' } } });
if (!values.dir) {
  console.error('usage: supervisor.ts --dir <state directory>');
  process.exit(2);
}
const dir = path.resolve(values.dir);
const log = (message: string) => console.error(`[cluster] ${message}`);

let cluster: RunningCluster | undefined;
let shuttingDown = false;
const control = http.createServer((req, res) => {
  const reply = (status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  if (req.method === 'GET' && req.url === '/status') return reply(200, { ready: cluster !== undefined, server: cluster?.server, pids: cluster?.pids() });
  if (req.method === 'POST' && req.url === '/restart-apiserver' && cluster) {
    const started = Date.now();
    cluster.restartApiServer().then(
      () => reply(200, { restartedInMs: Date.now() - started }),
      (err: Error) => reply(500, { error: err.message }),
    );
    return;
  }
  if (req.method === 'POST' && req.url === '/compact-etcd' && cluster) {
    cluster.compactEtcd().then(
      (revision) => reply(200, { revision }),
      (err: Error) => reply(500, { error: err.message }),
    );
    return;
  }
  if (req.method === 'POST' && req.url === '/shutdown') {
    reply(200, { stopping: true });
    void shutdown(0);
    return;
  }
  reply(404, { error: 'unknown control request' });
});

async function shutdown(code: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  control.close();
  await cluster?.stop();
  await rm(stateFile(dir), { force: true });
  log('stopped');
  process.exit(code);
}
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));

try {
  cluster = await startCluster(dir, log, values['controller-manager-feature-gates']);
} catch (err) {
  log(`failed to start: ${(err as Error).message}`);
  process.exit(1);
}
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
const state: ClusterState = {
  pid: process.pid,
  control: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
  kubeconfig: cluster.kubeconfig,
  server: cluster.server,
  startedAt: new Date().toISOString(),
};
await writeFile(stateFile(dir), JSON.stringify(state, null, 2));
process.stdout.write(`READY ${JSON.stringify(state)}\n`);
