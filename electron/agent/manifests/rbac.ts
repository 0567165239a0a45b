/**
 * The Namespace, ServiceAccount, Role, RoleBinding, ClusterRole and ClusterRoleBinding of the
 * reference's rbac.go, with its rules, but run-scoped: named after the run (run-names.ts) and
 * labelled with its run ID, so every run has its own identity and grants no other run shares.
 */
import type { AgentConfig } from '../../../shared/agent-config.ts';
import { runNames } from '../../../shared/run-names.ts';
import { APP_NAME, LABEL_MANAGED_BY } from '../constants.ts';
import { clusterScopedRunLabels, runOwnedLabels } from './labels.ts';
import type { ConfigMap, Namespace, Role, RoleBinding, ServiceAccount, Subject } from './types.ts';

type RunConfig = Pick<AgentConfig, 'namespace' | 'serviceAccountName' | 'jobName' | 'runId'>;

export function buildNamespace(config: Pick<AgentConfig, 'namespace'>): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: config.namespace, labels: { [LABEL_MANAGED_BY]: APP_NAME } } };
}

function namespaced(config: RunConfig, name: string) {
  return { name, namespace: config.namespace, labels: runOwnedLabels(config) };
}

export function buildServiceAccount(config: RunConfig): ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: namespaced(config, runNames(config).serviceAccount) };
}

/** Lets the agent write its snapshot ConfigMap and read pods, in the agent namespace only. */
export function buildRole(config: RunConfig): Role {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: namespaced(config, runNames(config).serviceAccount),
    rules: [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'update', 'patch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
    ],
  };
}

function agentSubject(config: RunConfig): Subject {
  return { kind: 'ServiceAccount', name: runNames(config).serviceAccount, namespace: config.namespace };
}

export function buildRoleBinding(config: RunConfig): RoleBinding {
  const name = runNames(config).serviceAccount;
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: namespaced(config, name),
    subjects: [agentSubject(config)],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
  };
}

/** Cluster-wide reads the K8s and topology collectors need. */
export function buildClusterRole(config: RunConfig): Role {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: runNames(config).clusterRole, labels: clusterScopedRunLabels(config) },
    rules: [
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: ['nvidia.com'], resources: ['clusterpolicies'], verbs: ['get', 'list'] },
    ],
  };
}

/** Binds this run's ClusterRole to this run's ServiceAccount only. */
export function buildClusterRoleBinding(config: RunConfig): RoleBinding {
  const name = runNames(config).clusterRole;
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: clusterScopedRunLabels(config) },
    subjects: [agentSubject(config)],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
  };
}

/** Created empty before the Job so the run owns it (labels, UID) even if the agent never writes it. */
export function buildStagingConfigMap(config: RunConfig): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: namespaced(config, runNames(config).stagingConfigMap) };
}
