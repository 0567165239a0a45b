/** Cluster objects the tests rely on besides the nodes: users' RBAC, the nvidia RuntimeClass, a Pod Security restricted namespace. */
import type { KubeClient } from '../../electron/kube/client.ts';
import { isAlreadyExists } from '../../electron/kube/errors.ts';
import { EXEC_USER, RESTRICTED_NAMESPACE, RESTRICTED_USER } from './kubeconfig.ts';

export const RUNTIME_CLASS = 'nvidia';
export const POD_SECURITY_RESTRICTED_NAMESPACE = 'restricted-ns';

async function create(client: KubeClient, path: string, body: unknown): Promise<void> {
  try {
    await client.request(path, { method: 'POST', body });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

export async function applyFixtures(admin: KubeClient): Promise<void> {
  await create(admin, '/api/v1/namespaces', { metadata: { name: RESTRICTED_NAMESPACE } });
  await create(admin, '/api/v1/namespaces', {
    metadata: {
      name: POD_SECURITY_RESTRICTED_NAMESPACE,
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
    },
  });
  await Promise.all([
    // The restricted user: the built-in "edit" role in one namespace, nothing cluster-wide.
    create(admin, `/apis/rbac.authorization.k8s.io/v1/namespaces/${RESTRICTED_NAMESPACE}/rolebindings`, {
      metadata: { name: 'restricted-user-edit' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: RESTRICTED_USER }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    }),
    // The exec-plugin user is a cluster admin, as with a typical EKS/GKE login.
    create(admin, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'aicr-exec-user-admin' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: EXEC_USER }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    }),
    create(admin, '/apis/node.k8s.io/v1/runtimeclasses', { metadata: { name: RUNTIME_CLASS }, handler: 'nvidia' }),
  ]);
}
