/**
 * Starts the real control plane (built from Go modules on first use) once for all integration tests,
 * as a supervisor process that dies with the test runner, and hands its state to the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { TestProject } from 'vitest/node';
import type { ClusterState } from '../cluster/state.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: ClusterState;
  }
}

let supervisor: ChildProcess | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  dir = mkdtempSync(path.join(tmpdir(), 'aicr-it-cluster-'));
  const script = path.resolve('test/cluster/supervisor.ts');
  // setpriv makes the supervisor (and through it the control plane) die with the test runner.
  const command = existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', '--pdeathsig', 'TERM', '--', process.execPath] : [process.execPath];
  supervisor = spawn(command[0] as string, [...command.slice(1), script, '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const started = Date.now();
  const state = await new Promise<ClusterState>((resolve, reject) => {
    const lines = createInterface({ input: supervisor?.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) resolve(JSON.parse(line.slice(6)) as ClusterState);
    });
    supervisor?.once('exit', (code) => reject(new Error(`the test cluster failed to start (exit ${code}); see the [cluster] lines above`)));
  });
  console.error(`[cluster] test control plane ready in ${((Date.now() - started) / 1000).toFixed(1)}s at ${state.server}`);
  project.provide('cluster', state);
}

export async function teardown(): Promise<void> {
  if (supervisor && supervisor.exitCode === null) {
    const exited = new Promise((resolve) => supervisor?.once('exit', resolve));
    supervisor.kill('SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}
