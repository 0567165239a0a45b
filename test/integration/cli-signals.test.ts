/** The CLI interrupted as CI, `timeout`, a closed SSH session or an impatient user would. */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKubeconfig, resolveContext } from '../../electron/kube/kubeconfig.ts';
import { cluster, CONTEXTS, gpuConfig, objectsOfRun, uniqueNamespace } from './helpers.ts';
import { RUN_ID_LINE, runCli, startCli } from './cli-process.ts';
import { SINGLE_CONTEXT, writeSingleContextKubeconfig } from './kubeconfig-file.ts';

const slowRun = () => ['snapshot', '-n', uniqueNamespace('signal'), '--node-selector', 'nodeGroup=customer-gpu', '--image', 'registry.example/aicr:slow-60'];

describe('signals cancel the run and clean up', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s exits %i and leaves nothing', async (signal, code) => {
    const cli = startCli([...slowRun(), '--context', CONTEXTS.admin]);
    const runId = (await cli.waitForStderr(RUN_ID_LINE))[1]!;
    await cli.waitForStderr(/\[agent\] collecting Kubernetes cluster information/);
    cli.child.kill(signal);
    const result = await cli.done;
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(`received ${signal}: cancelling the run and cleaning up`);
    expect(result.stderr).not.toContain('still in the cluster');
    expect(await objectsOfRun(runId)).toEqual([]);
  });

  it('browser mode with no run going stops on the first signal and says so, without a run to cancel', async () => {
    // A page of its own: the renderer is built only for the end-to-end tests, after these.
    const renderer = mkdtempSync(path.join(tmpdir(), 'aicr-serve-renderer-'));
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>aicr-studio</title>');
    const cli = startCli(['serve', '--port', '0', '--renderer', renderer, '--library', mkdtempSync(path.join(tmpdir(), 'aicr-serve-signal-'))]);
    await cli.waitForStderr(/open this URL/);
    cli.child.kill('SIGINT');
    const result = await cli.done;
    // Stopping is how browser mode ends, not a failure.
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('received SIGINT: stopping (send it again to quit at once)');
    expect(result.stderr).not.toContain('cancelling');
  });

  it('a second signal stops the cleanup and says what remains; cleanup --run-id removes it', async () => {
    // Cleanup must still be running when the second signal comes: after the first one, the credential
    // plugin (whose tokens expire at once) turns slow, as a login refresh would.
    const slowLogin = slowCredentialKubeconfig();
    const cli = startCli([...slowRun(), '--kubeconfig', slowLogin.kubeconfig, '--context', SINGLE_CONTEXT]);
    const runId = (await cli.waitForStderr(RUN_ID_LINE))[1]!;
    await cli.waitForStderr(/agent pod: .*phase=Running/);
    slowLogin.turnSlow();
    cli.child.kill('SIGTERM');
    await cli.waitForStderr(/received SIGTERM: cancelling/);
    cli.child.kill('SIGTERM');
    const result = await cli.done;
    expect(result.code).toBe(143);
    expect(result.stderr).toContain('received SIGTERM again: stopping cleanup');
    // The credential plugin it was waiting for did not outlive it.
    expect(processesRunning(slowLogin.plugin)).toEqual([]);
    const remains = /cleanup interrupted; still in the cluster: (.*)\. Remove them with: (aicr-studio cleanup .*)/.exec(result.stderr);
    expect(remains?.[1]).toContain(`Job `);
    expect(remains?.[2]).toContain(`--run-id ${runId}`);
    expect(await objectsOfRun(runId, { settled: false })).toContainEqual(expect.stringMatching(/^jobs\//));

    const removal = await runCli([...remains![2]!.split(' ').slice(1).map((a) => (a === SINGLE_CONTEXT ? CONTEXTS.admin : a))]);
    expect(removal.code).toBe(0);
    expect(removal.stderr).toMatch(new RegExp(`removed: run=${runId} object=Job `));
    expect(await objectsOfRun(runId)).toEqual([]);
  });
});

/** PIDs of running processes whose command line mentions the text. */
function processesRunning(text: string): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text) ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

/** A kubeconfig whose exec plugin hands out tokens that expire at once, and takes 30 s once turned slow. */
function slowCredentialKubeconfig(): { kubeconfig: string; plugin: string; turnSlow: () => void } {
  const loaded = loadKubeconfig({ kubeconfigPath: cluster().kubeconfig });
  const exec = resolveContext(loaded, CONTEXTS.exec);
  const token = (JSON.parse(execFileSync(exec.user.exec!.command, { encoding: 'utf8' })) as { status: { token: string } }).status.token;
  const dir = mkdtempSync(path.join(tmpdir(), 'aicr-slow-login-'));
  const marker = path.join(dir, 'slow');
  const plugin = path.join(dir, 'plugin.sh');
  const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token, expirationTimestamp: '1970-01-01T00:00:00Z' } });
  writeFileSync(plugin, `#!/bin/sh\nif [ -e '${marker}' ]; then sleep 30; fi\ncat <<'EOF'\n${credential}\nEOF\n`);
  chmodSync(plugin, 0o755);
  const kubeconfig = writeSingleContextKubeconfig(
    dir,
    'kubeconfig',
    { server: exec.cluster.server, 'certificate-authority': exec.cluster.caFile },
    { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin } },
  );
  return { kubeconfig, plugin, turnSlow: () => writeFileSync(marker, '') };
}

describe('the cleanup command', () => {
  it('lists leftovers per run, deletes the finished ones and leaves active runs alone', async () => {
    const namespace = uniqueNamespace('cleanupcmd');
    const kept = await runCli(['snapshot', '--context', CONTEXTS.admin, '-n', namespace, '--node-selector', 'nodeGroup=customer-gpu', '--no-cleanup', '-o', '/dev/null']);
    expect(kept.code).toBe(0);
    const keptRun = RUN_ID_LINE.exec(kept.stderr)![1]!;
    const active = startCli(['snapshot', '--context', CONTEXTS.admin, '-n', namespace, '--node-selector', 'nodeGroup=customer-gpu', '--image', 'registry.example/aicr:slow-60']);
    const activeRun = (await active.waitForStderr(RUN_ID_LINE))[1]!;
    await active.waitForStderr(/phase=Running/);

    const listing = await runCli(['cleanup', '--context', CONTEXTS.admin, '-n', namespace]);
    expect(listing.code).toBe(0);
    expect(listing.stderr).toMatch(new RegExp(`run ${keptRun} in namespace ${namespace}, \\d+s old, Job not active: Job ${namespace}/aicr-${keptRun}`));
    expect(listing.stderr).toMatch(new RegExp(`run ${activeRun} in namespace ${namespace}, \\d+s old, Job still active`));
    expect(listing.stderr).toContain('delete them with --run-id ID or --all-finished');

    const finished = await runCli(['cleanup', '--context', CONTEXTS.admin, '-n', namespace, '--all-finished']);
    expect(finished.code).toBe(0);
    expect(finished.stderr.match(/removed: run=/g)).toHaveLength(7);
    expect(finished.stderr).toContain('1 run(s) with an active Job left alone');
    expect(await objectsOfRun(keptRun)).toEqual([]);

    active.child.kill('SIGINT');
    expect((await active.done).code).toBe(130);
    expect(await objectsOfRun(activeRun)).toEqual([]);
  });

  it('bad flags and unknown runs', async () => {
    expect((await runCli(['cleanup', '--context', CONTEXTS.admin, '--run-id', 'NOPE'])).code).toBe(2);
    const missing = await runCli(['cleanup', '--context', CONTEXTS.admin, '--run-id', gpuConfig().runId]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('no objects of run');
  });
});
