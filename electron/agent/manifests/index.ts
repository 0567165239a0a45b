import { ownsOutputConfigMap, type AgentConfig } from '../../../shared/agent-config.ts';
import { buildJob } from './job.ts';
import { buildClusterRole, buildClusterRoleBinding, buildNamespace, buildRole, buildRoleBinding, buildServiceAccount, buildStagingConfigMap } from './rbac.ts';
import type { KubeObject } from './types.ts';

/**
 * Every object `snapshot` creates, in creation order: Namespace, ServiceAccount, Role, RoleBinding,
 * ClusterRole, ClusterRoleBinding, the staging ConfigMap when the run owns its output, Job.
 */
export function buildAllManifests(config: AgentConfig): KubeObject[] {
  return [
    buildNamespace(config),
    buildServiceAccount(config),
    buildRole(config),
    buildRoleBinding(config),
    buildClusterRole(config),
    buildClusterRoleBinding(config),
    ...(ownsOutputConfigMap(config) ? [buildStagingConfigMap(config)] : []),
    buildJob(config),
  ];
}
