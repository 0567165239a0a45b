/** `aicr-studio snapshot`: deploy the agent, stream its logs to stderr, write the snapshot to the output. */
import { formatDuration } from '../../shared/duration.ts';
import { isStructuredError } from '../../shared/errors.ts';
import { formatSnapshot } from '../../shared/snapshot.ts';
import { Deployer } from '../agent/deployer.ts';
import type { RunEvent } from '../agent/events.ts';
import { runSnapshot } from '../agent/run.ts';
import { checkFileTarget, writeSnapshotFile, type FileTarget } from './output-file.ts';
import type { SnapshotOptions } from './snapshot-options.ts';
import type { Terminal } from './terminal.ts';

/** Prints progress: agent log lines (with backpressure), warnings, reconnects, and pod changes of phase, reason or node. */
function eventReporter(term: Terminal, options: SnapshotOptions): (event: RunEvent) => void | Promise<void> {
  let lastPod = '';
  return (event) => {
    switch (event.type) {
      case 'log':
        return term.logLines(event.lines.toArray());
      case 'warning':
        term.error(event.message);
        break;
      case 'kube-event':
        // Normal events (Scheduled, Pulled, Started) are the app's; a terminal shows the warnings.
        if (event.warning) term.error(`event on ${event.object}: ${event.reason}`, { message: event.message });
        break;
      case 'reconnecting':
        term.info(`reconnecting ${event.what}`, { reason: event.reason });
        break;
      case 'phase':
        if (event.phase === 'waiting-for-pod') {
          term.info('agent deployed successfully');
          term.info('waiting for Job completion', { job: `${options.config.jobName}-${event.runId}`, timeout: formatDuration(options.timeoutMs) });
        }
        break;
      case 'pod': {
        const key = `${event.pod.phase}/${event.pod.reason ?? ''}/${event.pod.node ?? ''}`;
        if (key === lastPod) break;
        lastPod = key;
        term.info('agent pod', { name: event.pod.name, node: event.pod.node ?? '(unscheduled)', phase: event.pod.phase, ...(event.pod.reason ? { reason: event.pod.reason } : {}) });
        break;
      }
      default:
        break;
    }
  };
}

/** Where the snapshot goes, as a function run before cleanup (a failure keeps the snapshot in the cluster). */
function deliverer(options: SnapshotOptions, term: Terminal, file: FileTarget | undefined): ((snapshot: string) => Promise<void>) | undefined {
  if (options.output.kind === 'configmap') return undefined;
  return async (snapshot) => {
    const text = formatSnapshot(snapshot, options.format);
    if (file) {
      await writeSnapshotFile(file, text);
      term.info('snapshot saved to file', { path: file.path });
    } else await term.stdout(text.endsWith('\n') ? text : `${text}\n`);
  };
}

export interface RunControl {
  /** Cancels the run (first Ctrl-C, SIGTERM, SIGHUP). */
  signal: AbortSignal;
  /** Stops cleanup early (a second signal). */
  cleanupSignal: AbortSignal;
}

export async function snapshotCommand(options: SnapshotOptions, term: Terminal, control: RunControl): Promise<void> {
  // A bad -o is found before anything is deployed.
  const file = options.output.kind === 'file' ? await checkFileTarget(options.output.path) : undefined;
  let streamedLines = 0;
  const report = eventReporter(term, options);
  const onEvent = (event: RunEvent) => {
    if (event.type === 'log') streamedLines += event.lines.count;
    return report(event);
  };
  const deployer = Deployer.forContext(options.selection, options.config, { onEvent });
  term.info('deploying agent', { namespace: options.config.namespace, context: deployer.client.contextName, run: deployer.runId });
  try {
    await runSnapshot(deployer, {
      timeoutMs: options.timeoutMs,
      cleanup: options.cleanup,
      signal: control.signal,
      cleanupSignal: control.cleanupSignal,
      deliver: deliverer(options, term, file),
    });
    term.info('job completed successfully');
    if (options.output.kind === 'configmap') term.info('snapshot saved to ConfigMap', { uri: options.output.uri });
  } catch (err) {
    const tail = isStructuredError(err) ? err.context.logTail : undefined;
    // The logs were on screen already unless the stream never started (e.g. the pod finished first).
    if (typeof tail === 'string' && tail !== '' && streamedLines === 0) await term.logLines(['--- agent logs ---', ...tail.replace(/\n$/, '').split('\n'), '--- end logs ---']);
    throw err;
  }
}
