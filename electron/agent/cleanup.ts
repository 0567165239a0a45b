/**
 * Removal of the Job and the five RBAC objects (TARGET): all deletions fanned out concurrently, every
 * one attempted, NotFound ignored, one combined error in a fixed order. The namespace and the snapshot
 * ConfigMap are kept.
 */
import type { AgentConfig } from '../../shared/agent-config.ts';
import { describeError, ErrorCode, newError } from '../../shared/errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { isNotFound } from '../kube/errors.ts';
import { paths } from '../kube/paths.ts';
import { CLUSTER_ROLE_NAME } from './constants.ts';

export interface AgentResource {
  kind: string;
  name: string;
  namespace?: string;
  path: string;
}

/** The objects cleanup removes, in the order errors are reported. */
export function agentResources(config: Pick<AgentConfig, 'namespace' | 'jobName' | 'serviceAccountName'>): AgentResource[] {
  const { namespace: ns, jobName, serviceAccountName: sa } = config;
  return [
    { kind: 'Job', name: jobName, namespace: ns, path: paths.job(ns, jobName) },
    { kind: 'ServiceAccount', name: sa, namespace: ns, path: paths.serviceAccount(ns, sa) },
    { kind: 'Role', name: sa, namespace: ns, path: paths.role(ns, sa) },
    { kind: 'RoleBinding', name: sa, namespace: ns, path: paths.roleBinding(ns, sa) },
    { kind: 'ClusterRole', name: CLUSTER_ROLE_NAME, path: paths.clusterRole(CLUSTER_ROLE_NAME) },
    { kind: 'ClusterRoleBinding', name: CLUSTER_ROLE_NAME, path: paths.clusterRoleBinding(CLUSTER_ROLE_NAME) },
  ];
}

export interface CleanupResult {
  deleted: AgentResource[];
  absent: AgentResource[];
}

export async function deleteAgentResources(client: KubeClient, resources: readonly AgentResource[], signal: AbortSignal): Promise<CleanupResult> {
  const outcomes = await Promise.allSettled(
    resources.map(async (r) => {
      try {
        await client.request(r.path, {
          method: 'DELETE',
          body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Foreground' },
          signal,
        });
        return 'deleted' as const;
      } catch (err) {
        if (isNotFound(err)) return 'absent' as const;
        throw err;
      }
    }),
  );
  const result: CleanupResult = { deleted: [], absent: [] };
  const failures: string[] = [];
  outcomes.forEach((outcome, i) => {
    const r = resources[i] as AgentResource;
    if (outcome.status === 'fulfilled') result[outcome.value].push(r);
    else failures.push(`  - ${r.kind} "${r.name}": ${describeError(outcome.reason)}`);
  });
  if (failures.length > 0) {
    throw newError(ErrorCode.Internal, `failed to delete ${failures.length} resource(s):\n${failures.join('\n')}`, { result });
  }
  return result;
}
