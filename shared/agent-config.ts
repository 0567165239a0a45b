import { resourceProblems } from './agent-resources.ts';
import { isConfigMapUri, parseConfigMapUri } from './configmap-uri.ts';
import { ErrorCode, newError, type StructuredError } from './errors.ts';
import { imageReferenceErrors } from './image-ref.ts';
import { dns1123LabelErrors, dns1123SubdomainErrors, labelKeyErrors, labelValueErrors } from './k8s-names.ts';
import { OS_KINDS, type OsKind } from './os-kind.ts';
import { isQuantity, type ResourceList } from './quantity.ts';
import { isRunId, MAX_NAME_PREFIX_LENGTH, newRunId, runNames } from './run-names.ts';
import { TAINT_EFFECTS, type Toleration } from './tolerations.ts';

/** Everything that shapes the agent's objects: the reference package's Config. */
export interface AgentConfig {
  /** Names every object of the run (see run-names.ts); a fresh one per run. */
  runId: string;
  namespace: string;
  /** Prefix of the run's ServiceAccount, Role and RoleBinding: `<prefix>-<runId>`. */
  serviceAccountName: string;
  /** Prefix of the run's Job: `<prefix>-<runId>`. */
  jobName: string;
  image: string;
  imagePullSecrets: string[];
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  /**
   * An explicit `cm://namespace/name` the agent writes to and the run leaves in place (delivered), or
   * '' for a run-owned staging ConfigMap that is read back and deleted (stdout, file, the app).
   */
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

/** The ConfigMap the agent writes: the explicit output, or this run's staging ConfigMap. */
export function agentOutputUri(config: Pick<AgentConfig, 'output' | 'namespace' | 'jobName' | 'serviceAccountName' | 'runId'>): string {
  return config.output !== '' ? config.output : `cm://${config.namespace}/${runNames(config).stagingConfigMap}`;
}

/** True when the run owns (creates and deletes) the ConfigMap the agent writes. */
export function ownsOutputConfigMap(config: Pick<AgentConfig, 'output'>): boolean {
  return config.output === '';
}

/** The CLI's defaults (privileged, tolerate all taints, a staging ConfigMap) with a fresh run ID. */
export function defaultAgentConfig(overrides: Partial<AgentConfig> = {}): AgentConfig {
  return {
    runId: newRunId(),
    namespace: DEFAULT_NAMESPACE,
    serviceAccountName: DEFAULT_SERVICE_ACCOUNT_NAME,
    jobName: DEFAULT_JOB_NAME,
    image: DEFAULT_AGENT_IMAGE,
    imagePullSecrets: [],
    nodeSelector: {},
    tolerations: [{ operator: 'Exists' }],
    output: '',
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

function resourceErrors(config: AgentConfig): FieldError[] {
  const syntax = [...resourceListErrors('requests', config.requests), ...resourceListErrors('limits', config.limits)];
  if (syntax.length > 0) return syntax;
  return resourceProblems(config).map((p) => ({ field: `${p.field}.${p.resource}`, message: p.message }));
}

/** A user-given name prefix: valid on its own and short enough for `<prefix>-<runId>`. */
function prefixErrors(field: string, prefix: string, syntax: (v: string) => string[]): FieldError[] {
  const errors = fieldErrors(field, syntax(prefix));
  if (prefix.length > MAX_NAME_PREFIX_LENGTH) {
    errors.push({ field, message: `is a prefix the run ID is appended to, so it may have at most ${MAX_NAME_PREFIX_LENGTH} characters (has ${prefix.length})` });
  }
  return errors;
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
  if (output === '') return [];
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
    ...(isRunId(config.runId) ? [] : [{ field: 'runId', message: 'must be 8 characters: a lowercase letter, then lowercase letters or digits (e.g. k3x9q2ab)' }]),
    ...fieldErrors('namespace', dns1123LabelErrors(config.namespace)),
    ...prefixErrors('jobName', config.jobName, dns1123LabelErrors),
    ...prefixErrors('serviceAccountName', config.serviceAccountName, dns1123SubdomainErrors),
    ...fieldErrors('image', imageReferenceErrors(config.image)),
    ...config.imagePullSecrets.flatMap((s, i) => fieldErrors(`imagePullSecrets[${i}]`, dns1123SubdomainErrors(s))),
    ...Object.entries(config.nodeSelector).flatMap(([k, v]) => [
      ...fieldErrors(`nodeSelector.${k}`, labelKeyErrors(k).map((m) => `key ${m}`)),
      ...fieldErrors(`nodeSelector.${k}`, labelValueErrors(v).map((m) => `value ${m}`)),
    ]),
    ...tolerationErrors(config.tolerations),
    ...outputErrors(config.output),
    ...resourceErrors(config),
  ];
  if (config.runtimeClassName !== '') errors.push(...fieldErrors('runtimeClassName', dns1123SubdomainErrors(config.runtimeClassName)));
  if (config.requireGPU && config.runtimeClassName !== '') {
    errors.push({
      field: 'requireGPU',
      message: 'requireGPU and runtimeClassName are mutually exclusive; prefer runtimeClassName, which provides nvidia-smi access via the container runtime without consuming a GPU allocation',
    });
  }
  if (!Number.isSafeInteger(config.maxNodesPerEntry) || config.maxNodesPerEntry < 0) {
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
