/**
 * Permission pre-flight: everything a run does, from creating its objects and watching them to
 * reading the snapshot and deleting all it created, so a run never starts that cannot finish or clean
 * up. Unlike the reference, every check names its API group (a namespace role granting batch/jobs is
 * not reported as lacking "jobs" in the core group).
 *
 * The checks are answered from SelfSubjectRulesReviews instead of one SelfSubjectAccessReview per
 * check. First the rules of a namespace name that cannot exist, which only ClusterRoleBindings can
 * grant: they hold cluster-wide and in every namespace, so for a cluster admin they settle the whole
 * checklist in one round trip. Namespaced checks they leave open are then looked up in their
 * namespace's rules (a RoleBinding there may grant them; a RoleBinding's rules never cover
 * cluster-scoped resources). A check no rule grants is denied when the review is complete; when an
 * authorizer could not list its rules (webhooks, the review marked incomplete), such checks are asked
 * one by one with access reviews, and when the rules cannot be reviewed at all, every check is. A
 * webhook that denies what RBAC grants is not seen in advance: the API server still refuses, and the
 * run then fails and cleans up.
 *
 * When the snapshot goes to a ConfigMap in another namespace, a SubjectAccessReview asks whether the
 * agent's future ServiceAccount could write it there: its Role covers only its own namespace.
 */
import { agentOutputUri, ownsOutputConfigMap, type AgentConfig } from '../../shared/agent-config.ts';
import { parseConfigMapUri } from '../../shared/configmap-uri.ts';
import { ErrorCode, newError, wrapError, type StructuredError } from '../../shared/errors.ts';
import { runNames } from '../../shared/run-names.ts';
import type { KubeClient } from '../kube/client.ts';
import { isForbidden, isNetworkError, isNotFound } from '../kube/errors.ts';
import { paths } from '../kube/paths.ts';
import { grantingRule, rulesReview, type RulesReview } from './rules-review.ts';

export interface PermissionRequirement {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** Empty for cluster-scoped checks. */
  namespace: string;
  /** Set when the check is about the agent's ServiceAccount rather than the user. */
  subject?: string;
  /** What the permission is needed for, for a checklist. */
  purpose: string;
}

export interface PermissionCheck extends PermissionRequirement {
  allowed: boolean;
  /** The authorizer's explanation, when it gave one. */
  reason: string;
}

const RBAC = 'rbac.authorization.k8s.io';

type PermissionConfig = Pick<AgentConfig, 'namespace' | 'output' | 'jobName' | 'serviceAccountName' | 'runId'>;

export function requiredPermissions(config: PermissionConfig): PermissionRequirement[] {
  const { namespace } = config;
  const ns = (verb: string, group: string, resource: string, purpose: string, subresource?: string): PermissionRequirement => ({
    verb,
    group,
    resource,
    namespace,
    purpose,
    ...(subresource ? { subresource } : {}),
  });
  const cluster = (verb: string, resource: string, purpose: string): PermissionRequirement => ({ verb, group: RBAC, resource, namespace: '', purpose });
  const output = parseConfigMapUri(agentOutputUri(config));
  const checks = [
    ns('create', '', 'serviceaccounts', "create the agent's ServiceAccount"),
    ns('create', RBAC, 'roles', "create the agent's Role"),
    ns('create', RBAC, 'rolebindings', "bind the agent's Role"),
    ns('create', 'batch', 'jobs', 'create the agent Job'),
    { ...ns('get', '', 'configmaps', 'read the snapshot'), namespace: output.namespace },
    ns('list', '', 'configmaps', 'find leftover runs'),
    cluster('create', 'clusterroles', "create the agent's node-reader ClusterRole"),
    cluster('create', 'clusterrolebindings', "bind the agent's ClusterRole"),
    ns('list', 'batch', 'jobs', 'follow the Job'),
    ns('watch', 'batch', 'jobs', 'follow the Job'),
    ns('list', '', 'pods', "follow the agent's pod"),
    ns('watch', '', 'pods', "follow the agent's pod"),
    ns('get', '', 'pods', "follow the agent's pod"),
    ns('get', '', 'pods', "stream the agent's logs", 'log'),
    ns('delete', 'batch', 'jobs', 'clean up the Job'),
    ns('delete', '', 'serviceaccounts', 'clean up the ServiceAccount'),
    ns('delete', RBAC, 'roles', 'clean up the Role'),
    ns('delete', RBAC, 'rolebindings', 'clean up the RoleBinding'),
    cluster('delete', 'clusterroles', 'clean up the ClusterRole'),
    cluster('delete', 'clusterrolebindings', 'clean up the ClusterRoleBinding'),
  ];
  if (ownsOutputConfigMap(config)) {
    checks.push(ns('create', '', 'configmaps', 'create the staging ConfigMap'), ns('delete', '', 'configmaps', 'clean up the staging ConfigMap'));
  } else if (output.namespace !== namespace) {
    checks.push({
      verb: 'patch',
      group: '',
      resource: 'configmaps',
      namespace: output.namespace,
      subject: `system:serviceaccount:${namespace}:${runNames(config).serviceAccount}`,
      purpose: `let the agent write ${agentOutputUri(config)} (its Role covers namespace "${namespace}" only; use -n ${output.namespace} or another output)`,
    });
  }
  return checks;
}

export function describeRequirement(r: PermissionRequirement): string {
  const resource = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
  const scope = r.namespace === '' ? '(cluster-scoped)' : `(namespace "${r.namespace}")`;
  return `${r.subject ? `agent ServiceAccount: ` : ''}${r.verb} ${resource} ${scope}`;
}

interface AccessReviewStatus {
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

function serviceAccountGroups(subject: string): string[] {
  const namespace = subject.split(':')[2] ?? '';
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'];
}

/** The requirement as an access review's resourceAttributes. */
export function resourceAttributesOf(r: PermissionRequirement) {
  return {
    verb: r.verb,
    group: r.group,
    resource: r.resource,
    ...(r.subresource ? { subresource: r.subresource } : {}),
    ...(r.namespace ? { namespace: r.namespace } : {}),
  };
}

/** One check asked on its own: a SelfSubjectAccessReview, or a SubjectAccessReview for the agent's ServiceAccount. */
async function accessReview(client: KubeClient, r: PermissionRequirement, signal: AbortSignal): Promise<PermissionCheck> {
  const resourceAttributes = resourceAttributesOf(r);
  if (r.subject) {
    try {
      const result = await client.request<AccessReviewStatus>(paths.subjectAccessReviews(), {
        method: 'POST',
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { resourceAttributes, user: r.subject, groups: serviceAccountGroups(r.subject) } },
        signal,
      });
      return { ...r, allowed: result.status?.allowed === true, reason: result.status?.reason ?? '' };
    } catch (err) {
      // Without the right to ask, the answer is unknown: refuse rather than fail after the run.
      if (isForbidden(err)) return { ...r, allowed: false, reason: 'cannot verify: you may not create subjectaccessreviews' };
      throw err;
    }
  }
  const result = await client.request<AccessReviewStatus>(paths.selfSubjectAccessReviews(), {
    method: 'POST',
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } },
    signal,
  });
  return { ...r, allowed: result.status?.allowed === true, reason: result.status?.reason ?? '' };
}

/** Not a valid namespace name (it starts with a dash), so no RoleBinding can ever be in it: only ClusterRoleBindings count. */
const CLUSTER_WIDE = '-cluster-scope-';

type Reviews = Map<string, RulesReview | undefined>;

const grantedBy = (review: RulesReview | undefined, r: PermissionRequirement): boolean => review !== undefined && grantingRule(review.rules, resourceAttributesOf(r)) !== undefined;

/**
 * The cluster-wide rules, and the rules of each namespace with a check they leave open; undefined
 * where rules cannot be reviewed (no such API, not allowed).
 */
async function reviewsFor(client: KubeClient, requirements: readonly PermissionRequirement[], signal: AbortSignal): Promise<Reviews> {
  const review = (scope: string) =>
    rulesReview(client, scope, signal).catch((err: unknown) => {
      if (isForbidden(err) || isNotFound(err)) return undefined;
      throw err;
    });
  const clusterWide = await review(CLUSTER_WIDE);
  const open = requirements.filter((r) => !r.subject && r.namespace && !grantedBy(clusterWide, r));
  const namespaces = [...new Set(open.map((r) => r.namespace))];
  const inNamespaces = await Promise.all(namespaces.map(review));
  return new Map([[CLUSTER_WIDE, clusterWide], ...namespaces.map((namespace, i) => [namespace, inNamespaces[i]] as const)]);
}

/** A check answered from the rules when they settle it; otherwise by its own access review. */
async function check(client: KubeClient, r: PermissionRequirement, reviews: Reviews, signal: AbortSignal): Promise<PermissionCheck> {
  if (r.subject) return accessReview(client, r, signal);
  const review = reviews.get(r.namespace || CLUSTER_WIDE);
  if (grantedBy(reviews.get(CLUSTER_WIDE), r) || grantedBy(review, r)) return { ...r, allowed: true, reason: 'granted by your roles' };
  if (!review || review.incomplete) return accessReview(client, r, signal);
  return { ...r, allowed: false, reason: 'none of your roles grants it' };
}

/**
 * Every check's outcome, in the order of {@link requiredPermissions}. Throws only when a review itself
 * fails: SERVICE_UNAVAILABLE for network errors, INTERNAL otherwise (the cause tells credential and TLS
 * problems apart for the caller).
 */
export async function checkPermissions(client: KubeClient, config: PermissionConfig, signal: AbortSignal): Promise<PermissionCheck[]> {
  const abortRest = new AbortController();
  const combined = AbortSignal.any([signal, abortRest.signal]);
  const failed = (what: string) => (err: unknown) => {
    if (signal.aborted) throw signal.reason;
    const code = isNetworkError(err) ? ErrorCode.ServiceUnavailable : ErrorCode.Internal;
    throw wrapError(code, `failed to check permission for ${what}`, err);
  };
  try {
    const requirements = requiredPermissions(config);
    const reviews = await reviewsFor(client, requirements, combined).catch(failed('the required permissions'));
    return await Promise.all(requirements.map((r) => check(client, r, reviews, combined).catch(failed(`${r.verb} ${r.resource}`))));
  } finally {
    abortRest.abort();
  }
}

/** The reference's UNAUTHORIZED error listing every denied check, or undefined when all are allowed. */
export function missingPermissionsError(checks: readonly PermissionCheck[]): StructuredError | undefined {
  const denied = checks.filter((c) => !c.allowed);
  if (denied.length === 0) return undefined;
  const list = denied.map((c) => `  - ${describeRequirement(c)}: needed to ${c.purpose}`).join('\n');
  return newError(ErrorCode.Unauthorized, `missing required permissions:\n${list}`, { denied });
}
