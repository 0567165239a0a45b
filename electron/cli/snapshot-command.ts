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

function reportEvent(term: Terminal, event: DeployerEvent): void {
  switch (event.type) {
    case 'log':
      term.raw(`${event.line}\n`);
      break;
    case 'warning':
      term.error(event.message);
      break;
    case 'pod':
      if (event.pod.reason && event.pod.reason !== 'Completed') term.info('agent pod', { name: event.pod.name, phase: event.pod.phase, reason: event.pod.reason });
      else if (event.pod.node && event.pod.phase === 'Pending') term.info('agent pod scheduled', { name: event.pod.name, node: event.pod.node });
      break;
    case 'reconnecting':
      term.info(`reconnecting ${event.what}`, { reason: event.reason });
      break;
    default:
      break;
  }
}

/** Written next to the target and renamed, so a failed run never leaves a truncated file. */
async function writeFileAtomically(path: string, content: string): Promise<void> {
  const temp = `${path}.partial-${process.pid}`;
  await writeFile(temp, content);
  await rename(temp, path);
}

export async function snapshotCommand(options: SnapshotOptions, term: Terminal, signal: AbortSignal): Promise<void> {
  const onEvent = (event: DeployerEvent) => {
    if (event.type === 'phase' && event.phase === 'running') {
      term.info('agent deployed successfully');
      term.info('waiting for Job completion', { job: options.config.jobName, timeout: formatDuration(options.timeoutMs) });
    }
    reportEvent(term, event);
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
    if (typeof tail === 'string' && tail !== '') term.raw(`--- agent logs ---\n${tail}--- end logs ---\n`);
    throw err;
  }
}
