import { describe, expect, it } from 'vitest';
import type { NodeSummary } from '../../shared/contract.ts';
import { labelSuggestions } from '../../shared/label-suggestions.ts';
import { toNodeTable } from '../../shared/node-table.ts';

const node = (name: string, labels: Record<string, string>): NodeSummary => ({ name, labels: { 'kubernetes.io/hostname': name, ...labels }, taints: [], gpus: 0 });

describe('node selector suggestions', () => {
  it('every key once, every pair of a small cluster, sorted', () => {
    const { keys, pairs } = labelSuggestions(toNodeTable([node('gpu-1', { nodeGroup: 'gpu' }), node('gpu-2', { nodeGroup: 'gpu' }), node('cpu-1', { nodeGroup: 'system' })]));
    expect(keys).toEqual(['kubernetes.io/hostname', 'nodeGroup']);
    expect(pairs).toEqual(['kubernetes.io/hostname=cpu-1', 'kubernetes.io/hostname=gpu-1', 'kubernetes.io/hostname=gpu-2', 'nodeGroup=gpu', 'nodeGroup=system']);
  });

  it('in a big cluster, the pairs many nodes share rather than one hostname per node', () => {
    const nodes = Array.from({ length: 5_000 }, (_v, i) => node(`node-${i}`, { nodeGroup: `pool-${i % 50}`, 'nvidia.com/gpu.product': i % 2 ? 'H100' : 'A100' }));
    const { keys, pairs } = labelSuggestions(toNodeTable(nodes), 100);
    expect(keys).toEqual(['kubernetes.io/hostname', 'nodeGroup', 'nvidia.com/gpu.product']);
    expect(pairs).toHaveLength(100);
    expect(pairs).toEqual(expect.arrayContaining(['nvidia.com/gpu.product=A100', 'nvidia.com/gpu.product=H100', 'nodeGroup=pool-0', 'nodeGroup=pool-49']));
    expect(pairs.filter((p) => p.startsWith('kubernetes.io/hostname='))).toHaveLength(48);
  });
});
