/** Shared pieces of the integration tests: clients for the real cluster's contexts and run recorders. */
import { inject } from 'vitest';
import { defaultAgentConfig, type AgentConfig } from '../../shared/agent-config.ts';
import { Deployer } from '../../electron/agent/deployer.ts';
import type { RunEvent } from '../../electron/agent/events.ts';
import type { KubeClient } from '../../electron/kube/client.ts';
import { clientForContext } from '../../electron/kube/context.ts';
import { isNotFound } from '../../electron/kube/errors.ts';
import { paths } from '../../electron/kube/paths.ts';
import { watchUntil } from '../../electron/kube/watch.ts';
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

/** Waits (watching) until the named Job is gone; foreground deletion finishes after its pods. */
export async function jobGone(namespace: string, name: string, timeoutMs = 30_000): Promise<void> {
  await watchUntil(client(), { path: paths.jobs(namespace), fieldSelector: `metadata.name=${name}` }, (_c, jobs) => (jobs.size === 0 ? true : undefined), {
    signal: AbortSignal.timeout(timeoutMs),
  });
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

/**
 * Every object in the cluster carrying the run's ID label (pods included), as "collection/name".
 * By default waits for the run's pods to go first (their deletion follows the Job's).
 */
export async function objectsOfRun(runId: string, options: { awaitPodDeletion?: boolean } = {}): Promise<string[]> {
  const labelSelector = `aicr.run/run-id=${runId}`;
  if (options.awaitPodDeletion ?? true) await watchUntil(client(), { path: '/api/v1/pods', labelSelector }, (_c, pods) => (pods.size === 0 ? true : undefined), { signal: AbortSignal.timeout(30_000) });
  const lists = await Promise.all(
    RUN_LABELLED.map(async (path) => {
      const list = await client().request<{ items: { metadata: { name: string } }[] }>(path, { query: { labelSelector } });
      return list.items.map((i) => `${path.split('/').at(-1)}/${i.metadata.name}`);
    }),
  );
  return lists.flat();
}

/** A fresh namespace name per test keeps runs independent. */
let counter = 0;
export function uniqueNamespace(prefix: string): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}
