/** Shared pieces of the integration tests: clients for the real cluster's contexts and run recorders. */
import { inject } from 'vitest';
import { defaultAgentConfig, type AgentConfig } from '../../shared/agent-config.ts';
import { Deployer } from '../../electron/agent/deployer.ts';
import type { RunEvent } from '../../electron/agent/events.ts';
import type { KubeClient } from '../../electron/kube/client.ts';
import { clientForContext } from '../../electron/kube/context.ts';
import { isNotFound } from '../../electron/kube/errors.ts';
import { paths } from '../../electron/kube/paths.ts';
import { CONTEXTS } from '../cluster/kubeconfig.ts';

export { CONTEXTS };

export function cluster() {
  return inject('cluster');
}

export function client(context: string = CONTEXTS.admin): KubeClient {
  return clientForContext({ kubeconfigPath: cluster().kubeconfig, context });
}

/** A config aimed at the simulated GPU nodes, in a namespace of the test's own, with a fresh run ID. */
export function gpuConfig(overrides: Partial<AgentConfig> = {}): AgentConfig {
  return defaultAgentConfig({
    nodeSelector: { nodeGroup: 'customer-gpu' },
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    ...overrides,
  });
}

export interface RecordedRun {
  deployer: Deployer;
  events: RunEvent[];
  /** Milliseconds since the recorder was made, per event. */
  times: number[];
}

/** A Deployer recording its events; `onEvent` also sees each one (to act at a given moment of a run). */
export function recordedDeployer(config: AgentConfig, context: string = CONTEXTS.admin, onEvent?: (event: RunEvent) => void): RecordedRun {
  const events: RunEvent[] = [];
  const times: number[] = [];
  const start = Date.now();
  const deployer = new Deployer(client(context), config, {
    onEvent: (e) => {
      events.push(e);
      times.push(Date.now() - start);
      onEvent?.(e);
    },
  });
  return { deployer, events, times };
}

export async function exists(path: string): Promise<boolean> {
  try {
    await client().request(path);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** The run-owned objects of a run, as [kind, path]: Job, ServiceAccount, Role, RoleBinding, ClusterRole, ClusterRoleBinding, staging ConfigMap. */
export function agentObjectPaths(deployer: Deployer): [string, string][] {
  const ns = deployer.config.namespace;
  const { job, serviceAccount, clusterRole, stagingConfigMap } = deployer.names;
  return [
    ['Job', paths.job(ns, job)],
    ['ServiceAccount', paths.serviceAccount(ns, serviceAccount)],
    ['Role', paths.role(ns, serviceAccount)],
    ['RoleBinding', paths.roleBinding(ns, serviceAccount)],
    ['ClusterRole', paths.clusterRole(clusterRole)],
    ['ClusterRoleBinding', paths.clusterRoleBinding(clusterRole)],
    ['ConfigMap', paths.configMap(ns, stagingConfigMap)],
  ];
}

const RUN_LABELLED = [
  '/api/v1/pods',
  '/api/v1/serviceaccounts',
  '/api/v1/configmaps',
  '/apis/batch/v1/jobs',
  '/apis/rbac.authorization.k8s.io/v1/roles',
  '/apis/rbac.authorization.k8s.io/v1/rolebindings',
  '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
];

interface LabelledObject {
  name: string;
  deleting: boolean;
}

async function labelledObjects(labelSelector: string): Promise<LabelledObject[]> {
  const lists = await Promise.all(
    RUN_LABELLED.map(async (path) => {
      const list = await client().request<{ items: { metadata: { name: string; deletionTimestamp?: string } }[] }>(path, { query: { labelSelector } });
      return list.items.map((i) => ({ name: `${path.split('/').at(-1)}/${i.metadata.name}`, deleting: i.metadata.deletionTimestamp !== undefined }));
    }),
  );
  return lists.flat();
}

/** Nothing of the run is still on its way out: no object being deleted, no pod left without its Job (the garbage collector's to remove). */
function settled(objects: readonly LabelledObject[]): boolean {
  const has = (kind: string) => objects.some((o) => o.name.startsWith(`${kind}/`));
  return !objects.some((o) => o.deleting) && (!has('pods') || has('jobs'));
}

/**
 * Every object in the cluster carrying the run's ID label (pods included), as "collection/name".
 * By default it first lets deletions finish (up to 15 s): the garbage collector removes a Job's pods,
 * and then the Job, a moment after cleanup's deletion was accepted, and there is no one event to
 * await across kinds, so it looks again every 200 ms. `settled: false` answers at once.
 */
export async function objectsOfRun(runId: string, options: { settled?: boolean } = {}): Promise<string[]> {
  const labelSelector = `aicr.run/run-id=${runId}`;
  let objects = await labelledObjects(labelSelector);
  const deadline = Date.now() + 15_000;
  while ((options.settled ?? true) && !settled(objects) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    objects = await labelledObjects(labelSelector);
  }
  return objects.map((o) => o.name);
}

/** A fresh namespace name per test keeps runs independent. */
let counter = 0;
export function uniqueNamespace(prefix: string): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}
