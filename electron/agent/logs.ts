/**
 * The agent's logs through pods/log. Follow streams are read here rather than with client-node's Log,
 * which cannot report a dropped stream: a stream that ends while the container still runs is resumed
 * with sinceTime, and lines already delivered are skipped by their kubelet timestamp, counting lines
 * that share one, so a resume neither loses nor repeats a line. Lines go out in batches, and the next
 * chunk is read only when the consumer has taken the last batch (backpressure).
 */
import { ErrorCode, wrapError } from '../../shared/errors.ts';
import { isTransient } from '../kube/errors.ts';
import { LineSplitter } from '../kube/line-splitter.ts';
import { paths } from '../kube/paths.ts';
import { CONTAINER_NAME, LABEL_CONTROLLER_UID } from './constants.ts';
import { agentContainerState, isPodTerminal, type Pod } from './pod-status.ts';
import type { RunningJob } from './wait.ts';

/** The reference scanner's maximum line length in bytes; longer lines are delivered in pieces. */
export const MAX_LOG_LINE_BYTES = 1024 * 1024;
/** getPodLogs is for tails and failure reports: bounded, never the whole of a flood. */
export const MAX_LOG_READ_BYTES = 4 * 1024 * 1024;
const RESUME_DELAY_MS = 500;

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;
/** Nanoseconds per unit of the fraction's last digit, by the fraction's length. */
const FRACTION_SCALE = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1];
/**
 * The last whole second parsed: a flood's lines share their second by the thousand, and Date.parse
 * with BigInt arithmetic per line was the largest cost of streaming logs in main.
 */
let lastSeconds = { text: '', nanos: 0n };

/** RFC 3339 with up to nanosecond fraction, as the kubelet prefixes lines with timestamps=true, to epoch nanoseconds. */
export function timestampNanos(rfc3339: string): bigint | undefined {
  const match = RFC3339.exec(rfc3339);
  if (!match) return undefined;
  const seconds = `${match[1]}${match[3]}`;
  if (seconds !== lastSeconds.text) {
    const ms = Date.parse(seconds);
    if (Number.isNaN(ms)) return undefined;
    lastSeconds = { text: seconds, nanos: BigInt(ms) * 1_000_000n };
  }
  const fraction = match[2];
  // Exact: the fraction scaled to nanoseconds is an integer below 1e9.
  return fraction === undefined ? lastSeconds.nanos : lastSeconds.nanos + BigInt(Number(fraction) * (FRACTION_SCALE[fraction.length] as number));
}

/** Splits `<timestamp> <line>`; lines without a parsable timestamp are kept whole. */
export function splitTimestamp(raw: string): { nanos?: bigint; text: string } {
  const space = raw.indexOf(' ');
  const nanos = space > 0 ? timestampNanos(raw.slice(0, space)) : undefined;
  return nanos === undefined ? { text: raw } : { nanos, text: raw.slice(space + 1) };
}

/**
 * A line without its timestamp prefix, recognised by its shape (`YYYY-MM-DDT...`): parsing every
 * line's timestamp was most of main's work in a log flood, and only the last lines of a batch need it.
 */
function withoutTimestamp(raw: string): string {
  const space = raw.indexOf(' ');
  return space >= 20 && raw.charCodeAt(4) === 45 && raw.charCodeAt(10) === 84 ? raw.slice(space + 1) : raw;
}

/**
 * Which lines of a resumed stream are new. The kubelet resumes at whole seconds (sinceTime), so a
 * resumed stream repeats what came after that second; lines are identified by (timestamp, how many
 * earlier lines had the same timestamp).
 */
export class ResumeFilter {
  private lastNanos: bigint | undefined;
  private deliveredAtLast = 0;
  private seenAtLastThisStream = 0;
  /** Whether this stream has passed the last line delivered before it: all that follows is new. */
  private caughtUp = false;

  /** Call when a new stream starts. */
  restart(): void {
    this.seenAtLastThisStream = 0;
    this.caughtUp = false;
  }

  /** The new lines of a batch of `<timestamp> <line>`, in order, without their timestamps. */
  take(raw: readonly string[]): string[] {
    const lines: string[] = [];
    let at = 0;
    // A resumed stream starts with lines delivered before: judged one by one until one is newer.
    for (; at < raw.length && !this.caughtUp; at++) {
      const { nanos, text } = splitTimestamp(raw[at] as string);
      if (nanos !== undefined && (this.lastNanos === undefined || nanos > this.lastNanos)) this.caughtUp = true;
      if (this.accept(nanos)) lines.push(text);
    }
    if (at === raw.length) return lines;
    // The kubelet sends lines in order: from here on every line is new, and only the batch's last
    // timestamp, with how many lines share it, is recorded for a resume.
    for (let i = at; i < raw.length; i++) lines.push(withoutTimestamp(raw[i] as string));
    this.recordLast(raw, at);
    return lines;
  }

  /** Records the last timestamp among `raw[from...]` and how many of those lines share it, as accept() would have. */
  private recordLast(raw: readonly string[], from: number): void {
    let last: bigint | undefined;
    let sharing = 0;
    for (let i = raw.length - 1; i >= from; i--) {
      const { nanos } = splitTimestamp(raw[i] as string);
      if (nanos === undefined) continue; // lines without a timestamp are not counted
      if (last === undefined) last = nanos;
      if (nanos !== last) break;
      sharing++;
    }
    if (last === undefined) return;
    if (this.lastNanos === undefined || last > this.lastNanos) {
      this.lastNanos = last;
      this.deliveredAtLast = sharing;
      this.seenAtLastThisStream = sharing;
    } else if (last === this.lastNanos) {
      this.deliveredAtLast += sharing;
      this.seenAtLastThisStream += sharing;
    }
  }

  /** sinceTime for the next stream: the second of the last delivered line. */
  get sinceTime(): string | undefined {
    if (this.lastNanos === undefined) return undefined;
    return new Date(Number(this.lastNanos / 1_000_000n)).toISOString().replace(/\.\d+Z$/, 'Z');
  }

  /** True when the line is new (and records it as delivered). */
  accept(nanos: bigint | undefined): boolean {
    if (nanos === undefined) return true;
    if (this.lastNanos !== undefined) {
      if (nanos < this.lastNanos) return false;
      if (nanos === this.lastNanos) {
        this.seenAtLastThisStream++;
        if (this.seenAtLastThisStream <= this.deliveredAtLast) return false;
        this.deliveredAtLast++;
        return true;
      }
    }
    this.lastNanos = nanos;
    this.deliveredAtLast = 1;
    this.seenAtLastThisStream = 1;
    return true;
  }
}

function containerFinished(pod: Pod | undefined): boolean {
  return pod !== undefined && (isPodTerminal(pod) || agentContainerState(pod)?.terminated !== undefined || pod.metadata.deletionTimestamp !== undefined);
}

/**
 * Whether the agent container has finished: from the pod watches when they know (now or within the
 * resume delay; the status is posted just after the stream ends), else from the API server.
 */
async function agentContainerFinished(job: RunningJob, podName: string, signal: AbortSignal): Promise<boolean> {
  if (containerFinished(job.pods.get(podName))) return true;
  await job.pods.next(RESUME_DELAY_MS);
  if (containerFinished(job.pods.get(podName))) return true;
  return containerFinished(await job.client.request<Pod>(paths.pod(job.namespace, podName), { signal }));
}

export type LineBatchConsumer = (lines: string[]) => void | Promise<void>;

/** One follow stream: delivers its new lines batch by batch until it ends. */
async function followOnce(job: RunningJob, podName: string, filter: ResumeFilter, onLines: LineBatchConsumer, signal: AbortSignal): Promise<void> {
  const response = await job.client.stream(paths.podLog(job.namespace, podName), {
    query: { container: CONTAINER_NAME, follow: true, timestamps: true, sinceTime: filter.sinceTime },
    signal,
  });
  filter.restart();
  const splitter = new LineSplitter(MAX_LOG_LINE_BYTES + 40); // room for the timestamp prefix
  try {
    for await (const chunk of response) {
      const lines = filter.take(splitter.push(chunk as Buffer));
      if (lines.length > 0) await onLines(lines);
    }
    const rest = filter.take(splitter.flush());
    if (rest.length > 0) await onLines(rest);
  } finally {
    response.destroy();
  }
}

/**
 * Delivers every log line of the agent container until it terminates. Rejects with the abort reason
 * when cancelled.
 */
export async function streamLogs(job: RunningJob, podName: string, onLines: LineBatchConsumer, signal: AbortSignal): Promise<void> {
  const filter = new ResumeFilter();
  let interruptions = 0;
  for (;;) {
    signal.throwIfAborted();
    try {
      await followOnce(job, podName, filter, onLines, signal);
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
    if (interruptions > 0) void job.onEvent({ type: 'reconnecting', what: 'agent logs', reason: 'log stream interrupted; resuming' });
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

/** The agent's logs so far (optionally only the last lines, at most 4 MiB), each line ending in a newline. */
export async function getPodLogs(job: RunningJob, podName: string, signal: AbortSignal, tailLines?: number): Promise<string> {
  const response = await job.client.stream(paths.podLog(job.namespace, podName), {
    query: { container: CONTAINER_NAME, tailLines, limitBytes: MAX_LOG_READ_BYTES },
    signal,
  });
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
