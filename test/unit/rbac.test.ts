import { describe, expect, it } from 'vitest';
import { buildAllManifests } from '../../electron/agent/manifests/index.ts';
import {
  buildClusterRole,
  buildClusterRoleBinding,
  buildNamespace,
  buildRole,
  buildRoleBinding,
  buildServiceAccount,
  buildStagingConfigMap,
} from '../../electron/agent/manifests/rbac.ts';
import { defaultAgentConfig } from '../../shared/agent-config.ts';

const config = defaultAgentConfig({ runId: 'k3x9q2ab', namespace: 'gpu-operator', serviceAccountName: 'aicr' });
const runLabels = { 'app.kubernetes.io/name': 'aicr', 'app.kubernetes.io/managed-by': 'aicr', 'aicr.run/run-id': 'k3x9q2ab' };
const clusterLabels = { ...runLabels, 'aicr.run/namespace': 'gpu-operator' };

describe('RBAC manifests (reference rbac.go rules, run-scoped names)', () => {
  it('namespace carries the managed-by label and no run ID: it is ensured, never owned', () => {
    expect(buildNamespace(config)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gpu-operator', labels: { 'app.kubernetes.io/managed-by': 'aicr' } } });
  });
  it('service account named <prefix>-<runId>, labelled with the run', () => {
    expect(buildServiceAccount(config)).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'aicr-k3x9q2ab', namespace: 'gpu-operator', labels: runLabels } });
  });
  it('role: configmaps create/get/update/patch and pods get/list in the agent namespace', () => {
    const role = buildRole(config);
    expect(role.metadata).toEqual({ name: 'aicr-k3x9q2ab', namespace: 'gpu-operator', labels: runLabels });
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'update', 'patch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
    ]);
  });
  it("role binding to this run's service account", () => {
    const binding = buildRoleBinding(config);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'aicr-k3x9q2ab', namespace: 'gpu-operator' }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'aicr-k3x9q2ab' });
  });
  it('cluster role with the three reference rules, named after namespace and service account', () => {
    const role = buildClusterRole(config);
    expect(role.metadata).toEqual({ name: 'aicr-node-reader.gpu-operator.aicr-k3x9q2ab', labels: clusterLabels });
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: ['nvidia.com'], resources: ['clusterpolicies'], verbs: ['get', 'list'] },
    ]);
  });
  it("cluster role binding of this run's role to this run's service account", () => {
    const binding = buildClusterRoleBinding(config);
    expect(binding.metadata).toEqual({ name: 'aicr-node-reader.gpu-operator.aicr-k3x9q2ab', labels: clusterLabels });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'aicr-k3x9q2ab', namespace: 'gpu-operator' }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'aicr-node-reader.gpu-operator.aicr-k3x9q2ab' });
  });
  it('the staging ConfigMap is run-owned and deliberately not the well-known aicr-snapshot', () => {
    expect(buildStagingConfigMap(config)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'aicr-agent-snapshot-k3x9q2ab', namespace: 'gpu-operator', labels: runLabels },
    });
  });
  it('all manifests in creation order; an explicit cm:// output has no staging ConfigMap', () => {
    expect(buildAllManifests(config).map((m) => m.kind)).toEqual(['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Job']);
    expect(buildAllManifests({ ...config, output: 'cm://gpu-operator/mine' }).map((m) => m.kind)).not.toContain('ConfigMap');
  });
});
