/**
 * Starts the cluster supervisor as a child that dies with its parent (setpriv --pdeathsig), and
 * resolves with the cluster's state once it printed READY. Used by the integration tests and benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ClusterState } from './state.ts';

export interface SpawnedCluster {
  state: ClusterState;
  startupMs: number;
  stop(): Promise<void>;
}

const supervisorScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'supervisor.ts');

/** `controllerManagerFeatureGates`: `Name=false,...` for kube-controller-manager (benchmarks). */
export async function spawnCluster(options: { controllerManagerFeatureGates?: string } = {}): Promise<SpawnedCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'aicr-cluster-'));
  const command = existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', '--pdeathsig', 'TERM', '--', process.execPath] : [process.execPath];
  const child: ChildProcess = spawn(command[0] as string, [...command.slice(1), supervisorScript, '--dir', dir, ...(options.controllerManagerFeatureGates ? ['--controller-manager-feature-gates', options.controllerManagerFeatureGates] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const started = Date.now();
  const state = await new Promise<ClusterState>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (line.startsWith('READY ')) resolve(JSON.parse(line.slice(6)) as ClusterState);
    });
    child.once('exit', (code) => reject(new Error(`the test cluster failed to start (exit ${code}); see the [cluster] lines above`)));
  });
  return {
    state,
    startupMs: Date.now() - started,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
