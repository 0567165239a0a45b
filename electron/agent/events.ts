/**
 * Progress a run reports while it works, for a CLI to print or a UI to render. Every event carries
 * its run ID and a sequence number (a UI merging several runs' streams keeps them apart and in
 * order); a run ends in `done`, `failed` or `cancelled`.
 */
import type { LogLines } from './log-lines.ts';

export type RunPhase =
  | 'checking-permissions'
  | 'deploying'
  | 'waiting-for-pod'
  | 'running'
  | 'retrieving-snapshot'
  | 'cleaning-up'
  | 'done'
  | 'failed'
  | 'cancelled';


export type ResourceAction = 'created' | 'labelled' | 'reused' | 'deleted' | 'absent' | 'kept';

export interface PodStatusSummary {
  name: string;
  node?: string;
  phase: string;
  /** Why the container is waiting or terminated (ErrImagePull, Completed, Error, Unschedulable...). */
  reason?: string;
  message?: string;
}

export type DeployerEvent =
  | { type: 'phase'; phase: RunPhase }
  | { type: 'resource'; kind: string; name: string; namespace?: string; action: ResourceAction }
  | { type: 'pod'; pod: PodStatusSummary }
  /** A batch of agent log lines, in order (decoded when read: lines.toArray()). */
  | { type: 'log'; lines: LogLines }
  /** The log stream ended: no lines are coming for now (a resumed stream may bring more). */
  | { type: 'log-end' }
  | { type: 'warning'; message: string }
  /** A Kubernetes Event about the run's Job or pod (Scheduled, Pulling, Started, FailedCreate...). */
  | { type: 'kube-event'; object: string; reason: string; message: string; warning: boolean }
  | { type: 'reconnecting'; what: string; reason: string };

export type RunEvent = DeployerEvent & { runId: string; seq: number };

/**
 * Returning a promise (from a `log` event) makes the run wait before reading more logs: backpressure
 * for a slow terminal or transport. A listener that throws or rejects is reported once and ignored;
 * it cannot change the run's outcome.
 */
export type RunEventListener = (event: RunEvent) => void | Promise<void>;

export class RunEventEmitter {
  readonly runId: string;
  private readonly listener: RunEventListener | undefined;
  private seq = 0;
  private listenerFailed = false;

  constructor(runId: string, listener: RunEventListener | undefined) {
    this.runId = runId;
    this.listener = listener;
  }

  /** Never rejects; resolves when the listener has taken the event (at once unless it returned a promise). */
  emit(event: DeployerEvent): Promise<void> {
    const full = { ...event, runId: this.runId, seq: ++this.seq } as RunEvent;
    try {
      const result = this.listener?.(full);
      if (result instanceof Promise) return result.catch((err: unknown) => this.listenerError(err));
    } catch (err) {
      this.listenerError(err);
    }
    return Promise.resolve();
  }

  private listenerError(err: unknown): void {
    if (this.listenerFailed) return;
    this.listenerFailed = true;
    process.emitWarning(`run ${this.runId}: an event listener failed (further listener failures are not reported): ${err instanceof Error ? err.message : String(err)}`, 'AicrListenerWarning');
  }
}
