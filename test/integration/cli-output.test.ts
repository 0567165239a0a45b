/** Where the CLI puts the snapshot: files, devices, pipes, stdout, and what happens when that fails. */
import { spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { paths } from '../../electron/kube/paths.ts';
import { parseSnapshot } from '../../shared/snapshot.ts';
import { client, cluster, CONTEXTS, exists, objectsOfRun, uniqueNamespace } from './helpers.ts';
import { RUN_ID_LINE, runCli, startCli } from './cli-process.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'aicr-cli-out-'));
const snapshotArgs = (...extra: string[]) => ['snapshot', '--context', CONTEXTS.admin, '-n', uniqueNamespace('out'), '--node-selector', 'nodeGroup=customer-gpu', ...extra];

describe('a slow reader', () => {
  it('behind a paused stderr, the log flood waits instead of filling memory', async () => {
    const child = spawn(process.execPath, [path.resolve('bin/aicr-studio.js'), ...snapshotArgs('--kubeconfig', cluster().kubeconfig, '--image', 'registry.example/aicr:logs-300000', '-o', '/dev/null')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.pause();
    let peakMb = 0;
    const sample = setInterval(() => {
      const status = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      peakMb = Math.max(peakMb, Number(status?.[1] ?? 0) / 1024);
    }, 100);
    await new Promise((r) => setTimeout(r, 6_000));
    clearInterval(sample);
    let bytes = 0;
    child.stderr.on('data', (d: Buffer) => (bytes += d.length)).resume();
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    // 300,000 lines (18 MB) went through in the end...
    expect(bytes).toBeGreaterThan(300_000 * 50);
    // ...but while nobody read them the process stayed small (without backpressure it passes 190 MB).
    expect(peakMb).toBeGreaterThan(0);
    expect(peakMb).toBeLessThan(150);
  });
});

describe('snapshot output targets', () => {
  it('a symlink to a 0600 file: the link stays, the file gets the snapshot and keeps its mode', async () => {
    const real = path.join(dir, 'real.yaml');
    const link = path.join(dir, 'link.yaml');
    writeFileSync(real, 'old');
    chmodSync(real, 0o600);
    symlinkSync(real, link);
    const result = await runCli(snapshotArgs('-o', link));
    expect(result.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(real).mode & 0o777).toBe(0o600);
    expect(parseSnapshot(readFileSync(real, 'utf8')).kind).toBe('Snapshot');
  });

  it('-o /dev/null leaves the device a device', async () => {
    const result = await runCli(snapshotArgs('-o', '/dev/null'));
    expect(result.code).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('a missing directory is refused (exit 2) before any cluster is contacted', async () => {
    const result = await runCli(['snapshot', '--context', CONTEXTS.unreachable, '-o', path.join(dir, 'nope', 'x.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`directory ${path.join(dir, 'nope')} does not exist`);
    expect(result.stderr).not.toContain('cannot reach');
  });

  it('a full disk fails with exit 8, keeps the staging ConfigMap and says how to get the snapshot', async () => {
    const result = await runCli(snapshotArgs('-o', '/dev/full'));
    expect(result.code).toBe(8);
    const runId = RUN_ID_LINE.exec(result.stderr)![1]!;
    const match = /the snapshot is still in ConfigMap ([^/]+)\/(aicr-agent-snapshot-[a-z0-9]+): kubectl get configmap/.exec(result.stderr);
    expect(match?.[2]).toBe(`aicr-agent-snapshot-${runId}`);
    expect(result.stderr).toContain('ENOSPC');
    expect(result.stderr).toContain(`remove it afterwards with: aicr-studio cleanup --context aicr-admin -n ${match![1]} --run-id ${runId}`);
    const kept = await client().request<{ data: Record<string, string> }>(paths.configMap(match![1]!, match![2]!));
    expect(parseSnapshot(kept.data['snapshot.yaml']!).kind).toBe('Snapshot');
    // Only the snapshot stays; the Job and RBAC are gone.
    expect(await objectsOfRun(runId)).toEqual([`configmaps/aicr-agent-snapshot-${runId}`]);
    expect((await runCli(['cleanup', '--context', CONTEXTS.admin, '--run-id', runId])).code).toBe(0);
    expect(await exists(paths.configMap(match![1]!, match![2]!))).toBe(false);
  });

  it('a closed stdout is an error (exit 8), not a silent success', async () => {
    const cli = startCli(snapshotArgs());
    cli.child.stdout!.destroy();
    const result = await cli.done;
    expect(result.code).toBe(8);
    expect(result.stderr).toContain('cannot write the snapshot to standard output (EPIPE)');
    const runId = RUN_ID_LINE.exec(result.stderr)![1]!;
    expect((await runCli(['cleanup', '--context', CONTEXTS.admin, '--run-id', runId])).code).toBe(0);
  });

  it('-o cm:// in the agent namespace is delivered and kept; everything else of the run goes', async () => {
    const namespace = uniqueNamespace('delivered');
    const result = await runCli(['snapshot', '--context', CONTEXTS.admin, '-n', namespace, '--node-selector', 'nodeGroup=customer-gpu', '-o', `cm://${namespace}/mine`]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`snapshot saved to ConfigMap: uri=cm://${namespace}/mine`);
    const runId = RUN_ID_LINE.exec(result.stderr)![1]!;
    expect(await objectsOfRun(runId)).toEqual([]);
    expect(await exists(paths.configMap(namespace, 'mine'))).toBe(true);
  });
});
