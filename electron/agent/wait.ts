/**
 * Waiting on the agent Job with watches only: the Job for Complete/Failed, its pods (found by the Job's
 * controller-uid label, never by the shared app label) for progress and stuck states, and the Job's
 * events for pods the Job controller cannot create. Whatever settles first ends the wait.
 */
import { formatDuration } from '../../shared/duration.ts';
import { ErrorCode, newError, wrapError, type StructuredError } from '../../shared/errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { isForbidden } from '../kube/errors.ts';
import { paths } from '../kube/paths.ts';
import { watchUntil, type WatchOptions } from '../kube/watch.ts';
import { LABEL_CONTROLLER_UID } from './constants.ts';
import type { DeployerEvent } from './events.ts';
import type { PodStates } from './pod-states.ts';
import type { Job } from './manifests/types.ts';
import {
  agentContainerState,
  isPodReady,
  isUnschedulable,
  unschedulableMessage,
  isPodTerminal,
  jobEventBlocker,
  jobOutcome,
  logsAvailable,
  podBlocker,
  summarizePod,
  type KubeEvent,
  type Pod,
} from './pod-status.ts';

export interface RunningJob {
  client: KubeClient;
  namespace: string;
  name: string;
  uid: string;
  onEvent: (event: DeployerEvent) => unknown;
  /** What the run's pod watches have seen, for the log stream. */
  pods: PodStates;
  /**
   * Decides what an Unschedulable pod means: an error when no node could ever host it (fail now),
   * undefined when one could (busy, or a GPU pool scaling up from zero: warn and keep waiting).
   */
  judgeUnschedulable: (pod: Pod, signal: AbortSignal) => Promise<StructuredError | undefined>;
}

function watchOptions(job: RunningJob, what: string, signal: AbortSignal): WatchOptions {
  return {
    signal,
    onReconnect: (reason) => job.onEvent({ type: 'reconnecting', what, reason: String((reason as Error)?.message ?? reason) }),
    onBadEvent: (problem) => job.onEvent({ type: 'warning', message: `${what} watch: ${problem}` }),
  };
}

/**
 * Turns Unschedulable pod states into a verdict off the watch's synchronous path: each distinct
 * scheduler message is judged once; a fatal verdict rejects `failure`.
 */
function unschedulableMonitor(job: RunningJob, signal: AbortSignal) {
  const judged = new Set<string>();
  let fail: (err: unknown) => void = () => {};
  const failure = new Promise<never>((_resolve, reject) => {
    fail = reject;
  });
  failure.catch(() => {}); // observed through Promise.race; never an unhandled rejection
  return {
    failure,
    observe(pod: Pod): void {
      if (!isUnschedulable(pod)) return;
      const message = unschedulableMessage(pod);
      if (judged.has(message)) return;
      judged.add(message);
      job.judgeUnschedulable(pod, signal).then((verdict) => {
        if (verdict) fail(verdict);
        else job.onEvent({ type: 'warning', message: `agent pod not scheduled yet, still waiting: ${message}` });
      }, fail);
    },
  };
}

function reportPod(job: RunningJob, pod: Pod): void {
  if (job.pods.update(pod)) job.onEvent({ type: 'pod', pod: summarizePod(pod) });
}

function podsTarget(job: RunningJob) {
  return { path: paths.pods(job.namespace), labelSelector: `${LABEL_CONTROLLER_UID}=${job.uid}` };
}

/**
 * Watches the Job's pods, reporting changes and throwing on a stuck pod; resolves when the agent pod
 * has succeeded, if `settle` is 'pod-succeeded', and never otherwise.
 */
function watchPods(job: RunningJob, settle: CompletionSettle, signal: AbortSignal, lastPod: { pod?: Pod }): Promise<true> {
  const unschedulable = unschedulableMonitor(job, signal);
  const watch = watchUntil<Pod, true>(
    job.client,
    podsTarget(job),
    (_change, pods) => {
      for (const pod of pods.values()) {
        lastPod.pod = pod;
        reportPod(job, pod);
        const blocker = podBlocker(pod);
        if (blocker) throw blocker;
        if (settle === 'pod-succeeded' && pod.status?.phase === 'Succeeded') return true;
        unschedulable.observe(pod);
      }
      return undefined;
    },
    watchOptions(job, 'agent pod', signal),
  );
  return Promise.race([watch, unschedulable.failure]);
}

/** The Kubernetes events of the run's Job and of its pods, for the user to see; each reported once. */
function reportKubeEvent(job: RunningJob, event: KubeEvent, seen: Set<string>): void {
  const key = `${event.metadata.uid ?? ''}/${event.metadata.resourceVersion ?? ''}`;
  if (seen.has(key)) return;
  seen.add(key);
  job.onEvent({
    type: 'kube-event',
    object: `${event.involvedObject?.kind ?? ''} ${event.involvedObject?.name ?? ''}`.trim(),
    reason: event.reason ?? '',
    message: event.message ?? '',
    warning: event.type === 'Warning',
  });
}

/** Watches a set of events; a user without events access just loses them (and the early FailedCreate signal). */
async function watchEvents(job: RunningJob, fieldSelector: string, what: string, onEvent: (event: KubeEvent) => void, signal: AbortSignal): Promise<never> {
  try {
    return await watchUntil<KubeEvent, never>(
      job.client,
      { path: paths.events(job.namespace), fieldSelector },
      (change, events) => {
        // The events that already existed when the watch started come with the initial state.
        if (change.type === 'SYNCED') for (const event of events.values()) onEvent(event);
        else if (change.type === 'ADDED' || change.type === 'MODIFIED') onEvent(change.object);
        return undefined;
      },
      watchOptions(job, what, signal),
    );
  } catch (err) {
    if (isForbidden(err)) return new Promise<never>(() => {});
    throw err;
  }
}

/** The Job's events (FailedCreate ends the wait) and its pods' events (Scheduled, Pulled, Started...). */
function watchJobEventsForBlockers(job: RunningJob, signal: AbortSignal): Promise<never> {
  const seen = new Set<string>();
  const jobEvents = watchEvents(
    job,
    `involvedObject.uid=${job.uid}`,
    'Job events',
    (event) => {
      reportKubeEvent(job, event, seen);
      const blocker = jobEventBlocker(event);
      if (blocker) throw blocker;
    },
    signal,
  );
  const podEvents = watchEvents(
    job,
    'involvedObject.kind=Pod',
    'pod events',
    (event) => {
      // The Job's pods are named after it; other pods' events in the namespace are not this run's.
      if (event.involvedObject?.name?.startsWith(`${job.name}-`)) reportKubeEvent(job, event, seen);
    },
    signal,
  );
  return Promise.race([jobEvents, podEvents]);
}

function failureMessage(outcome: { reason: string; message: string }, pod: Pod | undefined): string {
  const parts = [outcome.reason, outcome.message].filter((p) => p !== '').join(': ');
  const exitCode = pod ? agentContainerState(pod)?.terminated?.exitCode : undefined;
  const exit = exitCode === undefined ? '' : ` (agent exited with code ${exitCode})`;
  return `job failed${parts ? `: ${parts}` : ''}${exit}`;
}

/** Runs `body` with a child signal that also fires after `timeoutMs`; maps that deadline to TIMEOUT. */
async function withDeadline<T>(signal: AbortSignal, timeoutMs: number, timeoutMessage: string, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const siblings = new AbortController();
  try {
    return await body(AbortSignal.any([signal, deadline, siblings.signal]));
  } catch (err) {
    if (deadline.aborted && !signal.aborted) throw newError(ErrorCode.Timeout, timeoutMessage, { timeoutMs });
    throw err;
  } finally {
    siblings.abort();
  }
}

/**
 * What ends a successful wait. The agent pod succeeding settles the outcome of a Job of one completion
 * without retries, and the snapshot is written by then; the Job controller marks the Job Complete only
 * after batching pod updates for about a second. A run that deletes the Job need not wait for that; one
 * that leaves it behind does, so that the Job it leaves is in its final state.
 */
export type CompletionSettle = 'pod-succeeded' | 'job-complete';

/** Resolves when the Job is Complete (or its agent pod succeeded, see {@link CompletionSettle}); rejects early when it failed or cannot make progress. */
export async function waitForCompletion(job: RunningJob, timeoutMs: number, settle: CompletionSettle, signal: AbortSignal): Promise<void> {
  await withDeadline(signal, timeoutMs, `job completion timeout after ${formatDuration(timeoutMs)}`, async (scoped) => {
    const lastPod: { pod?: Pod } = {};
    const completion = watchUntil<Job, true>(
      job.client,
      { path: paths.jobs(job.namespace), fieldSelector: `metadata.name=${job.name}` },
      (_change, jobs) => {
        const current = [...jobs.values()][0];
        if (!current) throw newError(ErrorCode.Internal, `Job ${job.namespace}/${job.name} was deleted while waiting for it`);
        if (current.metadata.uid !== job.uid) throw newError(ErrorCode.Internal, `Job ${job.namespace}/${job.name} was replaced by another run`);
        const outcome = jobOutcome(current);
        if (!outcome) return undefined;
        if (outcome.complete) return true;
        throw newError(ErrorCode.Internal, failureMessage(outcome, lastPod.pod), { reason: outcome.reason, message: outcome.message });
      },
      watchOptions(job, 'agent Job', scoped),
    );
    await Promise.race([completion, watchPods(job, settle, scoped, lastPod), watchJobEventsForBlockers(job, scoped)]);
  });
}

/**
 * Resolves with the agent pod once its logs can be read: Ready, or already finished (the reference
 * misses the logs of a pod that ends before it is seen Ready). Rejects on a stuck or failed-to-start pod.
 */
export async function waitForPodReady(job: RunningJob, timeoutMs: number, signal: AbortSignal): Promise<Pod> {
  return withDeadline(signal, timeoutMs, `timeout waiting for the agent pod to start after ${formatDuration(timeoutMs)}`, (scoped) => {
    const unschedulable = unschedulableMonitor(job, scoped);
    const ready = watchUntil<Pod, Pod>(
      job.client,
      podsTarget(job),
      (_change, pods) => {
        for (const pod of pods.values()) {
          reportPod(job, pod);
          const blocker = podBlocker(pod);
          if (blocker) throw blocker;
          unschedulable.observe(pod);
          if (isPodReady(pod) || (isPodTerminal(pod) && logsAvailable(pod))) return pod;
          if (pod.status?.phase === 'Failed') {
            throw wrapError(ErrorCode.Internal, 'pod failed', new Error(pod.status.message ?? pod.status.reason ?? 'unknown reason'), { pod: pod.metadata.name });
          }
        }
        return undefined;
      },
      watchOptions(job, 'agent pod', scoped),
    );
    return Promise.race([ready, unschedulable.failure]);
  });
}
