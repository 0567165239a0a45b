import { describe, expect, it } from 'vitest';
import { buildAllManifests } from '../../electron/agent/manifests/index.ts';
import { buildClusterRole, buildClusterRoleBinding, buildNamespace, buildRole, buildRoleBinding, buildServiceAccount } from '../../electron/agent/manifests/rbac.ts';
import { defaultAgentConfig } from '../../shared/agent-config.ts';

const config = defaultAgentConfig({ namespace: 'gpu-operator', serviceAccountName: 'aicr' });

describe('RBAC manifests (reference rbac.go)', () => {
  it('namespace carries the managed-by label', () => {
    expect(buildNamespace(config)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gpu-operator', labels: { 'app.kubernetes.io/managed-by': 'aicr' } } });
  });
  it('service account without labels', () => {
    expect(buildServiceAccount(config)).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'aicr', namespace: 'gpu-operator' } });
  });
  it('role: configmaps create/get/update/patch and pods get/list in the agent namespace', () => {
    const role = buildRole(config);
    expect(role.metadata).toEqual({ name: 'aicr', namespace: 'gpu-operator' });
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'update', 'patch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
    ]);
  });
  it('role binding to the service account', () => {
    const binding = buildRoleBinding(config);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'aicr', namespace: 'gpu-operator' }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'aicr' });
  });
  it('cluster role aicr-node-reader with three rules', () => {
    const role = buildClusterRole();
    expect(role.metadata).toEqual({ name: 'aicr-node-reader' });
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: ['nvidia.com'], resources: ['clusterpolicies'], verbs: ['get', 'list'] },
    ]);
  });
  it('cluster role binding to the service account', () => {
    const binding = buildClusterRoleBinding(config);
    expect(binding.metadata).toEqual({ name: 'aicr-node-reader' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'aicr', namespace: 'gpu-operator' }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'aicr-node-reader' });
  });
  it('all manifests in creation order', () => {
    expect(buildAllManifests(config).map((m) => m.kind)).toEqual(['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'Job']);
  });
});
