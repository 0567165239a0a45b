/**
 * Placement that cannot silently miss the GPU. Without any placement constraint the agent would land
 * on whatever node the scheduler picks (often a CPU node, and the snapshot then has no GPU data), so
 * a cluster with GPU nodes gets the selector nvidia.com/gpu.present=true injected, as upstream does.
 * The node list is read with a short timeout and fail-open: placement help must never block a run.
 */
import { GPU_PRESENT_LABEL } from '../../shared/gpu.ts';
import { canHost, type NodeFacts } from '../../shared/node-match.ts';
import { fromNodeTable } from '../../shared/node-table.ts';
import type { Toleration } from '../../shared/tolerations.ts';
import type { KubeClient } from '../kube/client.ts';
import { listNodes } from '../kube/node-list.ts';

export const NODE_LIST_TIMEOUT_MS = 5_000;

/** The cluster's nodes (optionally only those matching a label selector), or undefined when they cannot be read. */
async function readNodes(client: KubeClient, signal: AbortSignal, labelSelector?: string): Promise<NodeFacts[] | undefined> {
  try {
    return fromNodeTable(await listNodes(client, AbortSignal.any([signal, AbortSignal.timeout(NODE_LIST_TIMEOUT_MS)]), { labelSelector, timeoutMs: NODE_LIST_TIMEOUT_MS }));
  } catch {
    if (signal.aborted) throw signal.reason;
    return undefined;
  }
}

export interface PlacementSettings {
  nodeSelector: Record<string, string>;
  requireGPU: boolean;
  runtimeClassName: string;
}

/** True when the user gave no placement constraint at all, so auto-targeting may choose. */
export function wantsAutoTargeting(config: PlacementSettings): boolean {
  return Object.keys(config.nodeSelector).length === 0 && !config.requireGPU && config.runtimeClassName === '';
}

export const GPU_NODE_SELECTOR: Readonly<Record<string, string>> = { [GPU_PRESENT_LABEL]: 'true' };

/** The GPU nodes of the cluster (by GPU Feature Discovery's label), undefined when unknown. */
export function gpuNodes(client: KubeClient, signal: AbortSignal): Promise<NodeFacts[] | undefined> {
  return readNodes(client, signal, `${GPU_PRESENT_LABEL}=true`);
}

/** Whether any node of the cluster could host a pod with this selector and these tolerations; undefined when unknown. */
export async function anyNodeCanHost(client: KubeClient, selector: Record<string, string>, tolerations: readonly Toleration[], signal: AbortSignal): Promise<boolean | undefined> {
  const nodes = await readNodes(client, signal);
  return nodes === undefined ? undefined : nodes.some((node) => canHost(node, selector, tolerations));
}
