/**
 * The checklist is answered from rules reviews; here every answer is compared with what the API
 * server's own access review says, for users whose rules make the shortcut easy to get wrong.
 */
import { describe, expect, it } from 'vitest';
import { checkPermissions, requiredPermissions, resourceAttributesOf, type PermissionRequirement } from '../../electron/agent/permissions.ts';
import { KubeClient } from '../../electron/kube/client.ts';
import { loadKubeconfig, resolveContext } from '../../electron/kube/kubeconfig.ts';
import { paths } from '../../electron/kube/paths.ts';
import { client, cluster, gpuConfig, uniqueNamespace } from './helpers.ts';

/** The admin's credentials, acting as `user` (impersonation): a user with exactly the RBAC the test grants. */
function clientAs(user: string, groups: string[] = []): KubeClient {
  const admin = resolveContext(loadKubeconfig({ kubeconfigPath: cluster().kubeconfig }), 'aicr-admin');
  return new KubeClient({ ...admin, user: { ...admin.user, impersonate: user, impersonateGroups: [...groups, 'system:authenticated'] } });
}

async function accessReviewSays(as: KubeClient, r: PermissionRequirement): Promise<boolean> {
  const review = await as.request<{ status: { allowed?: boolean } }>(paths.selfSubjectAccessReviews(), {
    method: 'POST',
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: resourceAttributesOf(r) },
    },
  });
  return review.status.allowed === true;
}

const RBAC = { apiVersion: 'rbac.authorization.k8s.io/v1' };

describe('permission checks from rules reviews', () => {
  it('agree with an access review per check, also where a RoleBinding lists cluster-scoped rules or names only some objects', async () => {
    const namespace = uniqueNamespace('rules');
    const user = `rules-user-${namespace}`;
    const admin = client();
    await admin.request(paths.namespaces(), { method: 'POST', body: { metadata: { name: namespace } } });
    // A ClusterRole granting everything a run needs, cluster-scoped objects included, but bound only in
    // the namespace: the RoleBinding grants its namespaced rules and none of the cluster-scoped ones.
    const everything = `rules-everything-${namespace}`;
    await admin.request(paths.clusterRoles(), {
      method: 'POST',
      body: { ...RBAC, kind: 'ClusterRole', metadata: { name: everything }, rules: [{ apiGroups: ['', 'batch', 'rbac.authorization.k8s.io'], resources: ['*'], verbs: ['*'] }] },
    });
    // Jobs only by name: never enough to create or list them.
    await admin.request(paths.roles(namespace), {
      method: 'POST',
      body: { ...RBAC, kind: 'Role', metadata: { name: 'named-jobs', namespace }, rules: [{ apiGroups: ['batch'], resources: ['jobs'], resourceNames: ['nightly'], verbs: ['*'] }] },
    });
    const namedJobsUser = `named-jobs-${user}`;
    for (const [name, roleRef, subject] of [
      ['everything', { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: everything }, user],
      ['named-jobs', { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'named-jobs' }, namedJobsUser],
    ] as const) {
      await admin.request(paths.roleBindings(namespace), {
        method: 'POST',
        body: { ...RBAC, kind: 'RoleBinding', metadata: { name, namespace }, roleRef, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: subject }] },
      });
    }
    try {
      const config = gpuConfig({ namespace });
      const checksOf = async (who: string) => {
        const as = clientAs(who);
        const checks = await checkPermissions(as, config, AbortSignal.timeout(10_000));
        expect(checks.map((c) => c.allowed)).toEqual(await Promise.all(requiredPermissions(config).map((r) => accessReviewSays(as, r))));
        return checks.filter((c) => !c.allowed).map((c) => `${c.verb} ${c.resource}`);
      };
      // The cluster-scoped checks are the denied ones, although the RoleBinding's role lists them.
      expect(await checksOf(user)).toEqual(['create clusterroles', 'create clusterrolebindings', 'delete clusterroles', 'delete clusterrolebindings']);
      // Rules for named Jobs only: no check about Jobs is granted.
      expect((await checksOf(namedJobsUser)).filter((c) => c.endsWith(' jobs'))).toEqual(['create jobs', 'list jobs', 'watch jobs', 'delete jobs']);
    } finally {
      await admin.request(paths.clusterRole(everything), { method: 'DELETE' });
      await admin.request(paths.namespace(namespace), { method: 'DELETE' });
    }
  });

  it("a cluster admin's checklist is settled by the cluster-wide rules alone: one request", async () => {
    const admin = resolveContext(loadKubeconfig({ kubeconfigPath: cluster().kubeconfig }), 'aicr-admin');
    const requests: string[] = [];
    const counting = new (class extends KubeClient {
      override requestBytes(path: string, options: Parameters<KubeClient['requestBytes']>[1] = {}) {
        requests.push(`${options.method ?? 'GET'} ${path}`);
        return super.requestBytes(path, options);
      }
    })(admin);
    const config = gpuConfig({ namespace: uniqueNamespace('admin-rules') });
    const checks = await checkPermissions(counting, config, AbortSignal.timeout(10_000));
    expect(checks.filter((c) => !c.allowed)).toEqual([]);
    expect(requests).toEqual([`POST ${paths.selfSubjectRulesReviews()}`]);
  });

  it('a user without any role: everything denied, as the access reviews say', async () => {
    const as = clientAs('rules-nobody');
    const config = gpuConfig({ namespace: 'default' });
    const checks = await checkPermissions(as, config, AbortSignal.timeout(10_000));
    expect(checks.every((c) => !c.allowed)).toBe(true);
    expect(await Promise.all(requiredPermissions(config).map((r) => accessReviewSays(as, r)))).toEqual(checks.map(() => false));
  });

  it('an incomplete rules review (the Node authorizer cannot list the rules of a node) falls back to access reviews', async () => {
    const as = clientAs('system:node:gpu-node-1', ['system:nodes']);
    const config = gpuConfig({ namespace: 'default' });
    const checks = await checkPermissions(as, config, AbortSignal.timeout(10_000));
    expect(checks.map((c) => c.allowed)).toEqual(await Promise.all(requiredPermissions(config).map((r) => accessReviewSays(as, r))));
    // No denial was concluded from the rules alone.
    expect(checks.filter((c) => c.reason === 'none of your roles grants it')).toEqual([]);
    expect(checks.some((c) => !c.allowed)).toBe(true);
  });
});
