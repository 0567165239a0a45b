/**
 * SelfSubjectRulesReview: the rules the current user holds in a namespace, and RBAC's own matching of
 * a request against them: verbs, API groups, and resources given as `*`, by name (`pods/log`), or as
 * a subresource of any resource. Rules limited to resourceNames never grant the unnamed requests a
 * run checks.
 */
import type { KubeClient } from '../kube/client.ts';
import { paths } from '../kube/paths.ts';

export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface RulesReview {
  rules: ResourceRule[];
  /** An authorizer could not list its rules: what no rule grants may still be allowed. */
  incomplete: boolean;
}

export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
}

const ALL = '*';

function resourceMatches(rule: ResourceRule, resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some((r) => r === ALL || r === combined || (subresource !== undefined && r === `*/${subresource}`));
}

/** The first rule that grants the request, as RBAC decides it; undefined when none does. */
export function grantingRule(rules: readonly ResourceRule[], request: ResourceAttributes): ResourceRule | undefined {
  return rules.find(
    (rule) =>
      (rule.resourceNames ?? []).length === 0 &&
      rule.verbs.some((v) => v === ALL || v === request.verb) &&
      (rule.apiGroups ?? []).some((g) => g === ALL || g === request.group) &&
      resourceMatches(rule, request.resource, request.subresource),
  );
}

export async function rulesReview(client: KubeClient, namespace: string, signal: AbortSignal): Promise<RulesReview> {
  const review = await client.request<{ status?: { resourceRules?: ResourceRule[]; incomplete?: boolean } }>(paths.selfSubjectRulesReviews(), {
    method: 'POST',
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } },
    signal,
  });
  return { rules: review.status?.resourceRules ?? [], incomplete: review.status?.incomplete === true };
}
