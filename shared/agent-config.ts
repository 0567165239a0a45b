import { isConfigMapUri, parseConfigMapUri } from './configmap-uri.ts';
import { ErrorCode, newError, type StructuredError } from './errors.ts';
import { imageReferenceErrors } from './image-ref.ts';
import { dns1123LabelErrors, dns1123SubdomainErrors, labelKeyErrors, labelValueErrors } from './k8s-names.ts';
import { OS_KINDS, type OsKind } from './os-kind.ts';
import { isQuantity, type ResourceList } from './quantity.ts';
import { TAINT_EFFECTS, type Toleration } from './tolerations.ts';

/** Everything that shapes the agent's objects: the reference package's Config. */
export interface AgentConfig {
  namespace: string;
  serviceAccountName: string;
  jobName: string;
  image: string;
  imagePullSecrets: string[];
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  /** Where the agent writes the snapshot, `cm://namespace/name`. */
  output: string;
  debug: boolean;
  /** Privileged pod (host namespaces, root, systemd mounts), needed by the GPU and SystemD collectors. */
  privileged: boolean;
  /** Request one `nvidia.com/gpu` (privileged mode only; an explicit limit wins). */
  requireGPU: boolean;
  /** Run the pod with this RuntimeClass and NVIDIA_VISIBLE_DEVICES=all (alternative to requireGPU). */
  runtimeClassName: string;
  /** Max node names per topology entry, 0 for unlimited. */
  maxNodesPerEntry: number;
  /** Node OS family; `talos` skips the systemd host mounts. */
  os: OsKind | '';
  requests?: ResourceList;
  limits?: ResourceList;
}

export const DEFAULT_AGENT_VERSION = 'v0.11.1';
export const DEFAULT_AGENT_IMAGE = `ghcr.io/nvidia/aicr:${DEFAULT_AGENT_VERSION}`;
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_JOB_NAME = 'aicr';
export const DEFAULT_SERVICE_ACCOUNT_NAME = 'aicr';
export const DEFAULT_OUTPUT_CONFIGMAP = 'aicr-snapshot';

/** The ConfigMap the agent writes to when the user asked for a file or stdout. */
export function defaultOutputUri(namespace: string): string {
  return `cm://${namespace}/${DEFAULT_OUTPUT_CONFIGMAP}`;
}

/** The CLI's defaults (privileged, tolerate all taints, cm://<namespace>/aicr-snapshot). */
export function defaultAgentConfig(overrides: Partial<AgentConfig> = {}): AgentConfig {
  const namespace = overrides.namespace ?? DEFAULT_NAMESPACE;
  return {
    namespace,
    serviceAccountName: DEFAULT_SERVICE_ACCOUNT_NAME,
    jobName: DEFAULT_JOB_NAME,
    image: DEFAULT_AGENT_IMAGE,
    imagePullSecrets: [],
    nodeSelector: {},
    tolerations: [{ operator: 'Exists' }],
    output: defaultOutputUri(namespace),
    debug: false,
    privileged: true,
    requireGPU: false,
    runtimeClassName: '',
    maxNodesPerEntry: 0,
    os: '',
    ...overrides,
  };
}

export interface FieldError {
  /** The AgentConfig field (dotted for nested values, e.g. `nodeSelector.nodeGroup`). */
  field: string;
  message: string;
}

function fieldErrors(field: string, problems: string[]): FieldError[] {
  return problems.map((message) => ({ field, message }));
}

function resourceListErrors(field: string, list: ResourceList | undefined): FieldError[] {
  return Object.entries(list ?? {}).flatMap(([name, quantity]) => {
    if (name.trim() === '') return [{ field, message: 'resource names must not be empty' }];
    return isQuantity(quantity) ? [] : [{ field: `${field}.${name}`, message: `"${quantity}" is not a quantity (e.g. 500m, 2, 1Gi)` }];
  });
}

function tolerationErrors(tolerations: readonly Toleration[]): FieldError[] {
  return tolerations.flatMap((t, i) => {
    const field = `tolerations[${i}]`;
    const errors: FieldError[] = [];
    if (t.key) errors.push(...fieldErrors(`${field}.key`, labelKeyErrors(t.key)));
    if (t.operator !== 'Exists' && t.operator !== 'Equal') errors.push({ field: `${field}.operator`, message: 'must be Equal or Exists' });
    if (t.operator === 'Exists' && t.value) errors.push({ field: `${field}.value`, message: 'must be empty when operator is Exists' });
    if (t.operator === 'Equal' && !t.key) errors.push({ field: `${field}.key`, message: 'must be set when operator is Equal' });
    if (t.value) errors.push(...fieldErrors(`${field}.value`, labelValueErrors(t.value)));
    if (t.effect !== undefined && !(TAINT_EFFECTS as readonly string[]).includes(t.effect)) {
      errors.push({ field: `${field}.effect`, message: 'must be NoSchedule, PreferNoSchedule or NoExecute' });
    }
    return errors;
  });
}

function outputErrors(output: string): FieldError[] {
  if (!isConfigMapUri(output)) return [{ field: 'output', message: 'must be a ConfigMap URI like cm://gpu-operator/aicr-snapshot' }];
  try {
    const ref = parseConfigMapUri(output);
    return [
      ...fieldErrors('output', dns1123LabelErrors(ref.namespace).map((m) => `namespace "${ref.namespace}" ${m}`)),
      ...fieldErrors('output', dns1123SubdomainErrors(ref.name).map((m) => `name "${ref.name}" ${m}`)),
    ];
  } catch (err) {
    return [{ field: 'output', message: `${(err as StructuredError).summary}; expected cm://namespace/name` }];
  }
}

/** Every problem with a config, each naming its field; empty when the config can be deployed. */
export function validateAgentConfig(config: AgentConfig): FieldError[] {
  const errors: FieldError[] = [
    ...fieldErrors('namespace', dns1123LabelErrors(config.namespace)),
    ...fieldErrors('jobName', dns1123LabelErrors(config.jobName)),
    ...fieldErrors('serviceAccountName', dns1123SubdomainErrors(config.serviceAccountName)),
    ...fieldErrors('image', imageReferenceErrors(config.image)),
    ...config.imagePullSecrets.flatMap((s, i) => fieldErrors(`imagePullSecrets[${i}]`, dns1123SubdomainErrors(s))),
    ...Object.entries(config.nodeSelector).flatMap(([k, v]) => [
      ...fieldErrors(`nodeSelector.${k}`, labelKeyErrors(k).map((m) => `key ${m}`)),
      ...fieldErrors(`nodeSelector.${k}`, labelValueErrors(v).map((m) => `value ${m}`)),
    ]),
    ...tolerationErrors(config.tolerations),
    ...outputErrors(config.output),
    ...resourceListErrors('requests', config.requests),
    ...resourceListErrors('limits', config.limits),
  ];
  if (config.runtimeClassName !== '') errors.push(...fieldErrors('runtimeClassName', dns1123SubdomainErrors(config.runtimeClassName)));
  if (config.requireGPU && config.runtimeClassName !== '') {
    errors.push({
      field: 'requireGPU',
      message: 'requireGPU and runtimeClassName are mutually exclusive; prefer runtimeClassName, which provides nvidia-smi access via the container runtime without consuming a GPU allocation',
    });
  }
  if (!Number.isInteger(config.maxNodesPerEntry) || config.maxNodesPerEntry < 0) {
    errors.push({ field: 'maxNodesPerEntry', message: 'must be a whole number, 0 for unlimited' });
  }
  if (config.os !== '' && !(OS_KINDS as readonly string[]).includes(config.os)) {
    errors.push({ field: 'os', message: `must be one of: ${OS_KINDS.join(', ')}` });
  }
  return errors;
}

/** Throws INVALID_REQUEST listing every field problem. */
export function assertValidAgentConfig(config: AgentConfig): void {
  const errors = validateAgentConfig(config);
  if (errors.length > 0) {
    const list = errors.map((e) => `  - ${e.field}: ${e.message}`).join('\n');
    throw newError(ErrorCode.InvalidRequest, `invalid agent configuration:\n${list}`, { fields: errors });
  }
}
