/**
 * `aicr-studio cleanup`: lists the objects earlier runs left in the cluster, per run, and deletes
 * those of one run (--run-id) or of every run whose Job is no longer active (--all-finished), each
 * deletion pinned to the listed object's UID.
 */
import { ErrorCode, newError } from '../../shared/errors.ts';
import { isRunId } from '../../shared/run-names.ts';
import { listLeftoverRuns, removeLeftoverRun, type LeftoverRun } from '../agent/leftovers.ts';
import { describeObject } from '../agent/owned.ts';
import { clientForContext } from '../kube/context.ts';
import type { ParsedFlags } from './flags.ts';
import { contextSelectionFrom } from './snapshot-options.ts';
import type { Terminal } from './terminal.ts';


function age(createdAt: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(createdAt)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

function describeRun(run: LeftoverRun, now: number): string {
  const objects = run.objects.map(describeObject).join(', ');
  return `run ${run.runId} in namespace ${run.namespace}, ${age(run.createdAt, now)} old, Job ${run.jobActive ? 'still active' : 'not active'}: ${objects}`;
}

export async function cleanupCommand(flags: ParsedFlags, term: Terminal, signal: AbortSignal): Promise<void> {
  const runId = flags.strings.get('run-id');
  const allFinished = flags.bools.get('all-finished') ?? false;
  if (runId !== undefined && !isRunId(runId)) throw newError(ErrorCode.InvalidRequest, `invalid --run-id "${runId}": a run ID is 8 characters, a lowercase letter then lowercase letters or digits`);
  if (runId !== undefined && allFinished) throw newError(ErrorCode.InvalidRequest, '--run-id and --all-finished are mutually exclusive; give one');
  const namespace = flags.strings.get('namespace');
  const client = clientForContext(contextSelectionFrom(flags));
  const runs = await listLeftoverRuns(client, namespace === undefined ? {} : { namespace }, signal);
  const now = Date.now();
  if (runId === undefined && !allFinished) {
    if (runs.length === 0) term.info('no leftovers of earlier runs', { context: client.contextName });
    for (const run of runs) term.info(describeRun(run, now));
    if (runs.length > 0) term.info('delete them with --run-id ID or --all-finished');
    return;
  }
  const chosen = runId !== undefined ? runs.filter((r) => r.runId === runId) : runs.filter((r) => !r.jobActive);
  if (runId !== undefined && chosen.length === 0) throw newError(ErrorCode.NotFound, `no objects of run ${runId} found${namespace ? ` in namespace ${namespace}` : ''}`);
  if (chosen.length === 0) term.info('no finished runs left anything behind');
  for (const run of chosen) {
    const result = await removeLeftoverRun(client, run, signal);
    for (const o of result.deleted) term.info('removed', { run: run.runId, object: describeObject(o) });
    for (const o of result.absent) term.info('already gone', { run: run.runId, object: describeObject(o) });
    for (const o of result.skipped) term.error('left untouched (replaced since it was listed)', { run: run.runId, object: describeObject(o) });
  }
  const skipped = runs.length - chosen.length;
  if (allFinished && skipped > 0) term.info(`${skipped} run(s) with an active Job left alone; remove one with --run-id ID`);
}
