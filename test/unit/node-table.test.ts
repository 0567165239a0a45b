/** Nodes as main sends them to the window: each label pair and taint once, read back as they were. */
import { describe, expect, it } from 'vitest';
import type { NodeSummary } from '../../shared/contract.ts';
import { fromNodeTable, toNodeTable } from '../../shared/node-table.ts';

const gpuTaint = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };
const nodes: NodeSummary[] = [
  { name: 'gpu-1', labels: { 'kubernetes.io/hostname': 'gpu-1', 'nvidia.com/gpu.present': 'true', pool: 'a' }, taints: [gpuTaint], gpus: 8 },
  { name: 'gpu-2', labels: { 'kubernetes.io/hostname': 'gpu-2', 'nvidia.com/gpu.present': 'true', pool: 'a' }, taints: [{ ...gpuTaint }, { key: 'dedicated', effect: 'NoExecute' }], gpus: 8 },
  // The same key with another value, and a value with the separator's neighbours in it.
  { name: 'cpu-1', labels: { 'kubernetes.io/hostname': 'cpu-1', pool: 'b', note: 'a=b,c' }, taints: [{ key: 'dedicated', value: '', effect: 'NoExecute' }], gpus: 0 },
  { name: 'bare', labels: {}, taints: [], gpus: 0 },
];

describe('the node table', () => {
  it('reads back every node as it was: names, labels, taints, GPUs, in order', () => {
    expect(fromNodeTable(toNodeTable(nodes))).toEqual(nodes);
    expect(fromNodeTable(JSON.parse(JSON.stringify(toNodeTable(nodes))))).toEqual(nodes);
  });

  it('holds each label pair and taint once', () => {
    const table = toNodeTable(nodes);
    expect(table.labelPairs).toHaveLength(7);
    expect(table.labelPairs.filter(([key]) => key === 'pool')).toEqual([['pool', 'a'], ['pool', 'b']]);
    // A taint without a value and one with an empty value are different taints.
    expect(table.taints).toEqual([gpuTaint, { key: 'dedicated', effect: 'NoExecute' }, { key: 'dedicated', value: '', effect: 'NoExecute' }]);
    expect(table.nodes[1]).toEqual({ name: 'gpu-2', labels: [3, 1, 2], taints: [0, 1], gpus: 8 });
  });

  it('is a fraction of the nodes as objects when they share their labels, as a GPU cluster\'s do', () => {
    const shared = Object.fromEntries(Array.from({ length: 80 }, (_v, i) => [`feature.node.kubernetes.io/cpu-cpuid.FEATURE${i}`, 'true']));
    const many: NodeSummary[] = Array.from({ length: 500 }, (_v, i) => ({ name: `node-${i}`, labels: { ...shared, 'kubernetes.io/hostname': `node-${i}` }, taints: [gpuTaint], gpus: 8 }));
    expect(JSON.stringify(toNodeTable(many)).length).toBeLessThan(JSON.stringify(many).length / 5);
  });
});
