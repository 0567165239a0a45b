/**
 * The agent container's resources: the reference's defaults per mode, the caller's overrides merged
 * over them, and the checks the API server would otherwise make only after the run started.
 */
import { GPU_RESOURCE } from './gpu.ts';
import { isNegativeQuantity, quantityValue, type ResourceList } from './quantity.ts';

export const PRIVILEGED_REQUESTS: Readonly<ResourceList> = { cpu: '1', memory: '4Gi', 'ephemeral-storage': '2Gi' };
export const PRIVILEGED_LIMITS: Readonly<ResourceList> = { cpu: '2', memory: '8Gi', 'ephemeral-storage': '4Gi' };
export const RESTRICTED_REQUESTS: Readonly<ResourceList> = { cpu: '100m', memory: '256Mi', 'ephemeral-storage': '256Mi' };
export const RESTRICTED_LIMITS: Readonly<ResourceList> = { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '512Mi' };

/** Resources the kubelet may overcommit; any other (extended) resource needs request == limit. */
const OVERCOMMITTABLE = /^(cpu|memory|ephemeral-storage|hugepages-.+)$/;

/** A new list: the defaults with every override key replacing or adding; neither input is mutated. */
export function mergeResourceList(defaults: Readonly<ResourceList>, override: Readonly<ResourceList> | undefined): ResourceList {
  return { ...defaults, ...override };
}

export interface AgentResourceSettings {
  privileged: boolean;
  requireGPU: boolean;
  requests?: ResourceList;
  limits?: ResourceList;
}

/** The container's effective requests and limits (requireGPU adds nvidia.com/gpu=1 only without a caller limit). */
export function effectiveResources(config: AgentResourceSettings): { requests: ResourceList; limits: ResourceList } {
  if (!config.privileged) {
    return { requests: mergeResourceList(RESTRICTED_REQUESTS, config.requests), limits: mergeResourceList(RESTRICTED_LIMITS, config.limits) };
  }
  const limits = mergeResourceList(PRIVILEGED_LIMITS, config.limits);
  // The caller's explicit GPU limit wins so `--require-gpu --limits nvidia.com/gpu=4` keeps its 4.
  if (config.requireGPU && !(GPU_RESOURCE in limits)) limits[GPU_RESOURCE] = '1';
  return { requests: mergeResourceList(PRIVILEGED_REQUESTS, config.requests), limits };
}

export interface ResourceProblem {
  field: 'requests' | 'limits';
  resource: string;
  message: string;
}

/** What the API server would reject: negative quantities, requests above limits, extended resources without request == limit. */
export function resourceProblems(config: AgentResourceSettings): ResourceProblem[] {
  const problems: ResourceProblem[] = [];
  for (const field of ['requests', 'limits'] as const) {
    for (const [resource, quantity] of Object.entries(config[field] ?? {})) {
      if (isNegativeQuantity(quantity)) problems.push({ field, resource, message: `"${quantity}" is negative; quantities must be zero or more` });
    }
  }
  if (problems.length > 0) return problems;
  const { requests, limits } = effectiveResources(config);
  const mode = config.privileged ? 'privileged' : 'restricted';
  for (const [resource, request] of Object.entries(requests)) {
    const limit = limits[resource];
    const extended = !OVERCOMMITTABLE.test(resource);
    if (limit === undefined) {
      if (extended) problems.push({ field: 'requests', resource, message: `${resource} is an extended resource: set the same value in --limits (requests must equal limits)` });
      continue;
    }
    const fromDefaults = config.limits?.[resource] === undefined ? ` (the ${mode} default)` : '';
    if (quantityValue(request) > quantityValue(limit)) {
      problems.push({ field: 'requests', resource, message: `${resource}=${request} exceeds the limit ${resource}=${limit}${fromDefaults}; raise --limits ${resource} or lower the request` });
    } else if (extended && quantityValue(request) !== quantityValue(limit)) {
      problems.push({ field: 'requests', resource, message: `${resource} is an extended resource: requests must equal limits (limit ${limit})` });
    }
  }
  return problems;
}
