/**
 * One complete snapshot run, as the reference's snapshotter does it: deploy, follow the agent's logs
 * while waiting for the Job, read the snapshot, and always clean up (with a fresh 30 s budget, even
 * when the run failed or was cancelled) unless asked to keep the resources.
 */
import { describeError, isStructuredError } from '../../shared/errors.ts';
import type { CleanupResult } from './cleanup.ts';
import { CLEANUP_TIMEOUT_MS } from './constants.ts';
import type { Deployer } from './deployer.ts';

export interface SnapshotRunOptions {
  /** Job completion timeout; 0 means the reference's 5 minutes. */
  timeoutMs: number;
  cleanup: boolean;
  signal: AbortSignal;
  /** How many of the agent's last log lines to attach to a failure (error.context.logTail). */
  failureLogLines?: number;
}

export interface SnapshotRunResult {
  snapshot: string;
  cleanup?: CleanupResult;
}

/** How long to let the log stream drain after the Job completed before giving up on it. */
const LOG_DRAIN_MS = 5_000;
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

async function cleanupAfterRun(deployer: Deployer, enabled: boolean): Promise<CleanupResult | undefined> {
  const warn = (message: string) => deployer.emit({ type: 'warning', message });
  // A run refused by its pre-flight (permissions, unreachable, RuntimeClass) created nothing to remove.
  if (!deployer.hasChangedCluster) return undefined;
  if (!enabled) {
    warn(
      `resources kept in the cluster (cleanup disabled): Job ${deployer.config.namespace}/${deployer.config.jobName}, ServiceAccount/Role/RoleBinding ${deployer.config.serviceAccountName}, and the cluster-wide ClusterRole and ClusterRoleBinding aicr-node-reader, which stay bound to the agent`,
    );
    return undefined;
  }
  try {
    return await deployer.cleanup({ enabled: true }, AbortSignal.timeout(CLEANUP_TIMEOUT_MS));
  } catch (err) {
    warn(`cleanup failed - resources may remain in cluster (namespace ${deployer.config.namespace}): ${describeError(err)}`);
    return undefined;
  }
}

export async function runSnapshot(deployer: Deployer, options: SnapshotRunOptions): Promise<SnapshotRunResult> {
  const { signal } = options;
  const logs = new AbortController();
  let logTask: Promise<void> | undefined;
  let logError: unknown;
  let cleanup: CleanupResult | undefined;
  try {
    await deployer.deploy(signal);
    logTask = deployer.streamLogs(AbortSignal.any([signal, logs.signal])).catch((err: unknown) => {
      logError = err;
    });
    try {
      await deployer.waitForCompletion(options.timeoutMs, signal);
    } catch (err) {
      if (!signal.aborted) await attachLogTail(deployer, err, options.failureLogLines ?? DEFAULT_FAILURE_LOG_LINES);
      throw err;
    }
    await Promise.race([logTask, new Promise((resolve) => setTimeout(resolve, LOG_DRAIN_MS).unref())]);
    // When the run failed, its error explains more than a log-stream failure would.
    if (logError !== undefined) deployer.emit({ type: 'warning', message: `agent logs unavailable: ${describeError(logError)}` });
    const snapshot = await deployer.getSnapshot(signal);
    cleanup = await cleanupAfterRun(deployer, options.cleanup);
    deployer.emit({ type: 'phase', phase: 'done' });
    return { snapshot, ...(cleanup ? { cleanup } : {}) };
  } catch (err) {
    await cleanupAfterRun(deployer, options.cleanup);
    throw err;
  } finally {
    logs.abort();
    await logTask;
  }
}
