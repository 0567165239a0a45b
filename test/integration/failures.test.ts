import { describe, expect, it } from 'vitest';
import { runSnapshot } from '../../electron/agent/run.ts';
import { paths } from '../../electron/kube/paths.ts';
import type { AgentConfig } from '../../shared/agent-config.ts';
import { isStructuredError, type StructuredError } from '../../shared/errors.ts';
import type { RunEvent } from '../../electron/agent/events.ts';
import { POD_SECURITY_RESTRICTED_NAMESPACE } from '../cluster/fixtures.ts';
import { exists, gpuConfig, objectsOfRun, recordedDeployer, uniqueNamespace } from './helpers.ts';

/** Runs a snapshot expected to fail; returns the error and how long it took. */
async function failingRun(config: AgentConfig, timeoutMs = 60_000, signal: AbortSignal = AbortSignal.timeout(90_000), onEvent?: (event: RunEvent) => void) {
  const run = recordedDeployer(config, undefined, onEvent);
  const started = Date.now();
  const error = await runSnapshot(run.deployer, { timeoutMs, cleanup: true, signal }).then(
    () => undefined,
    (e: unknown) => e,
  );
  // Whatever went wrong, the run's last word is its final phase.
  expect(run.events.at(-1)).toMatchObject({ type: 'phase', phase: signal.aborted ? 'cancelled' : 'failed' });
  return { ...run, error: error as StructuredError, elapsedMs: Date.now() - started };
}

async function expectCleanedUp(config: AgentConfig): Promise<void> {
  expect(await objectsOfRun(config.runId)).toEqual([]);
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

  it('unschedulable with no node in the cluster matching: fails at once', async () => {
    const config = gpuConfig({ namespace: uniqueNamespace('nosched'), nodeSelector: { nodeGroup: 'does-not-exist' } });
    const { error, elapsedMs } = await failingRun(config);
    expect(error.message).toContain('agent pod cannot be scheduled: 0/3 nodes are available');
    expect(error.message).toContain('--node-selector');
    expect(elapsedMs).toBeLessThan(20_000);
    await expectCleanedUp(config);
  });

  it('unschedulable although nodes match (no room now, a pool may scale up): warns with the reason and keeps waiting', async () => {
    const gpus = { 'nvidia.com/gpu': '16' };
    const config = gpuConfig({ namespace: uniqueNamespace('noroom'), requests: gpus, limits: gpus });
    const { error, events } = await failingRun(config, 4_000);
    expect(isStructuredError(error, 'TIMEOUT')).toBe(true);
    const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    expect(warnings).toContainEqual(expect.stringMatching(/^agent pod not scheduled yet, still waiting: .*Insufficient nvidia\.com\/gpu/));
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

  it('output ConfigMap in another namespace the agent could not write: refused before anything is created', async () => {
    const namespace = uniqueNamespace('othercm');
    const config = gpuConfig({ namespace, output: 'cm://kube-public/aicr-snapshot' });
    const { error, deployer, elapsedMs } = await failingRun(config);
    expect(isStructuredError(error, 'UNAUTHORIZED')).toBe(true);
    expect(error.message).toContain(`agent ServiceAccount: patch configmaps (namespace "kube-public"): needed to let the agent write cm://kube-public/aicr-snapshot`);
    expect(error.message).toContain(`use -n kube-public or another output`);
    expect(deployer.hasChangedCluster).toBe(false);
    expect(await exists(paths.namespace(namespace))).toBe(false);
    expect(elapsedMs).toBeLessThan(5_000);
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
    // Cancel once the agent is running and logging.
    const { error, elapsedMs, events } = await failingRun(config, 60_000, cancel.signal, (e) => {
      if (e.type === 'log') cancel.abort(new Error('user pressed cancel'));
    });
    expect(isStructuredError(error, 'CANCELLED')).toBe(true);
    expect(error.message).toBe('[CANCELLED] user pressed cancel');
    expect(events.some((e) => e.type === 'log')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'phase', phase: 'cancelled' });
    expect(elapsedMs).toBeLessThan(15_000);
    await expectCleanedUp(config);
  });
});
