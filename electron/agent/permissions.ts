/**
 * Permission pre-flight with SelfSubjectAccessReviews: the reference's nine checks in its order, run
 * concurrently, plus what this port needs to observe a run (watching the Job and its pods, reading the
 * agent's logs). Unlike the reference, every check names its API group, so a user whose namespace role
 * grants batch/jobs is not reported as lacking "jobs" in the core group.
 */
import { ErrorCode, newError, wrapError, type StructuredError } from '../../shared/errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { isNetworkError } from '../kube/errors.ts';
import { paths } from '../kube/paths.ts';

export interface PermissionRequirement {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** Empty for cluster-scoped checks. */
  namespace: string;
}

export interface PermissionCheck extends PermissionRequirement {
  allowed: boolean;
  /** The authorizer's explanation, when it gave one. */
  reason: string;
}

const RBAC = 'rbac.authorization.k8s.io';

export function requiredPermissions(namespace: string): PermissionRequirement[] {
  const ns = (verb: string, group: string, resource: string, subresource?: string): PermissionRequirement => ({
    verb,
    group,
    resource,
    namespace,
    ...(subresource ? { subresource } : {}),
  });
  return [
    ns('create', '', 'serviceaccounts'),
    ns('create', RBAC, 'roles'),
    ns('create', RBAC, 'rolebindings'),
    ns('create', 'batch', 'jobs'),
    ns('get', '', 'configmaps'),
    ns('list', '', 'configmaps'),
    { verb: 'create', group: RBAC, resource: 'clusterroles', namespace: '' },
    { verb: 'create', group: RBAC, resource: 'clusterrolebindings', namespace: '' },
    ns('delete', 'batch', 'jobs'),
    ns('watch', 'batch', 'jobs'),
    ns('watch', '', 'pods'),
    ns('get', '', 'pods', 'log'),
  ];
}

export function describeRequirement(r: PermissionRequirement): string {
  const resource = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
  const scope = r.namespace === '' ? '(cluster-scoped)' : `(namespace "${r.namespace}")`;
  return `${r.verb} ${resource} ${scope}`;
}

interface AccessReviewStatus {
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

async function review(client: KubeClient, r: PermissionRequirement, signal: AbortSignal): Promise<PermissionCheck> {
  const resourceAttributes = {
    verb: r.verb,
    group: r.group,
    resource: r.resource,
    ...(r.subresource ? { subresource: r.subresource } : {}),
    ...(r.namespace ? { namespace: r.namespace } : {}),
  };
  const result = await client.request<AccessReviewStatus>(paths.selfSubjectAccessReviews(), {
    method: 'POST',
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } },
    signal,
  });
  return { ...r, allowed: result.status?.allowed === true, reason: result.status?.reason ?? '' };
}

/**
 * Every check's outcome, in the order of {@link requiredPermissions}. Throws only when a review itself
 * fails: SERVICE_UNAVAILABLE for network errors, INTERNAL otherwise.
 */
export async function checkPermissions(client: KubeClient, namespace: string, signal: AbortSignal): Promise<PermissionCheck[]> {
  const abortRest = new AbortController();
  const combined = AbortSignal.any([signal, abortRest.signal]);
  try {
    return await Promise.all(
      requiredPermissions(namespace).map((r) =>
        review(client, r, combined).catch((err: unknown) => {
          if (signal.aborted) throw signal.reason;
          const code = isNetworkError(err) ? ErrorCode.ServiceUnavailable : ErrorCode.Internal;
          throw wrapError(code, `failed to check permission for ${r.verb} ${r.resource}`, err);
        }),
      ),
    );
  } finally {
    abortRest.abort();
  }
}

/** The reference's UNAUTHORIZED error listing every denied check, or undefined when all are allowed. */
export function missingPermissionsError(checks: readonly PermissionCheck[]): StructuredError | undefined {
  const denied = checks.filter((c) => !c.allowed);
  if (denied.length === 0) return undefined;
  const list = denied.map((c) => `  - ${describeRequirement(c)}`).join('\n');
  return newError(ErrorCode.Unauthorized, `missing required permissions:\n${list}`, { denied });
}
