import { describe, expect, it } from 'vitest';
import { paths } from '../../electron/kube/paths.ts';
import { watchUntil } from '../../electron/kube/watch.ts';
import { client, cluster, uniqueNamespace } from './helpers.ts';

interface ConfigMap {
  metadata: { name: string; resourceVersion: string };
  data?: Record<string, string>;
}

describe('watch expiry on the real control plane', () => {
  it('a watch resuming from a compacted resourceVersion gets 410 Gone, re-lists and sees the current state', async () => {
    const admin = client();
    const namespace = uniqueNamespace('gone');
    await admin.request(paths.namespaces(), { method: 'POST', body: { metadata: { name: namespace } } });
    const created = await admin.request<ConfigMap>(paths.configMaps(namespace), { method: 'POST', body: { metadata: { name: 'watched' }, data: { step: '0' } } });
    for (let step = 1; step <= 3; step++) {
      await admin.request(paths.configMap(namespace, 'watched'), { method: 'PATCH', contentType: 'application/merge-patch+json', body: { data: { step: String(step) } } });
    }
    const compaction = await fetch(`${cluster().control}/compact-etcd`, { method: 'POST' });
    expect(compaction.status).toBe(200);

    const changes: string[] = [];
    const seen = await watchUntil<ConfigMap, ConfigMap>(
      admin,
      { path: paths.configMaps(namespace), fieldSelector: 'metadata.name=watched' },
      (change, objects) => {
        changes.push(change.type);
        // Only a re-list produces SYNCED: the watch started from a resourceVersion, without a list.
        return change.type === 'SYNCED' ? [...objects.values()][0] : undefined;
      },
      { signal: AbortSignal.timeout(20_000), resourceVersion: created.metadata.resourceVersion },
    );
    expect(changes).toEqual(['SYNCED']);
    expect(seen.data?.step).toBe('3');
  });
});
