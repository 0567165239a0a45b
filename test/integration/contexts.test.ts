import { describe, expect, it } from 'vitest';
import { runSnapshot } from '../../electron/agent/run.ts';
import { isStructuredError } from '../../shared/errors.ts';
import { parseSnapshot } from '../../shared/snapshot.ts';
import { CONTEXTS, gpuConfig, objectsOfRun, recordedDeployer, uniqueNamespace } from './helpers.ts';

describe('kubeconfig contexts', () => {
  it('an unreachable API server fails within seconds with SERVICE_UNAVAILABLE and the network guidance', async () => {
    const { deployer } = recordedDeployer(gpuConfig({ namespace: uniqueNamespace('unreach') }), CONTEXTS.unreachable);
    const started = Date.now();
    const error = await runSnapshot(deployer, { timeoutMs: 60_000, cleanup: true, signal: AbortSignal.timeout(60_000) }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(isStructuredError(error, 'SERVICE_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('cannot reach Kubernetes API server');
    expect((error as Error).message).toContain('Is your VPN connected?');
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('an exec credential plugin context runs a full snapshot', async () => {
    const { deployer } = recordedDeployer(gpuConfig({ namespace: uniqueNamespace('exec') }), CONTEXTS.exec);
    const result = await runSnapshot(deployer, { timeoutMs: 60_000, cleanup: true, signal: AbortSignal.timeout(60_000) });
    expect(parseSnapshot(result.snapshot).metadata['source-node']).toMatch(/^gpu-node-[12]$/);
    expect(result.cleanup?.deleted).toHaveLength(7);
    expect(await objectsOfRun(deployer.runId)).toEqual([]);
  });
});
