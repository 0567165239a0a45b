/**
 * `npm run cluster -- up | down | status [--dir <dir>]`: a real control plane with simulated GPU nodes
 * for development. `up` prints the kubeconfig path as its last line; the cluster keeps running in the
 * background until `down`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CONTEXTS } from './kubeconfig.ts';
import { stateFile, type ClusterState } from './state.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values, positionals } = parseArgs({ options: { dir: { type: 'string' } }, allowPositionals: true });
const dir = path.resolve(values.dir ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'aicr-studio', 'dev-cluster'));

function readState(): ClusterState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(dir), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

async function liveState(): Promise<ClusterState | undefined> {
  const state = readState();
  if (!state) return undefined;
  try {
    const response = await fetch(`${state.control}/status`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? state : undefined;
  } catch {
    return undefined;
  }
}

function describe(state: ClusterState): string {
  return [
    `API server ${state.server} (supervisor pid ${state.pid}, logs in ${path.join(dir, 'data')})`,
    `contexts: ${Object.values(CONTEXTS).join(', ')}`,
    `try: npx aicr-studio snapshot --kubeconfig ${state.kubeconfig} --context ${CONTEXTS.admin} --node-selector nodeGroup=customer-gpu`,
  ].join('\n');
}

async function up(): Promise<number> {
  const running = await liveState();
  if (running) {
    console.log(`already running\n${describe(running)}\n${running.kubeconfig}`);
    return 0;
  }
  // Build (or find cached) binaries here, in the foreground, so a first build shows its progress.
  try {
    execFileSync(path.join(here, 'build-binaries.sh'), { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    console.error('could not build the control-plane binaries; see the messages above');
    return 1;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'supervisor.log');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [path.join(here, 'supervisor.ts'), '--dir', dir], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  console.log(`starting the test cluster in ${dir}...`);
  const started = Date.now();
  for (;;) {
    const state = await liveState();
    if (state) {
      console.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n${describe(state)}\n${state.kubeconfig}`);
      return 0;
    }
    if (child.exitCode !== null || (child.pid && !processAlive(child.pid))) {
      console.error(`the cluster failed to start; see ${logFile}:\n${readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n')}`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function down(): Promise<number> {
  const state = readState();
  if (!state || !processAlive(state.pid)) {
    console.log('not running');
    rmSync(stateFile(dir), { force: true });
    return 0;
  }
  process.kill(state.pid, 'SIGTERM');
  while (processAlive(state.pid)) await new Promise((r) => setTimeout(r, 100));
  console.log('stopped');
  return 0;
}

async function status(): Promise<number> {
  const state = await liveState();
  if (!state) {
    console.log(existsSync(stateFile(dir)) ? 'not responding (stale state; run down then up)' : 'not running');
    return 1;
  }
  console.log(`running\n${describe(state)}\n${state.kubeconfig}`);
  return 0;
}

const commands: Record<string, () => Promise<number>> = { up, down, status };
const command = commands[positionals[0] ?? ''];
if (!command) {
  console.error('usage: npm run cluster -- up | down | status [--dir <dir>]');
  process.exit(2);
}
process.exit(await command());
