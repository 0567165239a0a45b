/**
 * The agent's logs through pods/log. Follow streams are read here rather than with client-node's Log,
 * which cannot report a dropped stream: a stream that ends while the container still runs is resumed
 * with sinceTime, and lines already delivered are skipped by their kubelet timestamp, counting lines
 * that share one, so a resume neither loses nor repeats a line. Lines go out in batches, and the next
 * chunk is read only when the consumer has taken the last batch (backpressure).
 */
import { ErrorCode, wrapError } from '../../shared/errors.ts';
import { isTransient } from '../kube/errors.ts';
import { decodeJoined, LineSplitter, NEWLINE } from '../kube/line-splitter.ts';
import { paths } from '../kube/paths.ts';
import { CONTAINER_NAME, LABEL_CONTROLLER_UID } from './constants.ts';
import { LogLines } from './log-lines.ts';
import { splitTimestamp, withoutTimestamp } from './log-timestamps.ts';
import { agentContainerState, isPodTerminal, type Pod } from './pod-status.ts';
import type { RunningJob } from './wait.ts';

/** The reference scanner's maximum line length in bytes; longer lines are delivered in pieces. */
export const MAX_LOG_LINE_BYTES = 1024 * 1024;
/** getPodLogs is for tails and failure reports: bounded, never the whole of a flood. */
export const MAX_LOG_READ_BYTES = 4 * 1024 * 1024;
const RESUME_DELAY_MS = 500;

/** The kubelet's timestamp and the space after it fit in this many bytes (with nanoseconds and an offset: 36). */
const TIMESTAMP_PREFIX_BYTES = 40;

function* backwards(lines: readonly string[], from: number): Generator<string> {
  for (let i = lines.length - 1; i >= from; i--) yield lines[i] as string;
}

/** The beginnings of the lines in joined parts, last first: enough of each to read its timestamp. */
function* lineStartsFromEnd(parts: readonly Buffer[]): Generator<string> {
  for (let part = parts.length - 1; part >= 0; part--) {
    const joined = parts[part] as Buffer;
    for (let end = joined.length; end >= 0; ) {
      // lastIndexOf with -1 would search from the end again.
      const start = end === 0 ? 0 : joined.lastIndexOf(NEWLINE, end - 1) + 1;
      yield joined.toString('utf8', start, Math.min(end, start + TIMESTAMP_PREFIX_BYTES));
      end = start - 1;
    }
  }
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
    this.recordLast(backwards(raw, at));
    return lines;
  }

  /**
   * The new lines of `<timestamp> <line>` lines in joined parts. Once the stream has caught up, every
   * line is new: they stay undecoded, and only the last lines' timestamps are read.
   */
  takeJoined(parts: readonly Buffer[]): LogLines {
    if (!this.caughtUp) return LogLines.of(this.take(decodeJoined(parts)));
    this.recordLast(lineStartsFromEnd(parts));
    return LogLines.timestamped(parts);
  }

  /** Records the last timestamp of these lines (last first) and how many of them share it, as accept() would have. */
  private recordLast(fromEnd: Iterable<string>): void {
    let last: bigint | undefined;
    let sharing = 0;
    for (const raw of fromEnd) {
      const { nanos } = splitTimestamp(raw);
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

export type LineBatchConsumer = (lines: LogLines) => void | Promise<void>;

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
      const split = splitter.pushJoined(chunk as Buffer);
      const lines = 'joined' in split ? filter.takeJoined(split.joined) : LogLines.of(filter.take(split));
      if (lines.count > 0) await onLines(lines);
    }
    const rest = filter.take(splitter.flush());
    if (rest.length > 0) await onLines(LogLines.of(rest));
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
    // Said at once: whether the container has finished may take a status update to tell.
    void job.onEvent({ type: 'log-end' });
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
