/**
 * The agent's logs through pods/log. Follow streams are read here rather than with client-node's Log,
 * which cannot report a dropped stream: a stream that ends while the container still runs is resumed
 * with sinceTime, and lines already delivered (by their kubelet timestamp) are skipped.
 */
import { ErrorCode, wrapError } from '../../shared/errors.ts';
import { isTransient } from '../kube/errors.ts';
import { paths } from '../kube/paths.ts';
import { CONTAINER_NAME, LABEL_CONTROLLER_UID } from './constants.ts';
import { agentContainerState, isPodTerminal, type Pod } from './pod-status.ts';
import type { RunningJob } from './wait.ts';

/** The reference scanner's maximum line length; longer lines are delivered in pieces. */
export const MAX_LOG_LINE_BYTES = 1024 * 1024;
const RESUME_DELAY_MS = 500;

/** RFC 3339 with up to nanosecond fraction, as the kubelet prefixes lines with timestamps=true, to epoch nanoseconds. */
export function timestampNanos(rfc3339: string): bigint | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(rfc3339);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  return BigInt(seconds) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

/** Splits `<timestamp> <line>`; lines without a parsable timestamp are kept whole. */
export function splitTimestamp(raw: string): { nanos?: bigint; text: string } {
  const space = raw.indexOf(' ');
  const nanos = space > 0 ? timestampNanos(raw.slice(0, space)) : undefined;
  return nanos === undefined ? { text: raw } : { nanos, text: raw.slice(space + 1) };
}

async function agentContainerFinished(job: RunningJob, podName: string, signal: AbortSignal): Promise<boolean> {
  const pod = await job.client.request<Pod>(paths.pod(job.namespace, podName), { signal });
  return isPodTerminal(pod) || agentContainerState(pod)?.terminated !== undefined || pod.metadata.deletionTimestamp !== undefined;
}

/**
 * Delivers every log line of the agent container until it terminates. Rejects with the abort reason
 * when cancelled.
 */
export async function streamLogs(job: RunningJob, podName: string, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
  let lastNanos: bigint | undefined;
  let interruptions = 0;
  for (;;) {
    signal.throwIfAborted();
    const sinceTime = lastNanos === undefined ? undefined : new Date(Number(lastNanos / 1_000_000n)).toISOString().replace(/\.\d+Z$/, 'Z');
    try {
      const response = await job.client.stream(paths.podLog(job.namespace, podName), {
        query: { container: CONTAINER_NAME, follow: true, timestamps: true, sinceTime },
        signal,
      });
      response.setEncoding('utf8');
      let partial = '';
      const deliver = (raw: string) => {
        const { nanos, text } = splitTimestamp(raw);
        if (nanos !== undefined) {
          if (lastNanos !== undefined && nanos <= lastNanos) return; // already delivered before the resume
          lastNanos = nanos;
        }
        onLine(text);
      };
      for await (const chunk of response) {
        partial += chunk as string;
        let newline: number;
        while ((newline = partial.indexOf('\n')) !== -1) {
          deliver(partial.slice(0, newline));
          partial = partial.slice(newline + 1);
        }
        while (partial.length > MAX_LOG_LINE_BYTES) {
          deliver(partial.slice(0, MAX_LOG_LINE_BYTES));
          partial = partial.slice(MAX_LOG_LINE_BYTES);
        }
      }
      if (partial !== '') deliver(partial);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (!isTransient(err)) throw wrapError(ErrorCode.Internal, 'failed to stream pod logs', err);
      interruptions++;
    }
    try {
      if (await agentContainerFinished(job, podName, signal)) return;
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (!isTransient(err)) throw wrapError(ErrorCode.Internal, 'failed to stream pod logs', err);
    }
    // A stream that ends cleanly usually means the container just exited and its status is not
    // posted yet; resuming then returns at once. Only report interruptions a user would notice.
    if (interruptions > 0) job.onEvent({ type: 'reconnecting', what: 'agent logs', reason: 'log stream interrupted; resuming' });
    interruptions = 0;
    await new Promise((resolve) => setTimeout(resolve, RESUME_DELAY_MS));
  }
}

/** The newest pod of the Job (by creation time), or undefined when it has none. */
export async function findJobPod(job: RunningJob, signal: AbortSignal): Promise<Pod | undefined> {
  const list = await job.client.request<{ items: Pod[] }>(paths.pods(job.namespace), {
    query: { labelSelector: `${LABEL_CONTROLLER_UID}=${job.uid}` },
    signal,
  });
  return list.items.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '')).at(-1);
}

/** The agent's logs so far (optionally only the last lines), each line ending in a newline. */
export async function getPodLogs(job: RunningJob, podName: string, signal: AbortSignal, tailLines?: number): Promise<string> {
  const response = await job.client.stream(paths.podLog(job.namespace, podName), {
    query: { container: CONTAINER_NAME, tailLines },
    signal,
  });
  response.setEncoding('utf8');
  let text = '';
  for await (const chunk of response) text += chunk as string;
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
