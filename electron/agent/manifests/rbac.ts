/** The Namespace, ServiceAccount, Role, RoleBinding, ClusterRole and ClusterRoleBinding of the reference's rbac.go. */
import type { AgentConfig } from '../../../shared/agent-config.ts';
import { APP_NAME, CLUSTER_ROLE_NAME, LABEL_MANAGED_BY } from '../constants.ts';
import type { Namespace, Role, RoleBinding, ServiceAccount, Subject } from './types.ts';

type RbacConfig = Pick<AgentConfig, 'namespace' | 'serviceAccountName'>;

export function buildNamespace(config: Pick<AgentConfig, 'namespace'>): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: config.namespace, labels: { [LABEL_MANAGED_BY]: APP_NAME } } };
}

export function buildServiceAccount(config: RbacConfig): ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: config.serviceAccountName, namespace: config.namespace } };
}

/** Lets the agent write its snapshot ConfigMap and read pods, in the agent namespace only. */
export function buildRole(config: RbacConfig): Role {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: config.serviceAccountName, namespace: config.namespace },
    rules: [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'update', 'patch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
    ],
  };
}

function agentSubject(config: RbacConfig): Subject {
  return { kind: 'ServiceAccount', name: config.serviceAccountName, namespace: config.namespace };
}

export function buildRoleBinding(config: RbacConfig): RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: config.serviceAccountName, namespace: config.namespace },
    subjects: [agentSubject(config)],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: config.serviceAccountName },
  };
}

/** Cluster-wide reads the K8s and topology collectors need. */
export function buildClusterRole(): Role {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: CLUSTER_ROLE_NAME },
    rules: [
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: ['nvidia.com'], resources: ['clusterpolicies'], verbs: ['get', 'list'] },
    ],
  };
}

/** Fixed name: the last run to write it wins, replacing the subject. */
export function buildClusterRoleBinding(config: RbacConfig): RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: CLUSTER_ROLE_NAME },
    subjects: [agentSubject(config)],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CLUSTER_ROLE_NAME },
  };
}
