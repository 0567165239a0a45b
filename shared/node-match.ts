/**
 * Whether a node could ever run the agent pod, judged by its labels and taints alone (the scheduler's
 * NodeAffinity and TaintToleration filters): what tells "no such node exists" apart from "the node is
 * busy or still scaling up".
 */
import type { Toleration } from './tolerations.ts';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface NodeFacts {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
}

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (!toleration.key) return toleration.operator === 'Exists';
  if (toleration.key !== taint.key) return false;
  return toleration.operator === 'Exists' || (toleration.value ?? '') === (taint.value ?? '');
}

export function matchesSelector(node: NodeFacts, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => node.labels[key] === value);
}

/** PreferNoSchedule taints never keep a pod away; NoSchedule and NoExecute do unless tolerated. */
export function keepsAway(taint: Taint, tolerations: readonly Toleration[]): boolean {
  return taint.effect !== 'PreferNoSchedule' && !tolerations.some((t) => tolerates(t, taint));
}

export function canHost(node: NodeFacts, selector: Record<string, string>, tolerations: readonly Toleration[]): boolean {
  return matchesSelector(node, selector) && !node.taints.some((taint) => keepsAway(taint, tolerations));
}
