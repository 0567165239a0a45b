/**
 * The same default run driven the reference's way, for comparison in the same benchmark: permission
 * checks one after another, the objects created in order, the Job polled every 500 ms until it
 * completes, the logs read once, the snapshot read, everything deleted and the Job polled until gone.
 */
import { defaultAgentConfig } from '../../shared/agent-config.ts';
import { runNames } from '../../shared/run-names.ts';
import { CONTAINER_NAME, LABEL_CONTROLLER_UID } from '../../electron/agent/constants.ts';
import { buildAllManifests } from '../../electron/agent/manifests/index.ts';
import type { Job, KubeObject } from '../../electron/agent/manifests/types.ts';
import { requiredPermissions, resourceAttributesOf } from '../../electron/agent/permissions.ts';
import { jobOutcome } from '../../electron/agent/pod-status.ts';
import type { KubeClient } from '../../electron/kube/client.ts';
import { isNotFound } from '../../electron/kube/errors.ts';
import { paths } from '../../electron/kube/paths.ts';

const POLL_MS = 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Collection and object paths of a manifest. */
function pathsOf(object: KubeObject): { collection: string; item: string } {
  const ns = object.metadata.namespace ?? '';
  const name = object.metadata.name as string;
  const byKind: Record<string, [string, string]> = {
    Namespace: [paths.namespaces(), paths.namespace(name)],
    ServiceAccount: [paths.serviceAccounts(ns), paths.serviceAccount(ns, name)],
    Role: [paths.roles(ns), paths.role(ns, name)],
    RoleBinding: [paths.roleBindings(ns), paths.roleBinding(ns, name)],
    ClusterRole: [paths.clusterRoles(), paths.clusterRole(name)],
    ClusterRoleBinding: [paths.clusterRoleBindings(), paths.clusterRoleBinding(name)],
    ConfigMap: [paths.configMaps(ns), paths.configMap(ns, name)],
    Job: [paths.jobs(ns), paths.job(ns, name)],
  };
  const [collection, item] = byKind[object.kind as string] as [string, string];
  return { collection, item };
}

/** Wall time of one polling-style run, in ms; throws when the run does not produce a snapshot. */
export async function pollingRunMs(client: KubeClient, namespace: string, nodeSelector: Record<string, string>): Promise<number> {
  const config = defaultAgentConfig({ namespace, nodeSelector });
  const started = performance.now();
  for (const r of requiredPermissions(config)) {
    const spec = { resourceAttributes: resourceAttributesOf(r) };
    await client.request(paths.selfSubjectAccessReviews(), { method: 'POST', body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec } });
  }
  const manifests = buildAllManifests(config);
  const created: KubeObject[] = [];
  for (const manifest of manifests) {
    try {
      created.push(await client.request<KubeObject>(pathsOf(manifest).collection, { method: 'POST', body: manifest }));
    } catch (err) {
      if (!(manifest.kind === 'Namespace' && (err as { status?: number }).status === 409)) throw err;
    }
  }
  const names = runNames(config);
  let job: Job;
  for (;;) {
    job = await client.request<Job>(paths.job(namespace, names.job));
    if (jobOutcome(job)) break;
    await sleep(POLL_MS);
  }
  if (!jobOutcome(job)?.complete) throw new Error('the polling baseline run failed');
  const pods = await client.request<{ items: { metadata: { name: string } }[] }>(paths.pods(namespace), { query: { labelSelector: `${LABEL_CONTROLLER_UID}=${job.metadata.uid}` } });
  await (await client.stream(paths.podLog(namespace, pods.items[0]?.metadata.name as string), { query: { container: CONTAINER_NAME } })).toArray();
  await client.request(paths.configMap(namespace, names.stagingConfigMap));
  for (const object of created.filter((o) => o.kind !== 'Namespace').reverse()) {
    await client.request(pathsOf(object).item, { method: 'DELETE', body: { propagationPolicy: object.kind === 'Job' ? 'Foreground' : 'Background' } });
  }
  for (;;) {
    try {
      await client.request(paths.job(namespace, names.job));
    } catch (err) {
      if (isNotFound(err)) break;
      throw err;
    }
    await sleep(POLL_MS);
  }
  return performance.now() - started;
}
