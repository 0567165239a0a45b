/**
 * The `snapshot` / `manifests` flag set (the reference CLI's flags, defaults and environment variables)
 * and its translation into an AgentConfig, validated in the reference's order with errors that name
 * the flag and the fix. `--job-name` and `--service-account-name` are prefixes: every run appends its
 * run ID.
 */
import { defaultAgentConfig, DEFAULT_AGENT_IMAGE, validateAgentConfig, type AgentConfig } from '../../shared/agent-config.ts';
import { isConfigMapUri, parseConfigMapUri } from '../../shared/configmap-uri.ts';
import { parseDuration } from '../../shared/duration.ts';
import { ErrorCode, newError, wrapError } from '../../shared/errors.ts';
import { imageReferenceErrors } from '../../shared/image-ref.ts';
import { dns1123LabelErrors, dns1123SubdomainErrors } from '../../shared/k8s-names.ts';
import { parseNodeSelectors } from '../../shared/node-selector.ts';
import { parseOsKind } from '../../shared/os-kind.ts';
import { parseResourceList } from '../../shared/quantity.ts';
import { newRunId } from '../../shared/run-names.ts';
import { parseTolerations } from '../../shared/tolerations.ts';
import type { ContextSelection } from '../kube/context.ts';
import type { FlagSpec, ParsedFlags } from './flags.ts';

export const CONTEXT_FLAGS: FlagSpec[] = [
  { name: 'kubeconfig', alias: 'k', kind: 'string', usage: 'path to the kubeconfig file', defaultText: '$KUBECONFIG, then ~/.kube/config' },
  { name: 'context', kind: 'string', usage: 'kubeconfig context to use', defaultText: 'current-context' },
];

export const SNAPSHOT_FLAGS: FlagSpec[] = [
  ...CONTEXT_FLAGS,
  { name: 'namespace', alias: 'n', kind: 'string', env: 'AICR_NAMESPACE', usage: 'namespace for the agent Job and its RBAC', defaultText: 'default' },
  { name: 'image', kind: 'string', env: 'AICR_IMAGE', usage: 'agent container image', defaultText: DEFAULT_AGENT_IMAGE },
  { name: 'image-pull-secret', kind: 'list', usage: 'image pull secret name (repeatable)' },
  { name: 'job-name', kind: 'string', usage: 'prefix of the agent Job name; the run ID is appended (<prefix>-<run-id>)', defaultText: 'aicr' },
  { name: 'service-account-name', kind: 'string', usage: 'prefix of the ServiceAccount, Role and RoleBinding names; the run ID is appended', defaultText: 'aicr' },
  { name: 'node-selector', kind: 'list', usage: 'node selector key=value (repeatable); without one, GPU nodes (nvidia.com/gpu.present=true) are targeted when the cluster has any', defaultText: 'auto' },
  { name: 'toleration', kind: 'list', usage: 'toleration key=value:effect, key:effect or * (repeatable)', defaultText: 'tolerate all taints' },
  { name: 'timeout', kind: 'string', usage: 'how long to wait for the Job to complete', defaultText: '5m' },
  { name: 'no-cleanup', kind: 'bool', usage: 'keep the Job and RBAC after the run (leaves cluster-admin binding active)' },
  { name: 'privileged', kind: 'bool', usage: 'run the agent privileged (needed for GPU and SystemD data); --privileged=false for Pod Security restricted', defaultText: 'true' },
  { name: 'require-gpu', kind: 'bool', env: 'AICR_REQUIRE_GPU', usage: 'request nvidia.com/gpu=1 for the agent (privileged only)' },
  { name: 'runtime-class', kind: 'string', env: 'AICR_RUNTIME_CLASS', usage: 'RuntimeClass for the agent pod (e.g. nvidia); exclusive with --require-gpu' },
  { name: 'os', kind: 'string', env: 'AICR_OS', usage: 'node OS family (ubuntu, rhel, cos, amazonlinux, talos, ...)' },
  { name: 'requests', kind: 'string', env: 'AICR_REQUESTS', usage: 'container request overrides, e.g. cpu=500m,memory=1Gi' },
  { name: 'limits', kind: 'string', env: 'AICR_LIMITS', usage: 'container limit overrides, e.g. memory=2Gi; an explicit nvidia.com/gpu=N wins over --require-gpu' },
  { name: 'max-nodes-per-entry', kind: 'string', usage: 'max node names per topology entry (0 = unlimited)', defaultText: '0' },
  { name: 'debug', kind: 'bool', env: 'AICR_DEBUG', usage: 'run the agent with debug JSON logging' },
  { name: 'output', alias: 'o', kind: 'string', usage: 'where the snapshot goes: a file, - for stdout, or cm://namespace/name (kept in the cluster)', defaultText: 'stdout' },
  { name: 'format', alias: 't', kind: 'string', usage: 'output format: yaml or json', defaultText: 'yaml' },
];

export const MANIFESTS_FLAGS: FlagSpec[] = [
  ...SNAPSHOT_FLAGS,
  { name: 'run-id', kind: 'string', usage: 'run ID to name the objects with (8 characters, e.g. k3x9q2ab), for reproducible output', defaultText: 'a fresh one' },
];

export type OutputTarget = { kind: 'stdout' } | { kind: 'file'; path: string } | { kind: 'configmap'; uri: string };

export interface SnapshotOptions {
  selection: ContextSelection;
  config: AgentConfig;
  output: OutputTarget;
  format: 'yaml' | 'json';
  timeoutMs: number;
  cleanup: boolean;
}

/** The flag each AgentConfig field comes from, so config validation can name it. */
const FLAG_OF_FIELD: Record<string, string> = {
  runId: 'run-id',
  namespace: 'namespace',
  jobName: 'job-name',
  serviceAccountName: 'service-account-name',
  image: 'image',
  imagePullSecrets: 'image-pull-secret',
  nodeSelector: 'node-selector',
  tolerations: 'toleration',
  output: 'output',
  requests: 'requests',
  limits: 'limits',
  maxNodesPerEntry: 'max-nodes-per-entry',
  runtimeClassName: 'runtime-class',
  requireGPU: 'require-gpu',
  os: 'os',
};

const invalidFlag = (flag: string, value: string, problems: string[]) =>
  newError(ErrorCode.InvalidRequest, `invalid --${flag} "${value}": ${problems.join('; ')}`);

function checkName(flag: string, value: string, errors: (v: string) => string[]): string {
  const problems = errors(value);
  if (problems.length > 0) throw invalidFlag(flag, value, problems);
  return value;
}

function parseOutput(value: string | undefined): OutputTarget {
  if (value === undefined || value === '' || value === '-') return { kind: 'stdout' };
  if (isConfigMapUri(value)) {
    let ref;
    try {
      ref = parseConfigMapUri(value);
    } catch (err) {
      throw wrapError(ErrorCode.InvalidRequest, `invalid --output ConfigMap URI "${value}", expected cm://namespace/name`, err);
    }
    const problems = [...dns1123LabelErrors(ref.namespace).map((m) => `namespace ${m}`), ...dns1123SubdomainErrors(ref.name).map((m) => `name ${m}`)];
    if (problems.length > 0) throw invalidFlag('output', value, problems);
    return { kind: 'configmap', uri: value };
  }
  return { kind: 'file', path: value };
}

function parseFormat(value: string | undefined): 'yaml' | 'json' {
  const format = value ?? 'yaml';
  if (format === 'yaml' || format === 'json') return format;
  throw newError(ErrorCode.InvalidRequest, `unknown output format: "${format}", valid formats are: yaml, json`);
}

function parseTimeout(value: string | undefined): number {
  if (value === undefined) return 5 * 60_000;
  try {
    const ms = parseDuration(value);
    return ms === 0 ? 5 * 60_000 : ms;
  } catch (err) {
    throw wrapError(ErrorCode.InvalidRequest, 'invalid --timeout', err);
  }
}

function parseMaxNodes(value: string | undefined): number {
  if (value === undefined) return 0;
  const text = value.trim();
  const number = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(number)) {
    throw newError(ErrorCode.InvalidRequest, `invalid --max-nodes-per-entry "${value}": must be a whole number from 0 (unlimited) to ${Number.MAX_SAFE_INTEGER}`);
  }
  return number;
}

function withFlag<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw wrapError(ErrorCode.InvalidRequest, `invalid --${flag}`, err);
  }
}

/** Config-level problems (prefix lengths, requests above limits...) reported with the flags that set them. */
function assertValidForFlags(config: AgentConfig): void {
  const errors = validateAgentConfig(config);
  if (errors.length === 0) return;
  const lines = errors.map((e) => {
    const [field, ...rest] = e.field.split('.');
    const flag = FLAG_OF_FIELD[field ?? ''] ?? field;
    return `  - --${flag}${rest.length > 0 ? ` (${rest.join('.')})` : ''}: ${e.message}`;
  });
  throw newError(ErrorCode.InvalidRequest, `invalid flags:\n${lines.join('\n')}`, { fields: errors });
}

export function contextSelectionFrom(flags: ParsedFlags): ContextSelection {
  const kubeconfig = flags.strings.get('kubeconfig');
  const context = flags.strings.get('context');
  return { ...(kubeconfig ? { kubeconfigPath: kubeconfig } : {}), ...(context ? { context } : {}) };
}

/** Turns parsed flags into a validated run description; throws INVALID_REQUEST naming the flag. */
export function snapshotOptionsFrom(flags: ParsedFlags): SnapshotOptions {
  const str = (name: string) => flags.strings.get(name);
  const list = (name: string) => flags.lists.get(name) ?? [];
  const requireGPU = flags.bools.get('require-gpu') ?? false;
  const runtimeClassName = str('runtime-class') ?? '';
  if (requireGPU && runtimeClassName !== '') {
    throw newError(
      ErrorCode.InvalidRequest,
      '--require-gpu and --runtime-class are mutually exclusive; prefer --runtime-class, which provides nvidia-smi access via the container runtime without consuming a GPU allocation',
    );
  }
  const format = parseFormat(str('format'));
  const output = parseOutput(str('output'));
  const nodeSelector = withFlag('node-selector', () => parseNodeSelectors(list('node-selector')));
  const tolerations = withFlag('toleration', () => parseTolerations(list('toleration')));
  const os = withFlag('os', () => parseOsKind(str('os') ?? ''));
  const requests = withFlag('requests', () => parseResourceList(str('requests') ?? ''));
  const limits = withFlag('limits', () => parseResourceList(str('limits') ?? ''));
  const timeoutMs = parseTimeout(str('timeout'));

  const namespace = checkName('namespace', str('namespace') ?? 'default', dns1123LabelErrors);
  const image = checkName('image', str('image') ?? DEFAULT_AGENT_IMAGE, imageReferenceErrors);
  const config = defaultAgentConfig({
    runId: str('run-id') ?? newRunId(),
    namespace,
    serviceAccountName: str('service-account-name') ?? 'aicr',
    jobName: str('job-name') ?? 'aicr',
    image,
    imagePullSecrets: list('image-pull-secret').map((s) => checkName('image-pull-secret', s, dns1123SubdomainErrors)),
    nodeSelector,
    tolerations,
    output: output.kind === 'configmap' ? output.uri : '',
    debug: flags.bools.get('debug') ?? false,
    privileged: flags.bools.get('privileged') ?? true,
    requireGPU,
    runtimeClassName: runtimeClassName === '' ? '' : checkName('runtime-class', runtimeClassName, dns1123SubdomainErrors),
    maxNodesPerEntry: parseMaxNodes(str('max-nodes-per-entry')),
    os,
    ...(requests ? { requests } : {}),
    ...(limits ? { limits } : {}),
  });
  assertValidForFlags(config);
  return {
    selection: contextSelectionFrom(flags),
    config,
    output,
    format,
    timeoutMs,
    cleanup: !(flags.bools.get('no-cleanup') ?? false),
  };
}
