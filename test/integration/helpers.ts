/** Shared pieces of the integration tests: clients for the real cluster's contexts and run recorders. */
import { inject } from 'vitest';
import { defaultAgentConfig, type AgentConfig } from '../../shared/agent-config.ts';
import { Deployer } from '../../electron/agent/deployer.ts';
import type { DeployerEvent } from '../../electron/agent/events.ts';
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

/** A config aimed at the simulated GPU nodes, in a namespace of the test's own. */
export function gpuConfig(overrides: Partial<AgentConfig> = {}): AgentConfig {
  const namespace = overrides.namespace ?? 'default';
  return defaultAgentConfig({
    namespace,
    nodeSelector: { nodeGroup: 'customer-gpu' },
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    output: `cm://${namespace}/aicr-snapshot`,
    ...overrides,
  });
}

export interface RecordedRun {
  deployer: Deployer;
  events: DeployerEvent[];
  /** Milliseconds since the recorder was made, per event. */
  times: number[];
}

export function recordedDeployer(config: AgentConfig, context: string = CONTEXTS.admin): RecordedRun {
  const events: DeployerEvent[] = [];
  const times: number[] = [];
  const start = Date.now();
  const deployer = new Deployer(client(context), config, {
    onEvent: (e) => {
      events.push(e);
      times.push(Date.now() - start);
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

/** The five RBAC objects and the Job a run creates, as [label, path]. */
export function agentObjectPaths(config: AgentConfig): [string, string][] {
  const ns = config.namespace;
  const sa = config.serviceAccountName;
  return [
    ['Job', paths.job(ns, config.jobName)],
    ['ServiceAccount', paths.serviceAccount(ns, sa)],
    ['Role', paths.role(ns, sa)],
    ['RoleBinding', paths.roleBinding(ns, sa)],
    ['ClusterRole', paths.clusterRole('aicr-node-reader')],
    ['ClusterRoleBinding', paths.clusterRoleBinding('aicr-node-reader')],
  ];
}

/** A fresh namespace name per test keeps runs independent. */
let counter = 0;
export function uniqueNamespace(prefix: string): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}
