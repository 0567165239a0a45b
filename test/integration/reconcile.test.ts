import { describe, expect, it } from 'vitest';
import { waitForJobDeletion } from '../../electron/agent/job-lifecycle.ts';
import { buildClusterRole, buildRole } from '../../electron/agent/manifests/rbac.ts';
import type { Job, Role } from '../../electron/agent/manifests/types.ts';
import { runSnapshot } from '../../electron/agent/run.ts';
import { paths } from '../../electron/kube/paths.ts';
import { client, gpuConfig, recordedDeployer, uniqueNamespace } from './helpers.ts';

const staleRules = [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'delete'] }];

describe('reconciliation against existing objects', () => {
  it('labels a pre-existing namespace, replaces stale roles, reuses the ServiceAccount', async () => {
    const admin = client();
    const namespace = uniqueNamespace('reconcile');
    const config = gpuConfig({ namespace });
    await admin.request(paths.namespaces(), { method: 'POST', body: { metadata: { name: namespace, labels: { team: 'gpu' } } } });
    const sa = await admin.request<{ metadata: { uid: string } }>(paths.serviceAccounts(namespace), {
      method: 'POST',
      body: { metadata: { name: config.serviceAccountName, annotations: { 'example.com/owner': 'platform' } } },
    });
    await admin.request(paths.roles(namespace), { method: 'POST', body: { metadata: { name: config.serviceAccountName }, rules: staleRules } });
    await admin.request(paths.clusterRoles(), { method: 'POST', body: { metadata: { name: 'aicr-node-reader' }, rules: staleRules } }).catch(async () => {
      await admin.request(paths.clusterRole('aicr-node-reader'), { method: 'PUT', body: { metadata: { name: 'aicr-node-reader' }, rules: staleRules } });
    });

    const { deployer, events } = recordedDeployer(config);
    await deployer.deploy(AbortSignal.timeout(30_000));

    const actions = Object.fromEntries(events.flatMap((e) => (e.type === 'resource' ? [[e.kind, e.action]] : [])));
    expect(actions).toMatchObject({ Namespace: 'labelled', ServiceAccount: 'reused', Role: 'updated', ClusterRole: 'updated', Job: 'created' });

    const ns = await admin.request<{ metadata: { labels: Record<string, string> } }>(paths.namespace(namespace));
    expect(ns.metadata.labels).toMatchObject({ team: 'gpu', 'app.kubernetes.io/managed-by': 'aicr' });
    const role = await admin.request<Role>(paths.role(namespace, config.serviceAccountName));
    expect(role.rules).toEqual(buildRole(config).rules);
    const clusterRole = await admin.request<Role>(paths.clusterRole('aicr-node-reader'));
    expect(clusterRole.rules).toEqual(buildClusterRole().rules);
    const reusedSa = await admin.request<{ metadata: { uid: string; annotations: Record<string, string> } }>(paths.serviceAccount(namespace, config.serviceAccountName));
    expect(reusedSa.metadata.uid).toBe(sa.metadata.uid);
    expect(reusedSa.metadata.annotations['example.com/owner']).toBe('platform');

    await deployer.waitForCompletion(60_000, AbortSignal.timeout(60_000));
    await deployer.cleanup({ enabled: true }, AbortSignal.timeout(30_000));
  });

  it('deletes a leftover Job with foreground propagation and recreates it once the watch saw it go', async () => {
    const admin = client();
    const namespace = uniqueNamespace('leftover');
    // A slow agent leaves a running Job (with a running pod) behind, as an interrupted run would.
    const first = recordedDeployer(gpuConfig({ namespace, image: 'registry.example/aicr:slow-60' }));
    await first.deployer.deploy(AbortSignal.timeout(30_000));
    await first.deployer.waitForPodReady(30_000, AbortSignal.timeout(30_000));
    const oldJob = await admin.request<Job>(paths.job(namespace, 'aicr'));

    const second = recordedDeployer(gpuConfig({ namespace }));
    const result = await runSnapshot(second.deployer, { timeoutMs: 60_000, cleanup: true, signal: AbortSignal.timeout(60_000) });
    expect(result.snapshot).toContain('kind: Snapshot');

    const jobEvents = second.events.flatMap((e) => (e.type === 'resource' && e.kind === 'Job' ? [e.action] : []));
    expect(jobEvents.slice(0, 2)).toEqual(['deleted', 'created']);
    // The old pod was terminated by the foreground deletion, not left running.
    const pods = await admin.request<{ items: { metadata: { labels: Record<string, string> } }[] }>(paths.pods(namespace));
    expect(pods.items.filter((p) => p.metadata.labels['batch.kubernetes.io/controller-uid'] === oldJob.metadata.uid)).toEqual([]);
  });

  it('observes a Job deletion through the watch as soon as it happens', async () => {
    const admin = client();
    const namespace = uniqueNamespace('watchdelete');
    await admin.request(paths.namespaces(), { method: 'POST', body: { metadata: { name: namespace } } });
    // A finalizer holds the Job in deletion until the test removes it.
    await admin.request(paths.jobs(namespace), {
      method: 'POST',
      body: {
        metadata: { name: 'held', finalizers: ['example.com/hold'] },
        spec: { template: { spec: { restartPolicy: 'Never', nodeSelector: { nodeGroup: 'none' }, containers: [{ name: 'c', image: 'busybox' }] } } },
      },
    });
    await admin.request(paths.job(namespace, 'held'), { method: 'DELETE', body: { propagationPolicy: 'Foreground' } });
    const waiting = waitForJobDeletion(admin, { namespace, name: 'held' }, AbortSignal.timeout(20_000), 20_000);
    let settled = false;
    void waiting.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(settled).toBe(false);
    const releasedAt = Date.now();
    await admin.request(paths.job(namespace, 'held'), { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { finalizers: null } } });
    await waiting;
    expect(Date.now() - releasedAt).toBeLessThan(3_000);
  });
});
