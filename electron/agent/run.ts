/**
 * One complete snapshot run, as the reference's snapshotter does it: deploy, follow the agent's logs
 * while waiting for the Job, read the snapshot, hand it over, and always clean up (with a fresh 30 s
 * budget, even when the run failed or was cancelled) unless asked to keep the resources. A run ends
 * in the phase done, failed or cancelled; whatever could not be removed is named in a warning.
 */
import { agentOutputUri, ownsOutputConfigMap } from '../../shared/agent-config.ts';
import { cancelledError, describeError, ErrorCode, isStructuredError, wrapError } from '../../shared/errors.ts';
import { CLEANUP_TIMEOUT_MS } from './constants.ts';
import type { Deployer } from './deployer.ts';
import { describeObject, type DeletionResult } from './owned.ts';

export interface SnapshotRunOptions {
  /** Job completion timeout; 0 means the reference's 5 minutes. */
  timeoutMs: number;
  cleanup: boolean;
  signal: AbortSignal;
  /** Cuts cleanup short (a second Ctrl-C); the warning then lists what remains. */
  cleanupSignal?: AbortSignal;
  /** How many of the agent's last log lines to attach to a failure (error.context.logTail). */
  failureLogLines?: number;
  /**
   * Takes the snapshot before cleanup (writes a file, stdout). If it fails, the run's staging
   * ConfigMap is kept and the error says how to get the snapshot from it.
   */
  deliver?: (snapshot: string) => Promise<void>;
}

export interface SnapshotRunResult {
  snapshot: string;
  cleanup?: DeletionResult;
}

/**
 * After the Job completed, the log stream may still be delivering (a flood paced by a slow reader):
 * it is given as long as it makes progress, and dropped only after this long without a new line.
 */
const LOG_STALL_MS = 5_000;
const DEFAULT_FAILURE_LOG_LINES = 50;

async function attachLogTail(deployer: Deployer, err: unknown, lines: number): Promise<void> {
  if (!isStructuredError(err)) return;
  try {
    const tail = await deployer.getPodLogs(AbortSignal.timeout(10_000), lines);
    if (tail !== '') err.context.logTail = tail;
  } catch {
    // No pod or no logs (pull error, unschedulable): the error already says why.
  }
}

/** The command that removes what a run left, for messages. */
function cleanupHint(deployer: Deployer): string {
  return `aicr-studio cleanup --context ${deployer.client.contextName} -n ${deployer.config.namespace} --run-id ${deployer.runId}`;
}

function warnRemaining(deployer: Deployer, why: string): void {
  const remaining = deployer.remainingObjects.map(describeObject);
  if (remaining.length === 0) return;
  void deployer.emit({ type: 'warning', message: `${why}; still in the cluster: ${remaining.join(', ')}. Remove them with: ${cleanupHint(deployer)}` });
}

async function cleanupAfterRun(deployer: Deployer, options: SnapshotRunOptions, keepSnapshot: boolean): Promise<DeletionResult | undefined> {
  // A run refused by its pre-flight (permissions, unreachable, RuntimeClass) created nothing to remove.
  if (!deployer.hasChangedCluster) return undefined;
  if (!options.cleanup) {
    await deployer.cleanup({ enabled: false }, options.signal);
    warnRemaining(deployer, 'resources kept (cleanup disabled); the ClusterRoleBinding keeps cluster-wide read access bound to the agent ServiceAccount');
    return undefined;
  }
  const budget = AbortSignal.timeout(CLEANUP_TIMEOUT_MS);
  const signal = options.cleanupSignal ? AbortSignal.any([budget, options.cleanupSignal]) : budget;
  try {
    return await deployer.cleanup({ enabled: true, keepSnapshot }, signal);
  } catch (err) {
    const why = options.cleanupSignal?.aborted ? 'cleanup interrupted' : `cleanup failed (${describeError(err)})`;
    warnRemaining(deployer, why);
    return undefined;
  }
}

/** The snapshot could not be handed over: say where it still is (the run keeps its staging ConfigMap then). */
function deliveryError(deployer: Deployer, err: unknown): Error {
  const uri = agentOutputUri(deployer.config);
  const [namespace, name] = uri.slice('cm://'.length).split('/');
  const where = `the snapshot is still in ConfigMap ${namespace}/${name}: kubectl get configmap -n ${namespace} ${name} -o jsonpath='{.data.snapshot\\.yaml}'`;
  const code = isStructuredError(err) ? err.code : ErrorCode.Internal;
  const removal = ownsOutputConfigMap(deployer.config) ? `; remove it afterwards with: ${cleanupHint(deployer)}` : '';
  return wrapError(code, `${isStructuredError(err) ? err.summary : 'writing the snapshot failed'}\n\n${where}${removal}`, isStructuredError(err) ? err.cause : err);
}

/** Waits for the log stream to end while it makes progress; warns when it stalled and is given up. */
async function drainLogs(logTask: Promise<unknown>, done: () => boolean, progressAt: () => number, deployer: Deployer): Promise<void> {
  const completedAt = Date.now();
  while (!done()) {
    const stalledIn = Math.max(progressAt(), completedAt) + LOG_STALL_MS - Date.now();
    if (stalledIn <= 0) {
      void deployer.emit({ type: 'warning', message: `the agent's log stream stalled for ${LOG_STALL_MS / 1000} s after the agent finished; its last lines may be missing here` });
      return;
    }
    await Promise.race([logTask, new Promise((resolve) => setTimeout(resolve, stalledIn).unref())]);
  }
}

async function collect(deployer: Deployer, options: SnapshotRunOptions): Promise<string> {
  const { signal } = options;
  const logs = new AbortController();
  let logError: unknown;
  let logProgressAt = Date.now();
  let logDone = false;
  const logTask = deployer
    .streamLogs(AbortSignal.any([signal, logs.signal]), () => (logProgressAt = Date.now()))
    .catch((err: unknown) => {
      logError = err;
    })
    .finally(() => (logDone = true));
  try {
    try {
      await deployer.waitForCompletion(options.timeoutMs, signal, options.cleanup ? 'pod-succeeded' : 'job-complete');
    } catch (err) {
      if (!signal.aborted) await attachLogTail(deployer, err, options.failureLogLines ?? DEFAULT_FAILURE_LOG_LINES);
      throw err;
    }
    await drainLogs(logTask, () => logDone, () => logProgressAt, deployer);
    // When the run failed, its error explains more than a log-stream failure would.
    if (logError !== undefined) void deployer.emit({ type: 'warning', message: `agent logs unavailable: ${describeError(logError)}` });
    return await deployer.getSnapshot(signal);
  } finally {
    logs.abort();
    await logTask;
  }
}

export async function runSnapshot(deployer: Deployer, options: SnapshotRunOptions): Promise<SnapshotRunResult> {
  const { signal } = options;
  let snapshot: string;
  try {
    await deployer.deploy(signal);
    snapshot = await collect(deployer, options);
  } catch (err) {
    await cleanupAfterRun(deployer, options, false);
    if (signal.aborted) {
      void deployer.emit({ type: 'phase', phase: 'cancelled' });
      throw isStructuredError(signal.reason, ErrorCode.Cancelled) ? signal.reason : cancelledError(describeError(signal.reason));
    }
    void deployer.emit({ type: 'phase', phase: 'failed' });
    throw err;
  }
  let delivery: unknown;
  try {
    await options.deliver?.(snapshot);
  } catch (err) {
    delivery = err;
  }
  const cleanup = await cleanupAfterRun(deployer, options, delivery !== undefined);
  if (delivery !== undefined) {
    void deployer.emit({ type: 'phase', phase: 'failed' });
    throw deliveryError(deployer, delivery);
  }
  void deployer.emit({ type: 'phase', phase: 'done' });
  return { snapshot, ...(cleanup ? { cleanup } : {}) };
}
