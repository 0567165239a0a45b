import { describe, expect, it } from 'vitest';
import type { NodeSummary } from '../../shared/contract.ts';
import { paths } from '../../electron/kube/paths.ts';
import { listNodes, nodeFromJson, PROTOBUF, type NodeObject } from '../../electron/kube/node-list.ts';
import { fromNodeTable } from '../../shared/node-table.ts';
import { client, uniqueNamespace } from './helpers.ts';

describe('node list', () => {
  it('the API server answers in protobuf, and its reading equals the JSON list field for field', async () => {
    const admin = client();
    const name = uniqueNamespace('protobuf-node');
    // No GPU capacity and a NoExecute taint: nothing a parallel test runs may land on it.
    await admin.request(paths.nodes(), {
      method: 'POST',
      body: {
        metadata: { name, labels: { 'example.com/protobuf-check': 'value_1.x-y', 'example.com/empty': '' } },
        spec: { taints: [{ key: 'example.com/no-value', effect: 'NoExecute' }, { key: 'example.com/with-value', value: 'x', effect: 'NoSchedule' }] },
      },
    }).catch((err: unknown) => {
      throw new Error(`creating the test node: ${(err as Error).message}`);
    });
    try {
      const answer = await admin.requestBytes(paths.nodes(), { accept: `${PROTOBUF}, application/json` });
      expect(answer.contentType).toBe(PROTOBUF);
      // The simulated nodes (GPU capacity, taints, labels) and the one made here; others may come and go meanwhile.
      const names = ['gpu-node-1', 'gpu-node-2', 'cpu-node-1', name];
      const readBoth = async () => {
        const [protobuf, json] = await Promise.all([listNodes(admin, AbortSignal.timeout(10_000)), admin.request<{ items: NodeObject[] }>(paths.nodes())]);
        const fromJson = json.items.map(nodeFromJson);
        const pick = (nodes: NodeSummary[]) => names.map((n) => nodes.find((node) => node.name === n));
        return [pick(fromNodeTable(protobuf)), pick(fromJson)] as const;
      };
      // The node controller may taint the new node between the two reads: read again then, a few times.
      let [protobufNodes, jsonNodes] = await readBoth();
      for (let attempt = 0; attempt < 3 && JSON.stringify(protobufNodes) !== JSON.stringify(jsonNodes); attempt++) [protobufNodes, jsonNodes] = await readBoth();
      expect(protobufNodes).toEqual(jsonNodes);
      expect(protobufNodes.map((node) => node?.name)).toEqual(names);
      expect(protobufNodes[0]?.gpus).toBe(8);
      expect(protobufNodes[3]?.taints).toEqual(expect.arrayContaining([{ key: 'example.com/no-value', effect: 'NoExecute' }, { key: 'example.com/with-value', value: 'x', effect: 'NoSchedule' }]));
      expect(protobufNodes[3]?.labels).toEqual({ 'example.com/protobuf-check': 'value_1.x-y', 'example.com/empty': '' });
    } finally {
      await admin.request(paths.node(name), { method: 'DELETE' });
    }
  });
});
