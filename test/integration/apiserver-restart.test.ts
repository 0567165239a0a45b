import { describe, expect, it } from 'vitest';
import { runSnapshot } from '../../electron/agent/run.ts';
import { parseSnapshot } from '../../shared/snapshot.ts';
import { cluster, gpuConfig, recordedDeployer, uniqueNamespace } from './helpers.ts';

describe('watch resilience', () => {
  it('survives the API server restarting mid-wait (re-list, re-watch) and completes', async () => {
    let logging: () => void = () => {};
    const firstLog = new Promise<void>((resolve) => (logging = resolve));
    const config = gpuConfig({ namespace: uniqueNamespace('restart'), image: 'registry.example/aicr:slow-15' });
    const { deployer, events } = recordedDeployer(config, undefined, (e) => e.type === 'log' && logging());
    const run = runSnapshot(deployer, { timeoutMs: 60_000, cleanup: true, signal: AbortSignal.timeout(80_000) });
    await firstLog;
    const restart = await fetch(`${cluster().control}/restart-apiserver`, { method: 'POST' });
    expect(restart.status).toBe(200);

    const result = await run;
    expect(parseSnapshot(result.snapshot).kind).toBe('Snapshot');
    expect(events.some((e) => e.type === 'reconnecting' && e.what === 'agent Job')).toBe(true);
    // The log stream itself dropped with the API server and was resumed.
    expect(events.some((e) => e.type === 'reconnecting' && e.what === 'agent logs')).toBe(true);
    const lines = events.flatMap((e) => (e.type === 'log' ? e.lines.toArray() : []));
    // Every line of the agent arrived exactly once and in order, across the restart.
    const elapsed = lines.flatMap((l) => /elapsed=(\d+)s/.exec(l)?.[1] ?? []).map(Number);
    expect(elapsed).toEqual(Array.from({ length: 15 }, (_v, i) => i + 1));
    expect(new Set(lines).size).toBe(lines.length);
  });
});
