import { describe, expect, it } from 'vitest';
import { runSnapshot } from '../../electron/agent/run.ts';
import { paths } from '../../electron/kube/paths.ts';
import type { AgentConfig } from '../../shared/agent-config.ts';
import { isStructuredError, type StructuredError } from '../../shared/errors.ts';
import { POD_SECURITY_RESTRICTED_NAMESPACE } from '../cluster/fixtures.ts';
import { agentObjectPaths, exists, gpuConfig, jobGone, recordedDeployer, uniqueNamespace } from './helpers.ts';

/** Runs a snapshot expected to fail; returns the error and how long it took. */
async function failingRun(config: AgentConfig, timeoutMs = 60_000, signal: AbortSignal = AbortSignal.timeout(90_000)) {
  const run = recordedDeployer(config);
  const started = Date.now();
  const error = await runSnapshot(run.deployer, { timeoutMs, cleanup: true, signal }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { ...run, error: error as StructuredError, elapsedMs: Date.now() - started };
}

async function expectCleanedUp(config: AgentConfig): Promise<void> {
  await jobGone(config.namespace, config.jobName);
  for (const [kind, path] of agentObjectPaths(config)) expect(await exists(path), `${kind} left behind`).toBe(false);
}

describe('failures are reported clearly and early, and cleaned up', () => {
  it('agent exits non-zero: Job failed, with the last log lines', async () => {
    const config = gpuConfig({ namespace: uniqueNamespace('fail'), image: 'registry.example/aicr:fail' });
    const { error, elapsedMs } = await failingRun(config);
    expect(isStructuredError(error, 'INTERNAL')).toBe(true);
    expect(error.message).toContain('job failed: BackoffLimitExceeded');
    expect(error.message).toContain('agent exited with code 1');
    expect(String(error.context.logTail)).toContain('[agent] command failed');
    expect(elapsedMs).toBeLessThan(20_000);
    await expectCleanedUp(config);
  });

  it('image pull error', async () => {
    const config = gpuConfig({ namespace: uniqueNamespace('pull'), image: 'registry.example/aicr:pull-error' });
    const { error, elapsedMs } = await failingRun(config);
    expect(error.message).toContain('agent image cannot be pulled (ErrImagePull)');
    expect(error.message).toContain('--image-pull-secret');
    expect(elapsedMs).toBeLessThan(20_000);
    await expectCleanedUp(config);
  });

  it('unschedulable: no node matches', async () => {
    const config = gpuConfig({ namespace: uniqueNamespace('nosched'), nodeSelector: { nodeGroup: 'does-not-exist' } });
    const { error, elapsedMs } = await failingRun(config);
    expect(error.message).toContain('agent pod cannot be scheduled: 0/3 nodes are available');
    expect(error.message).toContain('--node-selector');
    expect(elapsedMs).toBeLessThan(20_000);
    await expectCleanedUp(config);
  });

  it('a privileged pod in a namespace enforcing Pod Security restricted', async () => {
    const config = gpuConfig({ namespace: POD_SECURITY_RESTRICTED_NAMESPACE });
    const { error, elapsedMs } = await failingRun(config);
    expect(error.message).toContain('the Job cannot create the agent pod');
    expect(error.message).toContain('violates PodSecurity "restricted:latest"');
    expect(error.message).toContain('--privileged=false');
    expect(elapsedMs).toBeLessThan(20_000);
    await expectCleanedUp(config);
  });

  it('output ConfigMap in another namespace: the agent is forbidden to write it', async () => {
    const namespace = uniqueNamespace('othercm');
    const config = gpuConfig({ namespace, output: 'cm://kube-public/aicr-snapshot' });
    const { error } = await failingRun(config);
    expect(error.message).toContain('job failed');
    expect(String(error.context.logTail)).toMatch(/configmaps "aicr-snapshot" is forbidden: User "system:serviceaccount:[^:]+:aicr" cannot patch resource "configmaps"/);
    expect(await exists(paths.configMap('kube-public', 'aicr-snapshot'))).toBe(false);
    await expectCleanedUp(config);
  });

  it('a real timeout', async () => {
    const config = gpuConfig({ namespace: uniqueNamespace('timeout'), image: 'registry.example/aicr:slow-60' });
    const { error, elapsedMs } = await failingRun(config, 3_000);
    expect(isStructuredError(error, 'TIMEOUT')).toBe(true);
    expect(error.message).toBe('[TIMEOUT] job completion timeout after 3s');
    expect(elapsedMs).toBeLessThan(15_000);
    await expectCleanedUp(config);
  });

  it('cancellation through the AbortSignal, followed by cleanup', async () => {
    const config = gpuConfig({ namespace: uniqueNamespace('cancel'), image: 'registry.example/aicr:slow-60' });
    const cancel = new AbortController();
    const pending = failingRun(config, 60_000, cancel.signal);
    // Cancel once the agent is running.
    await new Promise((r) => setTimeout(r, 3_000));
    cancel.abort(new Error('user pressed cancel'));
    const { error, elapsedMs, events } = await pending;
    expect(error.message).toBe('user pressed cancel');
    expect(events.some((e) => e.type === 'log')).toBe(true);
    expect(elapsedMs).toBeLessThan(15_000);
    await expectCleanedUp(config);
  });
});
