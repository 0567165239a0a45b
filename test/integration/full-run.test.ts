import { describe, expect, it } from 'vitest';
import { runSnapshot } from '../../electron/agent/run.ts';
import { paths } from '../../electron/kube/paths.ts';
import { runNames } from '../../shared/run-names.ts';
import { parseSnapshot, subtypeData } from '../../shared/snapshot.ts';
import { agentObjectPaths, client, exists, gpuConfig, objectsOfRun, recordedDeployer, uniqueNamespace } from './helpers.ts';

describe('a full snapshot run on the real control plane', () => {
  it('checks permissions, deploys, streams logs while running, reads the snapshot and cleans up', async () => {
    const namespace = uniqueNamespace('full');
    // A slow agent keeps the pod Running for a few seconds, so streaming has to happen live.
    const config = gpuConfig({ namespace, image: 'registry.example/aicr:slow-3' });
    const { deployer, events, times } = recordedDeployer(config);

    const result = await runSnapshot(deployer, { timeoutMs: 60_000, cleanup: true, signal: AbortSignal.timeout(60_000) });

    const phases = events.flatMap((e) => (e.type === 'phase' ? [e.phase] : []));
    expect(phases).toEqual(['checking-permissions', 'deploying', 'waiting-for-pod', 'running', 'retrieving-snapshot', 'cleaning-up', 'done']);
    const created = events.flatMap((e) => (e.type === 'resource' && e.action === 'created' ? [e.kind] : []));
    expect(created).toEqual(['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Job']);
    // The Kubernetes events of the Job and its pod are reported (controller and scheduler), also those
    // written before the run started watching them.
    const kubeEvents = events.flatMap((e) => (e.type === 'kube-event' ? [e] : []));
    expect(kubeEvents.map((e) => `${e.object.split(' ')[0]}/${e.reason}`)).toEqual(expect.arrayContaining(['Job/SuccessfulCreate', 'Pod/Scheduled']));
    const job = runNames(config).job;
    for (const e of kubeEvents) expect(e.object).toMatch(new RegExp(`^(Job ${job}|Pod ${job}-[a-z0-9]+)$`));
    // Every event carries the run ID and a strictly increasing sequence number.
    expect(new Set(events.map((e) => e.runId))).toEqual(new Set([config.runId]));
    expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));

    // The pod landed on a GPU node through the node selector and the toleration of the GPU taint.
    const podEvents = events.flatMap((e) => (e.type === 'pod' ? [e.pod] : []));
    const node = podEvents.find((p) => p.node)?.node;
    // Each pod change is reported once, although several watches see it.
    const summaries = podEvents.map((p) => JSON.stringify(p));
    expect(summaries.filter((s, i) => s === summaries[i - 1])).toEqual([]);
    // ...and never goes back to an older state (both watches start from their own moment).
    const rank = ['Pending', 'Running', 'Succeeded'];
    const ranks = podEvents.map((p) => rank.indexOf(p.phase));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(node).toMatch(/^gpu-node-[12]$/);

    // Log lines arrived while the pod was Running, before it finished.
    const indexOf = (predicate: (e: (typeof events)[number]) => boolean) => events.findIndex(predicate);
    const running = indexOf((e) => e.type === 'pod' && e.pod.phase === 'Running');
    const firstLog = indexOf((e) => e.type === 'log');
    const lastLog = events.findLastIndex((e) => e.type === 'log');
    expect(running).toBeGreaterThanOrEqual(0);
    expect(firstLog).toBeGreaterThan(running);
    // The slow agent spends 3 s between its first and last lines; they must arrive spread over that time, not at the end.
    expect(times[lastLog]! - times[firstLog]!).toBeGreaterThan(2_000);
    // The stream's end is told once its last lines are in, before the snapshot is read.
    const logEnd = indexOf((e) => e.type === 'log-end');
    expect(logEnd).toBeGreaterThan(lastLog);
    expect(logEnd).toBeLessThan(indexOf((e) => e.type === 'phase' && e.phase === 'retrieving-snapshot'));
    const lines = events.flatMap((e) => (e.type === 'log' ? e.lines.toArray() : []));
    expect(lines.some((l) => l.includes('[agent] collecting Kubernetes cluster information'))).toBe(true);
    expect(lines.some((l) => l.includes('[agent] waiting for collectors: elapsed=3s'))).toBe(true);

    // The snapshot came from the agent's node and from real cluster data.
    const snapshot = parseSnapshot(result.snapshot);
    expect(snapshot.metadata['source-node']).toBe(node);
    const version = await client().request<{ gitVersion: string }>(paths.version());
    expect(subtypeData(snapshot, 'K8s', 'server')?.version).toBe(version.gitVersion);
    expect(subtypeData(snapshot, 'GPU', 'smi')?.['gpu-count']).toBe(8);
    expect(subtypeData(snapshot, 'NodeTopology', 'summary')?.['node-count']).toBe(3);

    // Cleanup removed everything the run created (the staging ConfigMap too); the namespace stays.
    expect(result.cleanup?.deleted.map((r) => r.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Job', 'Role', 'RoleBinding', 'ServiceAccount']);
    expect(await objectsOfRun(config.runId)).toEqual([]);
    expect(await exists(paths.namespace(namespace))).toBe(true);
  });

  it('with cleanup disabled, keeps everything and warns about the cluster-wide binding left behind', async () => {
    const namespace = uniqueNamespace('keep');
    const config = gpuConfig({ namespace });
    const { deployer, events } = recordedDeployer(config);
    const result = await runSnapshot(deployer, { timeoutMs: 60_000, cleanup: false, signal: AbortSignal.timeout(60_000) });
    expect(result.cleanup).toBeUndefined();
    const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    expect(warnings).toEqual([expect.stringContaining('resources kept (cleanup disabled)')]);
    expect(warnings[0]).toContain(`ClusterRoleBinding ${deployer.names.clusterRole}`);
    expect(warnings[0]).toContain(`aicr-studio cleanup --context aicr-admin -n ${namespace} --run-id ${config.runId}`);
    const kept = events.flatMap((e) => (e.type === 'resource' && e.action === 'kept' ? [e.kind] : []));
    expect(kept).toHaveLength(7);
    for (const [kind, path] of agentObjectPaths(deployer)) expect(await exists(path), `${kind} should be kept`).toBe(true);
    await deployer.cleanup({ enabled: true }, AbortSignal.timeout(30_000));
    expect(await objectsOfRun(config.runId)).toEqual([]);
  });
});
