import type { AgentConfig } from '../../../shared/agent-config.ts';
import { buildJob } from './job.ts';
import { buildClusterRole, buildClusterRoleBinding, buildNamespace, buildRole, buildRoleBinding, buildServiceAccount } from './rbac.ts';
import type { KubeObject } from './types.ts';

/** Every object `snapshot` creates, in creation order: Namespace, ServiceAccount, Role, RoleBinding, ClusterRole, ClusterRoleBinding, Job. */
export function buildAllManifests(config: AgentConfig): KubeObject[] {
  return [
    buildNamespace(config),
    buildServiceAccount(config),
    buildRole(config),
    buildRoleBinding(config),
    buildClusterRole(),
    buildClusterRoleBinding(config),
    buildJob(config),
  ];
}
