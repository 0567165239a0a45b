/** `aicr-studio snapshot`: deploy the agent, stream its logs to stderr, write the snapshot to the output. */
import { rename, writeFile } from 'node:fs/promises';
import { formatDuration } from '../../shared/duration.ts';
import { isStructuredError } from '../../shared/errors.ts';
import { formatSnapshot } from '../../shared/snapshot.ts';
import { Deployer } from '../agent/deployer.ts';
import type { DeployerEvent } from '../agent/events.ts';
import { runSnapshot } from '../agent/run.ts';
import type { SnapshotOptions } from './snapshot-options.ts';
import type { Terminal } from './terminal.ts';

/** Prints progress: agent log lines verbatim, warnings, reconnects, and pod updates when phase, reason or node change. */
function eventReporter(term: Terminal): (event: DeployerEvent) => void {
  let lastPod = '';
  return (event) => {
    switch (event.type) {
      case 'log':
        term.raw(`${event.line}\n`);
        break;
      case 'warning':
        term.error(event.message);
        break;
      case 'reconnecting':
        term.info(`reconnecting ${event.what}`, { reason: event.reason });
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

/** Written next to the target and renamed, so a failed run never leaves a truncated file. */
async function writeFileAtomically(path: string, content: string): Promise<void> {
  const temp = `${path}.partial-${process.pid}`;
  await writeFile(temp, content);
  await rename(temp, path);
}

export async function snapshotCommand(options: SnapshotOptions, term: Terminal, signal: AbortSignal): Promise<void> {
  const report = eventReporter(term);
  let streamedLines = 0;
  const onEvent = (event: DeployerEvent) => {
    if (event.type === 'log') streamedLines++;
    if (event.type === 'phase' && event.phase === 'waiting-for-pod') {
      term.info('agent deployed successfully');
      term.info('waiting for Job completion', { job: options.config.jobName, timeout: formatDuration(options.timeoutMs) });
    }
    report(event);
  };
  const deployer = Deployer.forContext(options.selection, options.config, { onEvent });
  term.info('deploying agent', { namespace: options.config.namespace, context: deployer.client.contextName });
  try {
    const result = await runSnapshot(deployer, { timeoutMs: options.timeoutMs, cleanup: options.cleanup, signal });
    term.info('job completed successfully');
    const text = formatSnapshot(result.snapshot, options.format);
    if (options.output.kind === 'stdout') term.stdout(text.endsWith('\n') ? text : `${text}\n`);
    else if (options.output.kind === 'file') {
      await writeFileAtomically(options.output.path, text);
      term.info('snapshot saved to file', { path: options.output.path });
    } else term.info('snapshot saved to ConfigMap', { uri: options.output.uri });
  } catch (err) {
    const tail = isStructuredError(err) ? err.context.logTail : undefined;
    // The logs were on screen already unless the stream never started (e.g. the pod finished first).
    if (typeof tail === 'string' && tail !== '' && streamedLines === 0) term.raw(`--- agent logs ---\n${tail}--- end logs ---\n`);
    throw err;
  }
}
