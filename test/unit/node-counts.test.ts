/** The form's node counts over the node table agree with matching each node as an object does. */
import { describe, expect, it } from 'vitest';
import type { NodeSummary } from '../../shared/contract.ts';
import { nodeCounts } from '../../shared/node-counts.ts';
import { canHost, matchesSelector } from '../../shared/node-match.ts';
import { toNodeTable } from '../../shared/node-table.ts';
import type { Toleration } from '../../shared/tolerations.ts';

const gpuTaint = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };
const nodes: NodeSummary[] = Array.from({ length: 60 }, (_v, i) => ({
  name: `node-${i}`,
  labels: { 'kubernetes.io/hostname': `node-${i}`, pool: `pool-${i % 3}`, ...(i % 2 ? { 'nvidia.com/gpu.present': 'true' } : {}) },
  taints: [...(i % 2 ? [gpuTaint] : []), ...(i % 5 === 0 ? [{ key: 'maintenance', effect: 'NoExecute' }] : []), ...(i % 7 === 0 ? [{ key: 'soft', effect: 'PreferNoSchedule' }] : [])],
  gpus: i % 2 ? 8 : 0,
}));

const selectors: Record<string, string>[] = [{}, { pool: 'pool-1' }, { pool: 'pool-1', 'nvidia.com/gpu.present': 'true' }, { 'kubernetes.io/hostname': 'node-5' }, { pool: 'pool-9' }, { pool: 'pool-1', missing: 'x' }];
const tolerationSets: Toleration[][] = [[], [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }], [{ operator: 'Exists' }], [{ key: 'maintenance', operator: 'Equal', value: '', effect: 'NoExecute' }]];

describe('node counts over the node table', () => {
  it('match, host and list taints as matching each node does, for every selector and tolerations', () => {
    const table = toNodeTable(nodes);
    for (const selector of selectors) {
      for (const tolerations of tolerationSets) {
        const matching = nodes.filter((n) => matchesSelector(n, selector));
        const counts = nodeCounts(table, selector, tolerations);
        expect(counts.matching).toBe(matching.length);
        expect(counts.hosting).toBe(matching.filter((n) => canHost(n, selector, tolerations)).length);
        const taints = new Map(matching.flatMap((n) => n.taints).map((t) => [JSON.stringify(t), t]));
        expect(counts.taintsOfMatching).toHaveLength(taints.size);
        expect(counts.taintsOfMatching).toEqual(expect.arrayContaining([...taints.values()]));
      }
    }
  });

  it('a label pair no node has matches nothing; an empty selector matches every node', () => {
    const table = toNodeTable(nodes);
    expect(nodeCounts(table, { pool: 'pool-9' }, []).matching).toBe(0);
    expect(nodeCounts(table, {}, [{ operator: 'Exists' }])).toMatchObject({ matching: 60, hosting: 60 });
  });
});
