/**
 * Run orchestration: the order of steps, cleanup whatever happens, the final phase, and what the
 * user is told. The Deployer is replaced by a scripted stand-in; its own behaviour is proven on the
 * real control plane (integration tests).
 */
import { describe, expect, it, vi } from 'vitest';
import type { Deployer } from '../../electron/agent/deployer.ts';
import type { DeployerEvent } from '../../electron/agent/events.ts';
import type { OwnedObject } from '../../electron/agent/owned.ts';
import { runSnapshot, type SnapshotRunOptions } from '../../electron/agent/run.ts';
import { defaultAgentConfig } from '../../shared/agent-config.ts';
import { isStructuredError, newError } from '../../shared/errors.ts';
import { rejection } from '../rejection.ts';

interface Script {
  deploy?: (signal: AbortSignal) => Promise<void>;
  wait?: (signal: AbortSignal) => Promise<void>;
  cleanup?: (signal: AbortSignal) => Promise<void>;
  logs?: (signal: AbortSignal, onLines: (lines: string[]) => void) => Promise<void>;
  changed?: boolean;
}

function stubDeployer(script: Script = {}) {
  const steps: string[] = [];
  const events: DeployerEvent[] = [];
  const settles: string[] = [];
  const remaining: OwnedObject[] = [{ kind: 'Job', name: 'aicr-k3x9q2ab', namespace: 'ns', path: '/j' }];
  const stub = {
    runId: 'k3x9q2ab',
    config: defaultAgentConfig({ runId: 'k3x9q2ab', namespace: 'ns' }),
    client: { contextName: 'prod' },
    hasChangedCluster: script.changed ?? true,
    remainingObjects: remaining,
    emit: async (e: DeployerEvent) => void events.push(e),
    deploy: async (signal: AbortSignal) => {
      steps.push('deploy');
      await script.deploy?.(signal);
    },
    streamLogs: async (signal: AbortSignal, onLines: (lines: string[]) => void) => {
      steps.push('logs');
      await script.logs?.(signal, onLines);
    },
    waitForCompletion: async (_t: number, signal: AbortSignal, settle: string) => {
      steps.push('wait');
      settles.push(settle);
      await script.wait?.(signal);
    },
    getPodLogs: async () => 'last line\n',
    getSnapshot: async () => (steps.push('snapshot'), 'kind: Snapshot\n'),
    cleanup: async (options: { enabled: boolean; keepSnapshot?: boolean }, signal: AbortSignal) => {
      steps.push(`cleanup(${options.enabled ? 'on' : 'off'}${options.keepSnapshot ? ', keep snapshot' : ''})`);
      await script.cleanup?.(signal);
      if (options.enabled) remaining.splice(0);
      return { deleted: [], absent: [], skipped: [] };
    },
  };
  return { deployer: stub as unknown as Deployer, steps, events, settles };
}

const options = (extra: Partial<SnapshotRunOptions> = {}): SnapshotRunOptions => ({ timeoutMs: 1_000, cleanup: true, signal: new AbortController().signal, ...extra });
const phases = (events: DeployerEvent[]) => events.flatMap((e) => (e.type === 'phase' ? [e.phase] : []));
const warnings = (events: DeployerEvent[]) => events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));

describe('a snapshot run', () => {
  it('delivers the snapshot before cleaning up, and ends done', async () => {
    const { deployer, steps, events } = stubDeployer();
    const delivered: string[] = [];
    const result = await runSnapshot(deployer, options({ deliver: async (s) => void (delivered.push(s), steps.push('deliver')) }));
    expect(result.snapshot).toBe('kind: Snapshot\n');
    expect(steps).toEqual(['deploy', 'logs', 'wait', 'snapshot', 'deliver', 'cleanup(on)']);
    expect(phases(events)).toEqual(['done']);
  });

  it('a failed delivery keeps the staging ConfigMap and says where the snapshot is', async () => {
    const { deployer, steps, events } = stubDeployer();
    const error = await rejection(runSnapshot(deployer, options({ deliver: () => Promise.reject(newError('INTERNAL', 'cannot write the snapshot to /x (ENOSPC)')) })));
    expect(steps.at(-1)).toBe('cleanup(on, keep snapshot)');
    expect(error.message).toContain('cannot write the snapshot to /x (ENOSPC)');
    expect(error.message).toContain("the snapshot is still in ConfigMap ns/aicr-agent-snapshot-k3x9q2ab: kubectl get configmap -n ns aicr-agent-snapshot-k3x9q2ab -o jsonpath='{.data.snapshot\\.yaml}'");
    expect(error.message).toContain('remove it afterwards with: aicr-studio cleanup --context prod -n ns --run-id k3x9q2ab');
    expect(phases(events)).toEqual(['failed']);
  });

  it('a failure cleans up, attaches the log tail and ends failed', async () => {
    const { deployer, steps, events } = stubDeployer({ wait: () => Promise.reject(newError('INTERNAL', 'job failed')) });
    const error = await rejection(runSnapshot(deployer, options()));
    expect(isStructuredError(error) && error.context.logTail).toBe('last line\n');
    expect(steps).toEqual(['deploy', 'logs', 'wait', 'cleanup(on)']);
    expect(phases(events)).toEqual(['failed']);
  });

  it('a pre-flight refusal created nothing: no cleanup', async () => {
    const { deployer, steps } = stubDeployer({ changed: false, deploy: () => Promise.reject(newError('UNAUTHORIZED', 'missing permissions')) });
    expect((await rejection(runSnapshot(deployer, options()))).message).toBe('[UNAUTHORIZED] missing permissions');
    expect(steps).toEqual(['deploy']);
  });

  it('cancelled, it still cleans up (with a fresh signal) and ends cancelled with CANCELLED', async () => {
    const controller = new AbortController();
    let cleanupSignal: AbortSignal | undefined;
    const { deployer, events } = stubDeployer({
      wait: (signal) => new Promise((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      cleanup: async (signal) => void (cleanupSignal = signal),
    });
    setTimeout(() => controller.abort(new Error('interrupted by SIGTERM')), 10);
    const error = await rejection(runSnapshot(deployer, options({ signal: controller.signal })));
    expect(error.message).toBe('[CANCELLED] interrupted by SIGTERM');
    expect(cleanupSignal?.aborted).toBe(false);
    expect(phases(events)).toEqual(['cancelled']);
  });

  it('cleanup cut short (a second signal) names what remains and how to remove it', async () => {
    const hurry = new AbortController();
    hurry.abort();
    const { deployer, events } = stubDeployer({ cleanup: (signal) => Promise.reject(signal.reason) });
    await runSnapshot(deployer, options({ cleanupSignal: hurry.signal }));
    expect(warnings(events)).toEqual([
      'cleanup interrupted; still in the cluster: Job ns/aicr-k3x9q2ab. Remove them with: aicr-studio cleanup --context prod -n ns --run-id k3x9q2ab',
    ]);
  });

  it('with cleanup disabled, every object is reported kept, with the cluster-wide warning', async () => {
    const { deployer, steps, events } = stubDeployer();
    await runSnapshot(deployer, options({ cleanup: false }));
    expect(steps.at(-1)).toBe('cleanup(off)');
    expect(warnings(events)[0]).toContain('resources kept (cleanup disabled); the ClusterRoleBinding keeps cluster-wide read access');
  });
  it('waits for the Job to be marked Complete only when it leaves the Job behind', async () => {
    const cleaned = stubDeployer();
    await runSnapshot(cleaned.deployer, options());
    expect(cleaned.settles).toEqual(['pod-succeeded']);
    const kept = stubDeployer();
    await runSnapshot(kept.deployer, options({ cleanup: false }));
    expect(kept.settles).toEqual(['job-complete']);
  });

  describe('the log stream after the agent finished', () => {
    const sleep = (ms: number, signal: AbortSignal) => new Promise((resolve, reject) => (setTimeout(resolve, ms), signal.addEventListener('abort', () => reject(signal.reason))));

    it('is drained for as long as lines keep coming (a flood behind a slow reader loses nothing)', async () => {
      vi.useFakeTimers();
      try {
        let delivered = 0;
        const { deployer, events } = stubDeployer({
          logs: async (signal, onLines) => {
            // 20 s of lines, one batch a second: far beyond the stall limit in total, never stalled.
            for (let i = 0; i < 20; i++) {
              await sleep(1_000, signal);
              onLines(['line']);
              delivered++;
            }
          },
        });
        const run = runSnapshot(deployer, options());
        await vi.advanceTimersByTimeAsync(30_000);
        await run;
        expect(delivered).toBe(20);
        expect(warnings(events)).toEqual([]);
      } finally {
        vi.useRealTimers();
      }
    });

    it('is given up with a warning after 5 s without a line, and the run still completes', async () => {
      vi.useFakeTimers();
      try {
        let cancelled = false;
        const { deployer, steps, events } = stubDeployer({
          logs: (signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => ((cancelled = true), reject(signal.reason)))),
        });
        const run = runSnapshot(deployer, options());
        await vi.advanceTimersByTimeAsync(4_900);
        expect(steps).not.toContain('snapshot');
        await vi.advanceTimersByTimeAsync(200);
        await run;
        expect(cancelled).toBe(true);
        expect(steps).toContain('snapshot');
        expect(warnings(events)).toEqual([expect.stringContaining("the agent's log stream stalled for 5 s after the agent finished")]);
      } finally {
        vi.useRealTimers();
      }
    });
  });
});
