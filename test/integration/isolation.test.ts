/**
 * Runs own what they create: run-scoped names, nothing that existed before is touched, any number of
 * runs at once, cancellation at any moment leaves nothing, leftovers are found and removed by run.
 */
import { describe, expect, it } from 'vitest';
import { listLeftoverRuns, removeLeftoverRun } from '../../electron/agent/leftovers.ts';
import type { Job, KubeObject, Role } from '../../electron/agent/manifests/types.ts';
import { runSnapshot } from '../../electron/agent/run.ts';
import { paths } from '../../electron/kube/paths.ts';
import { isStructuredError } from '../../shared/errors.ts';
import { parseSnapshot } from '../../shared/snapshot.ts';
import { client, exists, gpuConfig, objectsOfRun, recordedDeployer, uniqueNamespace } from './helpers.ts';

const run = (deployer: Parameters<typeof runSnapshot>[0], cleanup = true) => runSnapshot(deployer, { timeoutMs: 60_000, cleanup, signal: AbortSignal.timeout(60_000) });

async function createNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
  await client().request(paths.namespaces(), { method: 'POST', body: { metadata: { name, labels } } });
}

describe('run isolation on the real control plane', () => {
  it("labels a pre-existing namespace and never touches the user's objects that share the given names", async () => {
    const admin = client();
    const namespace = uniqueNamespace('owned');
    await createNamespace(namespace, { team: 'gpu' });
    // What a careless user has in the namespace: a default ServiceAccount with pull secrets, a nightly Job, a ci-bot Role.
    const defaultSa = await admin.request<KubeObject>(paths.serviceAccount(namespace, 'default')).catch(() =>
      admin.request<KubeObject>(paths.serviceAccounts(namespace), { method: 'POST', body: { metadata: { name: 'default' }, imagePullSecrets: [{ name: 'registry' }] } }),
    );
    const job = await admin.request<Job>(paths.jobs(namespace), {
      method: 'POST',
      body: { metadata: { name: 'nightly-backup' }, spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'backup:1' }] } } } },
    });
    const role = await admin.request<Role>(paths.roles(namespace), { method: 'POST', body: { metadata: { name: 'ci-bot' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] } });

    for (const names of [{ serviceAccountName: 'default' }, { jobName: 'nightly-backup', serviceAccountName: 'ci-bot' }]) {
      const { deployer } = recordedDeployer(gpuConfig({ namespace, ...names }));
      const result = await run(deployer);
      expect(parseSnapshot(result.snapshot).kind).toBe('Snapshot');
      expect(deployer.names.serviceAccount).toBe(`${names.serviceAccountName}-${deployer.runId}`);
      expect(await objectsOfRun(deployer.runId)).toEqual([]);
    }
    const uidOf = async (path: string) => (await admin.request<KubeObject>(path)).metadata.uid;
    expect(await uidOf(paths.serviceAccount(namespace, 'default'))).toBe(defaultSa.metadata.uid);
    expect(await uidOf(paths.job(namespace, 'nightly-backup'))).toBe(job.metadata.uid);
    const roleNow = await admin.request<Role>(paths.role(namespace, 'ci-bot'));
    expect([roleNow.metadata.uid, roleNow.rules]).toEqual([role.metadata.uid, role.rules]);
    const ns = await admin.request<KubeObject>(paths.namespace(namespace));
    expect(ns.metadata.labels).toMatchObject({ team: 'gpu', 'app.kubernetes.io/managed-by': 'aicr' });
  });

  it('three runs started at once in one namespace with the same settings all succeed with their own snapshot and leave nothing', async () => {
    const namespace = uniqueNamespace('three');
    const runs = [1, 2, 3].map(() => recordedDeployer(gpuConfig({ namespace, image: 'registry.example/aicr:slow-2' })));
    const results = await Promise.all(runs.map((r) => run(r.deployer)));
    expect(new Set(runs.map((r) => r.deployer.runId)).size).toBe(3);
    expect(new Set(runs.map((r) => r.deployer.names.clusterRole)).size).toBe(3);
    results.forEach((result, i) => {
      const { events, deployer } = runs[i]!;
      // The snapshot each run returned is the one its own agent wrote: on the node its own pod ran on.
      const node = events.flatMap((e) => (e.type === 'pod' && e.pod.node ? [e.pod.node] : []))[0];
      expect(parseSnapshot(result.snapshot).metadata['source-node']).toBe(node);
      expect(events.every((e) => e.runId === deployer.runId)).toBe(true);
      expect(events.some((e) => e.type === 'warning')).toBe(false);
    });
    for (const { deployer } of runs) expect(await objectsOfRun(deployer.runId)).toEqual([]);
  });

  it('runs in two namespaces get their own ClusterRole and ClusterRoleBinding', async () => {
    const runs = ['ns-a', 'ns-b'].map((n) => recordedDeployer(gpuConfig({ namespace: uniqueNamespace(n) })));
    await Promise.all(runs.map((r) => r.deployer.deploy(AbortSignal.timeout(30_000))));
    const bindings = await Promise.all(runs.map((r) => client().request<{ subjects: { namespace: string }[] }>(paths.clusterRoleBinding(r.deployer.names.clusterRole))));
    expect(bindings.map((b) => b.subjects[0]?.namespace)).toEqual(runs.map((r) => r.deployer.config.namespace));
    await Promise.all(runs.map((r) => r.deployer.cleanup({ enabled: true }, AbortSignal.timeout(30_000))));
    for (const { deployer } of runs) expect(await objectsOfRun(deployer.runId)).toEqual([]);
  });

  it('cancelled at any step of deploying, a run leaves nothing behind', async () => {
    const namespace = uniqueNamespace('cancelat');
    await createNamespace(namespace);
    // Cancel when the n-th object is reported created (1 = namespace ... 8 = Job), i.e. while the next create is in flight.
    for (let step = 1; step <= 8; step++) {
      const cancel = new AbortController();
      let created = 0;
      const { deployer } = recordedDeployer(gpuConfig({ namespace, image: 'registry.example/aicr:slow-30' }));
      const recorder = deployer.emit.bind(deployer);
      deployer.emit = (event) => {
        if (event.type === 'resource' && ++created === step) setTimeout(() => cancel.abort(new Error(`cancelled at step ${step}`)), 2);
        return recorder(event);
      };
      const error = await runSnapshot(deployer, { timeoutMs: 60_000, cleanup: true, signal: cancel.signal }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isStructuredError(error, 'CANCELLED'), `step ${step}`).toBe(true);
      expect(await objectsOfRun(deployer.runId), `step ${step}`).toEqual([]);
    }
  });

  it('leftovers of runs are listed per run and removed exactly, UID-pinned', async () => {
    const namespace = uniqueNamespace('leftover');
    const kept = recordedDeployer(gpuConfig({ namespace }));
    await run(kept.deployer, false);
    const active = recordedDeployer(gpuConfig({ namespace, image: 'registry.example/aicr:slow-60' }));
    await active.deployer.deploy(AbortSignal.timeout(30_000));

    const runs = await listLeftoverRuns(client(), { namespace }, AbortSignal.timeout(10_000));
    expect(runs.map((r) => [r.runId, r.jobActive])).toEqual([
      [kept.deployer.runId, false],
      [active.deployer.runId, true],
    ]);
    const finished = runs[0]!;
    expect(finished.namespace).toBe(namespace);
    expect(finished.objects.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Job', 'Role', 'RoleBinding', 'ServiceAccount']);
    expect(Date.now() - Date.parse(finished.createdAt)).toBeLessThan(120_000);
    // Listing all namespaces finds the same runs (and maybe others).
    const everywhere = await listLeftoverRuns(client(), {}, AbortSignal.timeout(10_000));
    expect(everywhere.map((r) => r.runId)).toEqual(expect.arrayContaining(runs.map((r) => r.runId)));

    // An object replaced since the listing (same name, new UID) is left alone.
    const sa = finished.objects.find((o) => o.kind === 'ServiceAccount')!;
    await client().request(sa.path, { method: 'DELETE' });
    await client().request(paths.serviceAccounts(namespace), { method: 'POST', body: { metadata: { name: sa.name } } });
    const result = await removeLeftoverRun(client(), finished, AbortSignal.timeout(30_000));
    expect(result.skipped.map((o) => o.kind)).toEqual(['ServiceAccount']);
    expect(result.deleted).toHaveLength(6);
    expect(await exists(sa.path)).toBe(true);
    expect(await objectsOfRun(kept.deployer.runId)).toEqual([]);

    await active.deployer.cleanup({ enabled: true }, AbortSignal.timeout(30_000));
    expect(await objectsOfRun(active.deployer.runId)).toEqual([]);
  });

  it("a staging ConfigMap an agent wrote again after its run's cleanup is still found by its name, and nothing else", async () => {
    const namespace = uniqueNamespace('rewritten');
    await createNamespace(namespace);
    const late = gpuConfig({ namespace });
    const agentLabels = { 'app.kubernetes.io/name': 'aicr', 'app.kubernetes.io/component': 'Snapshot' };
    // What the agent's server-side apply creates when the run already deleted its ConfigMap: its own labels only.
    await client().request(paths.configMaps(namespace), { method: 'POST', body: { metadata: { name: `aicr-agent-snapshot-${late.runId}`, labels: agentLabels }, data: { 'snapshot.yaml': 'x' } } });
    // A delivered snapshot (cm://ns/aicr-snapshot) carries the same labels and is the user's: never a leftover.
    await client().request(paths.configMaps(namespace), { method: 'POST', body: { metadata: { name: 'aicr-snapshot', labels: agentLabels }, data: { 'snapshot.yaml': 'x' } } });
    const runs = await listLeftoverRuns(client(), { namespace }, AbortSignal.timeout(10_000));
    expect(runs.map((r) => [r.runId, r.objects.map((o) => `${o.kind}/${o.name}`)])).toEqual([[late.runId, [`ConfigMap/aicr-agent-snapshot-${late.runId}`]]]);
    await removeLeftoverRun(client(), runs[0]!, AbortSignal.timeout(10_000));
    expect(await exists(paths.configMap(namespace, `aicr-agent-snapshot-${late.runId}`))).toBe(false);
    expect(await exists(paths.configMap(namespace, 'aicr-snapshot'))).toBe(true);
  });
});
