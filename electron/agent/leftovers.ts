/**
 * Objects left by earlier runs (crashed, killed, --no-cleanup), found by their run-ID label and
 * grouped per run. Removing them uses the same UID-pinned deletion as a run's own cleanup, so only
 * exactly the listed objects can go.
 */
import { isRunId, LABEL_RUN_ID, LABEL_RUN_NAMESPACE, RUN_ID_LENGTH, STAGING_CONFIGMAP_PREFIX } from '../../shared/run-names.ts';
import type { KubeClient } from '../kube/client.ts';
import { APP_NAME, LABEL_APP_NAME, LABEL_MANAGED_BY } from './constants.ts';
import { connectionFailure } from './failures.ts';
import type { Job, KubeObject } from './manifests/types.ts';
import { deleteOwnedObjects, type DeletionResult, type OwnedObject } from './owned.ts';
import { jobOutcome } from './pod-status.ts';

interface Collection {
  kind: string;
  /** API prefix, e.g. /api/v1 or /apis/batch/v1. */
  api: string;
  resource: string;
  namespaced: boolean;
  /** Overrides the run-ID label selector; `runIdOf` then tells which run an object belongs to. */
  labelSelector?: string;
  runIdOf?: (meta: KubeObject['metadata']) => string | undefined;
}

const RUN_OWNED_COLLECTIONS: Collection[] = [
  { kind: 'Job', api: '/apis/batch/v1', resource: 'jobs', namespaced: true },
  { kind: 'ServiceAccount', api: '/api/v1', resource: 'serviceaccounts', namespaced: true },
  { kind: 'Role', api: '/apis/rbac.authorization.k8s.io/v1', resource: 'roles', namespaced: true },
  { kind: 'RoleBinding', api: '/apis/rbac.authorization.k8s.io/v1', resource: 'rolebindings', namespaced: true },
  { kind: 'ConfigMap', api: '/api/v1', resource: 'configmaps', namespaced: true },
  { kind: 'ClusterRole', api: '/apis/rbac.authorization.k8s.io/v1', resource: 'clusterroles', namespaced: false },
  { kind: 'ClusterRoleBinding', api: '/apis/rbac.authorization.k8s.io/v1', resource: 'clusterrolebindings', namespaced: false },
  // An agent still running when its run was cleaned up can write its staging ConfigMap again: the
  // server-side apply then creates it with the agent's labels only. Its name carries the run ID.
  {
    kind: 'ConfigMap',
    api: '/api/v1',
    resource: 'configmaps',
    namespaced: true,
    labelSelector: `${LABEL_APP_NAME}=${APP_NAME},!${LABEL_RUN_ID}`,
    runIdOf: (meta) => STAGING_NAME.exec(meta.name ?? '')?.[1],
  },
];

const STAGING_NAME = new RegExp(`^${STAGING_CONFIGMAP_PREFIX}-([a-z][a-z0-9]{${RUN_ID_LENGTH - 1}})$`);

export interface LeftoverRun {
  runId: string;
  /** The run's agent namespace. */
  namespace: string;
  /** The oldest object's creation time (ISO 8601). */
  createdAt: string;
  objects: OwnedObject[];
  /** The run's Job exists and has neither completed nor failed: the run may still be going. */
  jobActive: boolean;
}

const enc = encodeURIComponent;

function collectionPath(c: Collection, namespace: string | undefined): string {
  return c.namespaced && namespace !== undefined ? `${c.api}/namespaces/${enc(namespace)}/${c.resource}` : `${c.api}/${c.resource}`;
}

function objectPath(c: Collection, meta: KubeObject['metadata']): string {
  const name = enc(meta.name as string);
  return c.namespaced ? `${c.api}/namespaces/${enc(meta.namespace as string)}/${c.resource}/${name}` : `${c.api}/${c.resource}/${name}`;
}

/** Every run with objects left in the cluster (in one namespace, or all), oldest first. */
export async function listLeftoverRuns(client: KubeClient, scope: { namespace?: string }, signal: AbortSignal): Promise<LeftoverRun[]> {
  const base = `${LABEL_RUN_ID},${LABEL_MANAGED_BY}=${APP_NAME}`;
  const lists = await Promise.all(
    RUN_OWNED_COLLECTIONS.map(async (c) => {
      const labelSelector = c.labelSelector ?? (!c.namespaced && scope.namespace !== undefined ? `${base},${LABEL_RUN_NAMESPACE}=${scope.namespace}` : base);
      try {
        const list = await client.request<{ items: KubeObject[] }>(collectionPath(c, scope.namespace), { query: { labelSelector }, signal });
        return list.items.map((item) => ({ collection: c, item }));
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        const where = scope.namespace === undefined ? 'in all namespaces (try -n NAMESPACE)' : `in namespace ${scope.namespace}`;
        throw connectionFailure(err, `cannot list ${c.resource} ${where}`);
      }
    }),
  );
  const runs = new Map<string, LeftoverRun>();
  for (const { collection, item } of lists.flat()) {
    const meta = item.metadata;
    const runId = (collection.runIdOf ? collection.runIdOf(meta) : meta.labels?.[LABEL_RUN_ID]) ?? '';
    // Objects already being deleted (a Job waiting for its pods) are on their way out, not leftovers.
    if (!isRunId(runId) || meta.deletionTimestamp) continue;
    const namespace = meta.namespace ?? meta.labels?.[LABEL_RUN_NAMESPACE] ?? '';
    const run = runs.get(runId) ?? { runId, namespace, createdAt: meta.creationTimestamp ?? '', objects: [], jobActive: false };
    if (run.namespace === '') run.namespace = namespace;
    if ((meta.creationTimestamp ?? '') < run.createdAt || run.createdAt === '') run.createdAt = meta.creationTimestamp ?? run.createdAt;
    run.objects.push({
      kind: collection.kind,
      name: meta.name as string,
      ...(meta.namespace ? { namespace: meta.namespace } : {}),
      path: objectPath(collection, meta),
      uid: meta.uid as string,
    });
    if (collection.kind === 'Job' && !jobOutcome(item as Job)) run.jobActive = true;
    runs.set(runId, run);
  }
  return [...runs.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Deletes exactly the listed objects of a leftover run (UID-pinned); Jobs first in the list, all concurrently. */
export function removeLeftoverRun(client: KubeClient, run: LeftoverRun, signal: AbortSignal): Promise<DeletionResult> {
  return deleteOwnedObjects(client, run.objects, run.runId, signal);
}
