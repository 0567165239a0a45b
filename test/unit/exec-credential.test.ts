import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejection } from '../rejection.ts';
import { execCredential, invalidateExecCredential, runningPluginCount, type ExecCredential } from '../../electron/kube/exec-credential.ts';
import type { ClusterEntry, ExecConfig } from '../../electron/kube/kubeconfig.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'aicr-exec-'));
const cluster: ClusterEntry = { name: 'c', server: 'https://127.0.0.1:1', insecureSkipTlsVerify: false };
let scripts = 0;

/** A plugin script; every invocation appends a line to its calls file. */
function plugin(body: string, extra: Partial<ExecConfig> = {}): { exec: ExecConfig; calls: () => number; dir: string } {
  const id = ++scripts;
  const calls = path.join(dir, `calls-${id}`);
  const file = path.join(dir, `plugin-${id}.sh`);
  writeFileSync(file, `#!/bin/sh\necho call >> '${calls}'\n${body}\n`);
  chmodSync(file, 0o755);
  return {
    exec: { apiVersion: 'client.authentication.k8s.io/v1', command: file, args: [], env: [], provideClusterInfo: false, ...extra },
    calls: () => (existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean).length : 0),
    dir,
  };
}

const credential = (status: object) => `cat <<'EOF'\n${JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status })}\nEOF`;
const until = async (check: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return check();
};
const processAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('exec credential plugins', () => {
  it('concurrent requests share one invocation, and the credential is cached', async () => {
    const p = plugin(`sleep 0.3\n${credential({ token: 'tok-1' })}`);
    const results = await Promise.all(Array.from({ length: 22 }, () => execCredential(p.exec, cluster)));
    expect(new Set(results.map((r) => r.token))).toEqual(new Set(['tok-1']));
    expect(p.calls()).toBe(1);
    await execCredential(p.exec, cluster);
    expect(p.calls()).toBe(1);
    invalidateExecCredential(p.exec, cluster);
    await execCredential(p.exec, cluster);
    expect(p.calls()).toBe(2);
  });

  it('is cached until expirationTimestamp, then run again', async () => {
    const future = plugin(credential({ token: 't', expirationTimestamp: new Date(Date.now() + 3_600_000).toISOString() }));
    await execCredential(future.exec, cluster);
    await execCredential(future.exec, cluster);
    expect(future.calls()).toBe(1);
    const expired = plugin(credential({ token: 't', expirationTimestamp: new Date(Date.now() - 1_000).toISOString() }));
    await execCredential(expired.exec, cluster);
    await execCredential(expired.exec, cluster);
    expect(expired.calls()).toBe(2);
  });

  it('a plugin that never returns is killed with its children when every waiting request is cancelled', async () => {
    const p = plugin(`sleep 300 &\necho $! > '${dir}/child-pid'\necho $$ > '${dir}/plugin-pid'\nwait`);
    const controllers = [new AbortController(), new AbortController()];
    const waits = controllers.map((c) => rejection(execCredential(p.exec, cluster, c.signal)));
    expect(await until(() => existsSync(`${dir}/child-pid`) && readFileSync(`${dir}/child-pid`, 'utf8').trim() !== '')).toBe(true);
    const pids = [`${dir}/plugin-pid`, `${dir}/child-pid`].map((f) => Number(readFileSync(f, 'utf8')));
    controllers[0]!.abort(new Error('first cancelled'));
    expect((await waits[0])?.message).toBe('first cancelled');
    // Another request still waits for it: still running.
    expect(pids.every(processAlive)).toBe(true);
    controllers[1]!.abort(new Error('second cancelled'));
    expect((await waits[1])?.message).toBe('second cancelled');
    expect(await until(() => !pids.some(processAlive))).toBe(true);
    expect(await until(() => runningPluginCount() === 0)).toBe(true);
  });

  it('times out with a clear message', async () => {
    const p = plugin('sleep 300');
    const error = await rejection(execCredential(p.exec, cluster, undefined, 300));
    expect(error.message).toMatch(/credential plugin ".*" did not finish within 0.3s; run it yourself to see whether it waits for a login/);
  });

  it('caps its output', async () => {
    const p = plugin('head -c 5000000 /dev/zero');
    const error = await rejection(execCredential(p.exec, cluster));
    expect(error.message).toContain('printed more than 1048576 bytes');
  });

  it('a missing command shows the installHint, without control sequences', async () => {
    const exec: ExecConfig = {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: 'aicr-no-such-plugin',
      args: [],
      env: [],
      provideClusterInfo: false,
      installHint: 'Install it: brew install aicr-plugin\x1b]0;pwned\x07\x1b[2J',
    };
    const error = await rejection(execCredential(exec, cluster));
    expect(error.message).toContain('credential plugin "aicr-no-such-plugin" was not found; install it or put it on PATH');
    expect(error.message).toContain('Install it: brew install aicr-plugin');
    expect(error.message).not.toContain('\x1b');
  });

  it('failures show stderr without control sequences, never the arguments', async () => {
    const p = plugin("echo 'token expired\x1b[31m, log in again' >&2\nexit 3", { args: ['--secret', 'PLANTED-ARG-SECRET'] });
    const error = await rejection(execCredential(p.exec, cluster));
    expect(error.message).toContain('exited with code 3: token expired, log in again');
    expect(error.message).not.toContain('PLANTED-ARG-SECRET');
    expect(error.message).not.toContain('\x1b');
  });

  it('checks what the plugin printed', async () => {
    const wrongVersion = plugin(`cat <<'EOF'\n${JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: 't' } })}\nEOF`);
    expect((await rejection(execCredential(wrongVersion.exec, cluster))).message).toContain('printed apiVersion "client.authentication.k8s.io/v1beta1"');
    expect((await rejection(execCredential(plugin('echo not json').exec, cluster))).message).toContain('is not an ExecCredential JSON object');
    expect((await rejection(execCredential(plugin(credential({})).exec, cluster))).message).toContain('returned neither a token nor a client certificate');
  });

  it('gets KUBERNETES_EXEC_INFO and the configured env', async () => {
    const p = plugin(`printf '%s' "$KUBERNETES_EXEC_INFO" > '${dir}/info'\nprintf '%s' "$EXTRA" > '${dir}/extra'\n${credential({ token: 't' })}`, {
      env: [{ name: 'EXTRA', value: 'yes' }],
      provideClusterInfo: true,
    });
    const result: ExecCredential = await execCredential(p.exec, cluster);
    expect(result.token).toBe('t');
    expect(JSON.parse(readFileSync(`${dir}/info`, 'utf8'))).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: { interactive: false, cluster: { server: 'https://127.0.0.1:1' } },
    });
    expect(readFileSync(`${dir}/extra`, 'utf8')).toBe('yes');
  });
});
