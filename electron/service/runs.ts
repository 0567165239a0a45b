/**
 * The runs of the app: any number at once, on one context or several (the core isolates them), each
 * with its phase, timestamps and outcome; cancellable at any point (the core cleans up); every
 * captured snapshot saved to the library before the run cleans up. Events go to every subscriber;
 * log lines go through LogFlow (batched, flow-controlled).
 */
import { defaultAgentConfig, type AgentConfig } from '../../shared/agent-config.ts';
import type { AgentSettings, AppEvent, RunSummary } from '../../shared/contract.ts';
import { cancelledError, ErrorCode, newError, toPlainError } from '../../shared/errors.ts';
import { newRunId } from '../../shared/run-names.ts';
import { parseSnapshot } from '../../shared/snapshot.ts';
import type { OsKind } from '../../shared/os-kind.ts';
import { Deployer } from '../agent/deployer.ts';
import type { RunEvent } from '../agent/events.ts';
import { runSnapshot } from '../agent/run.ts';
import type { ContextRegistry } from './contexts.ts';
import type { SnapshotLibrary } from './library.ts';
import { LogFlow } from './log-flow.ts';

export type EventSink = (event: AppEvent) => boolean;

interface ActiveRun {
  summary: RunSummary;
  controller: AbortController;
  logs: LogFlow;
  done: Promise<void>;
}

/** An AgentConfig from the form's settings, with a fresh run ID. */
export function agentConfigFrom(settings: AgentSettings): AgentConfig {
  const { requests, limits, os, ...rest } = settings;
  return defaultAgentConfig({ ...rest, os: os as OsKind | '', runId: newRunId(), ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) });
}

export class RunManager {
  private readonly contexts: ContextRegistry;
  private readonly library: SnapshotLibrary;
  private readonly runs = new Map<string, ActiveRun>();
  private readonly sinks = new Set<EventSink>();

  constructor(contexts: ContextRegistry, library: SnapshotLibrary) {
    this.contexts = contexts;
    this.library = library;
  }

  /** Adds a receiver of every event; returns its removal. */
  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => {
      this.sinks.delete(sink);
      // Lines it was sent and never acknowledged must not stall the runs' log flow for the others.
      for (const run of this.runs.values()) run.logs.consumerLeft();
    };
  }

  /** Sends an event to every receiver; true when at least one took it. */
  broadcast(event: AppEvent): boolean {
    let delivered = false;
    for (const sink of this.sinks) delivered = sink(event) || delivered;
    return delivered;
  }

  private publish(run: ActiveRun): void {
    this.broadcast({ type: 'run-summary', run: { ...run.summary } });
  }

  list(): RunSummary[] {
    return [...this.runs.values()].map((r) => ({ ...r.summary }));
  }

  start(context: string, settings: AgentSettings, timeoutMs: number, cleanup: boolean): RunSummary {
    const config = agentConfigFrom(settings);
    const client = this.contexts.client(context);
    const controller = new AbortController();
    const summary: RunSummary = { runId: config.runId, context, namespace: config.namespace, startedAt: new Date().toISOString(), outcome: 'running', phase: 'starting' };
    // A batch of lines carries the sequence number of the last core event it contains; its counts come
    // before its lines, so that a reader can find them without parsing the lines.
    const logs = new LogFlow(({ lines, seq, passedOver, behind }) => this.broadcast({ type: 'run-event', event: { runId: config.runId, seq, type: 'log', passedOver, behind, lines } }));
    let node = '';
    const onEvent = (event: RunEvent) => {
      if (event.type === 'log') return logs.push(event.lines, event.seq);
      if (event.type === 'log-end') return logs.streamEnded();
      if (event.type === 'phase') summary.phase = event.phase;
      if (event.type === 'pod' && event.pod.node) node = event.pod.node;
      const copy = { ...event };
      // Keeps the order: the lines before this event go first (sent, or passed over in a flood).
      logs.afterLines(() => {
        this.broadcast({ type: 'run-event', event: copy });
        if (copy.type === 'phase') this.publish(run);
      });
      return undefined;
    };
    // The constructor validates the settings (INVALID_REQUEST naming the field) before anything runs.
    const deployer = new Deployer(client, config, { onEvent });
    const run: ActiveRun = { summary, controller, logs, done: Promise.resolve() };
    this.runs.set(config.runId, run);
    run.done = runSnapshot(deployer, {
      timeoutMs,
      cleanup,
      signal: controller.signal,
      deliver: async (yaml) => {
        const snapshotNode = parseSnapshot(yaml).metadata['source-node'] || node || 'unknown-node';
        summary.snapshotId = (await this.library.save(context, snapshotNode, yaml)).id;
      },
    }).then(
      () => this.finish(run, 'done'),
      (err: unknown) => this.finish(run, controller.signal.aborted ? 'cancelled' : 'failed', err),
    );
    this.publish(run);
    return { ...summary };
  }

  private finish(run: ActiveRun, outcome: RunSummary['outcome'], err?: unknown): void {
    run.logs.close();
    run.summary.outcome = outcome;
    run.summary.endedAt = new Date().toISOString();
    if (err !== undefined) run.summary.error = toPlainError(err);
    this.publish(run);
  }

  ack(runId: string, lines: number, keepLines?: number): void {
    this.runs.get(runId)?.logs.ack(lines, keepLines);
  }

  cancel(runId: string): RunSummary {
    const run = this.runs.get(runId);
    if (!run) throw newError(ErrorCode.NotFound, `no run ${runId} in this app`);
    if (run.summary.outcome === 'running') run.controller.abort(cancelledError('cancelled by the user'));
    return { ...run.summary };
  }

  /** Cancels every running run and waits until each has cleaned up (quitting the app, stopping browser mode). */
  async cancelAll(): Promise<void> {
    for (const run of this.runs.values()) if (run.summary.outcome === 'running') run.controller.abort(cancelledError('the app is closing'));
    await Promise.all([...this.runs.values()].map((r) => r.done));
  }

  get activeCount(): number {
    return [...this.runs.values()].filter((r) => r.summary.outcome === 'running').length;
  }
}
