/**
 * Exec credential plugins (aws eks get-token, gke-gcloud-auth-plugin, kubelogin...) run here rather
 * than through client-node, which starts one process per concurrent request, never times out and
 * cannot be cancelled. Per plugin configuration: one invocation at a time, shared by every request
 * that needs it, cached until the credential's expirationTimestamp, killed (with its process group)
 * when every waiting request is cancelled, bounded in time and output size.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { stripControlSequences } from '../../shared/terminal-text.ts';
import { KubeCredentialError } from './errors.ts';
import type { ClusterEntry, ExecConfig } from './kubeconfig.ts';

export interface ExecCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** Epoch ms; undefined means valid until the server rejects it. */
  expiresAt?: number;
}

export const EXEC_TIMEOUT_MS = 60_000;
export const MAX_PLUGIN_STDOUT_BYTES = 1024 * 1024;
const MAX_PLUGIN_STDERR_BYTES = 16 * 1024;
const KILL_GRACE_MS = 2_000;

interface Invocation {
  promise: Promise<ExecCredential>;
  waiters: number;
  kill: () => void;
}

const cache = new Map<string, ExecCredential>();
const inFlight = new Map<string, Invocation>();
const running = new Set<ChildProcess>();

/** Kills plugin process groups still running when the process exits (a second Ctrl-C, an uncaught error). */
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function pluginKey(exec: ExecConfig, cluster: ClusterEntry): string {
  return JSON.stringify([exec, exec.provideClusterInfo ? cluster.server : '']);
}

function failure(exec: ExecConfig, what: string, cause?: unknown): KubeCredentialError {
  return new KubeCredentialError(`credential plugin "${exec.command}" ${what}`, cause);
}

/** The ExecCredential a plugin printed, checked: a token or a certificate pair, and a valid expiry. */
export function parseExecCredential(exec: ExecConfig, stdout: string): ExecCredential {
  let doc: { apiVersion?: string; kind?: string; status?: Record<string, unknown> };
  try {
    doc = JSON.parse(stdout) as typeof doc;
  } catch {
    throw failure(exec, 'printed something that is not an ExecCredential JSON object');
  }
  if (doc?.kind !== 'ExecCredential') throw failure(exec, `printed kind "${String(doc?.kind)}", expected ExecCredential`);
  if (doc.apiVersion !== exec.apiVersion) throw failure(exec, `printed apiVersion "${String(doc.apiVersion)}", the kubeconfig asks for ${exec.apiVersion}`);
  const status = doc.status ?? {};
  const text = (key: string) => (typeof status[key] === 'string' && status[key] !== '' ? (status[key] as string) : undefined);
  const credential: ExecCredential = {
    token: text('token'),
    clientCertificateData: text('clientCertificateData'),
    clientKeyData: text('clientKeyData'),
  };
  if (!credential.token && !(credential.clientCertificateData && credential.clientKeyData)) {
    throw failure(exec, 'returned neither a token nor a client certificate and key');
  }
  const expiry = text('expirationTimestamp');
  if (expiry !== undefined) {
    const at = Date.parse(expiry);
    if (Number.isNaN(at)) throw failure(exec, `returned an invalid expirationTimestamp "${stripControlSequences(expiry.slice(0, 40))}"`);
    credential.expiresAt = at;
  }
  return credential;
}

function execInfo(exec: ExecConfig, cluster: ClusterEntry): string {
  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo) {
    spec.cluster = {
      server: cluster.server,
      ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
      ...(cluster.insecureSkipTlsVerify ? { 'insecure-skip-tls-verify': true } : {}),
      ...(cluster.caData ? { 'certificate-authority-data': cluster.caData } : {}),
      ...(cluster.proxyUrl ? { 'proxy-url': cluster.proxyUrl } : {}),
    };
  }
  return JSON.stringify({ apiVersion: exec.apiVersion, kind: 'ExecCredential', spec });
}

function invoke(exec: ExecConfig, cluster: ClusterEntry, timeoutMs: number): Invocation {
  const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: execInfo(exec, cluster) };
  for (const { name, value } of exec.env) env[name] = value;
  // Its own process group, so cancelling also ends whatever the plugin started (aws → python, ...).
  const child = spawn(exec.command, exec.args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  let killedBecause: string | undefined;
  const kill = (why: string) => {
    killedBecause ??= why;
    killGroup(child, 'SIGTERM');
    setTimeout(() => killGroup(child, 'SIGKILL'), KILL_GRACE_MS).unref();
  };
  const promise = new Promise<ExecCredential>((resolve, reject) => {
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let spawnError: NodeJS.ErrnoException | undefined;
    const timer = setTimeout(() => kill(`did not finish within ${timeoutMs / 1000}s; run it yourself to see whether it waits for a login`), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_PLUGIN_STDOUT_BYTES) kill(`printed more than ${MAX_PLUGIN_STDOUT_BYTES} bytes; an ExecCredential is a few kilobytes`);
      else stdout.push(chunk);
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-MAX_PLUGIN_STDERR_BYTES);
    });
    child.on('error', (err) => {
      spawnError = err;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      const detail = stripControlSequences(stderr.trim());
      const withStderr = (what: string) => `${what}${detail ? `: ${detail}` : ''}`;
      if (spawnError?.code === 'ENOENT') {
        const hint = exec.installHint ? `\n\n${stripControlSequences(exec.installHint.trim())}` : '';
        reject(failure(exec, `was not found; install it or put it on PATH (PATH=${process.env.PATH ?? ''})${hint}`, spawnError));
      } else if (spawnError) reject(failure(exec, `could not be started (${spawnError.code ?? spawnError.message})`, spawnError));
      else if (killedBecause) reject(failure(exec, killedBecause));
      else if (code !== 0) reject(failure(exec, withStderr(signal ? `was killed by ${signal}` : `exited with code ${code}`)));
      else {
        try {
          resolve(parseExecCredential(exec, Buffer.concat(stdout).toString('utf8')));
        } catch (err) {
          reject(err);
        }
      }
    });
  });
  return { promise, waiters: 0, kill: () => kill('was cancelled') };
}

/**
 * A credential for the plugin, from the cache while it is valid, otherwise from the one shared
 * invocation. Rejects with the signal's reason when cancelled; the plugin is killed once no request
 * waits for it any more.
 */
export async function execCredential(exec: ExecConfig, cluster: ClusterEntry, signal?: AbortSignal, timeoutMs = EXEC_TIMEOUT_MS): Promise<ExecCredential> {
  const key = pluginKey(exec, cluster);
  const cached = cache.get(key);
  if (cached && (cached.expiresAt === undefined || cached.expiresAt > Date.now())) return cached;
  signal?.throwIfAborted();
  let invocation = inFlight.get(key);
  if (!invocation) {
    const started = invoke(exec, cluster, timeoutMs);
    invocation = started;
    inFlight.set(key, started);
    started.promise.then(
      (credential) => cache.set(key, credential),
      () => undefined,
    ).finally(() => {
      if (inFlight.get(key) === started) inFlight.delete(key);
    });
  }
  const shared = invocation;
  shared.waiters++;
  try {
    if (!signal) return await shared.promise;
    return await new Promise<ExecCredential>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      shared.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  } finally {
    shared.waiters--;
    if (shared.waiters === 0 && signal?.aborted) {
      shared.kill();
      if (inFlight.get(key) === shared) inFlight.delete(key);
    }
  }
}

/** Forgets a credential the server rejected (401), so the next request runs the plugin again. */
export function invalidateExecCredential(exec: ExecConfig, cluster: ClusterEntry): void {
  cache.delete(pluginKey(exec, cluster));
}

/** How many plugin processes are running now (tests check that none leak). */
export function runningPluginCount(): number {
  return running.size;
}

