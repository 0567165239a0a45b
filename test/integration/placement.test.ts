/** Placement that cannot silently miss the GPU. */
import { describe, expect, it } from 'vitest';
import { runSnapshot } from '../../electron/agent/run.ts';
import { defaultAgentConfig } from '../../shared/agent-config.ts';
import { parseSnapshot, subtypeData } from '../../shared/snapshot.ts';
import { objectsOfRun, recordedDeployer, uniqueNamespace } from './helpers.ts';

const warningsOf = (events: ReturnType<typeof recordedDeployer>['events']) => events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));

describe('GPU placement', () => {
  it('without any placement constraint, GPU nodes are targeted and the user is told', async () => {
    const { deployer, events } = recordedDeployer(defaultAgentConfig({ namespace: uniqueNamespace('auto') }));
    const result = await runSnapshot(deployer, { timeoutMs: 60_000, cleanup: true, signal: AbortSignal.timeout(60_000) });
    expect(deployer.config.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(warningsOf(events)).toEqual([
      'no node selector given: targeting GPU nodes (nvidia.com/gpu.present=true, 2 in the cluster); pass --node-selector to choose nodes yourself',
    ]);
    const snapshot = parseSnapshot(result.snapshot);
    expect(snapshot.metadata['source-node']).toMatch(/^gpu-node-[12]$/);
    expect(subtypeData(snapshot, 'GPU', 'smi')?.['gpu-count']).toBe(8);
    expect(await objectsOfRun(deployer.runId)).toEqual([]);
  });

  it('a snapshot without GPU data on a cluster with GPU nodes warns, naming the node and the fix', async () => {
    const { deployer, events } = recordedDeployer(defaultAgentConfig({ namespace: uniqueNamespace('cpu'), nodeSelector: { nodeGroup: 'system' } }));
    const result = await runSnapshot(deployer, { timeoutMs: 60_000, cleanup: true, signal: AbortSignal.timeout(60_000) });
    expect(parseSnapshot(result.snapshot).metadata['source-node']).toBe('cpu-node-1');
    expect(warningsOf(events)).toEqual([
      'the snapshot has no GPU data: the agent ran on node cpu-node-1, which reports no GPU, while the cluster has 2 GPU node(s) (gpu-node-1, gpu-node-2); target one with --node-selector nvidia.com/gpu.present=true or --require-gpu',
    ]);
  });
});
