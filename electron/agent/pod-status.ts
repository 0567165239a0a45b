/**
 * Reading the agent Job's and pod's status: what to tell the user, and which states mean the run can
 * never succeed, so they are reported at once instead of after the timeout.
 */
import { ErrorCode, newError, type StructuredError } from '../../shared/errors.ts';
import { CONTAINER_NAME } from './constants.ts';
import type { PodStatusSummary } from './events.ts';
import type { Condition, Job, ObjectMeta } from './manifests/types.ts';

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode: number; reason?: string; message?: string };
}

export interface Pod {
  metadata: ObjectMeta;
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: Condition[];
    containerStatuses?: { name: string; state?: ContainerState }[];
  };
}

export interface KubeEvent {
  metadata: ObjectMeta;
  reason?: string;
  message?: string;
  type?: string;
  involvedObject?: { kind?: string; name?: string; uid?: string };
}

/** Waiting reasons the kubelet keeps retrying forever: the run cannot succeed until someone acts. */
const IMAGE_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
const CONFIG_FAILURES = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

export function agentContainerState(pod: Pod): ContainerState | undefined {
  return pod.status?.containerStatuses?.find((c) => c.name === CONTAINER_NAME)?.state;
}

export function summarizePod(pod: Pod): PodStatusSummary {
  const state = agentContainerState(pod);
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const detail =
    state?.waiting ?? state?.terminated ?? (scheduled?.status === 'False' ? { reason: scheduled.reason, message: scheduled.message } : undefined);
  return {
    name: pod.metadata.name ?? '',
    ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
    phase: pod.status?.phase ?? 'Pending',
    ...(detail?.reason ? { reason: detail.reason } : {}),
    ...(detail?.message ? { message: detail.message } : {}),
  };
}

/** True once the agent container has started, i.e. its logs can be read. */
export function logsAvailable(pod: Pod): boolean {
  const state = agentContainerState(pod);
  return Boolean(state?.running || state?.terminated);
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function isPodTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** An error when the pod is stuck in a state that needs the user (bad image, no matching node, bad config). */
export function podBlocker(pod: Pod): StructuredError | undefined {
  const name = pod.metadata.name ?? '';
  const waiting = agentContainerState(pod)?.waiting;
  if (waiting?.reason && IMAGE_FAILURES.has(waiting.reason)) {
    return newError(
      ErrorCode.Internal,
      `agent image cannot be pulled (${waiting.reason}): ${waiting.message ?? 'no details from the kubelet'}\n\nCheck the image name and tag, and give a pull secret for private registries (--image-pull-secret).`,
      { pod: name, reason: waiting.reason },
    );
  }
  if (waiting?.reason && CONFIG_FAILURES.has(waiting.reason)) {
    return newError(ErrorCode.Internal, `agent container cannot start (${waiting.reason}): ${waiting.message ?? ''}`, { pod: name, reason: waiting.reason });
  }
  return undefined;
}

export function isUnschedulable(pod: Pod): boolean {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  return scheduled?.status === 'False' && scheduled.reason === 'Unschedulable';
}

export function unschedulableMessage(pod: Pod): string {
  return pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message ?? 'no node matches';
}

/** The error for a pod no node in the cluster could ever host. */
export function unschedulableError(pod: Pod): StructuredError {
  return newError(
    ErrorCode.Internal,
    `agent pod cannot be scheduled: ${unschedulableMessage(pod)}\n\nNo node in the cluster matches the node selector and tolerations. Check --node-selector and --toleration against your nodes' labels and taints.`,
    { pod: pod.metadata.name ?? '', reason: 'Unschedulable' },
  );
}

/** The Job controller could not create the pod (admission: Pod Security, quota, webhooks). */
export function jobEventBlocker(event: KubeEvent): StructuredError | undefined {
  if (event.reason !== 'FailedCreate') return undefined;
  const message = event.message ?? '';
  const hint = message.includes('PodSecurity')
    ? '\n\nThe namespace enforces a Pod Security level the privileged agent violates. Use a namespace that allows privileged pods, or run with --privileged=false (GPU and SystemD data will be limited).'
    : '';
  return newError(ErrorCode.Internal, `the Job cannot create the agent pod: ${message}${hint}`, { reason: event.reason });
}

export type JobOutcome = { complete: true } | { complete: false; reason: string; message: string };

/** Complete=True or Failed=True; undefined while the Job is still running. */
export function jobOutcome(job: Job): JobOutcome | undefined {
  for (const c of job.status?.conditions ?? []) {
    if (c.status !== 'True') continue;
    if (c.type === 'Complete') return { complete: true };
    if (c.type === 'Failed') return { complete: false, reason: c.reason ?? '', message: c.message ?? '' };
  }
  return undefined;
}
