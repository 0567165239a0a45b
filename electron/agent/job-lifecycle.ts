/**
 * The Job is deleted (foreground) and recreated for every snapshot; the deletion is observed through a
 * watch DELETED event (TARGET), not polling.
 */
import { ErrorCode, newError, wrapError } from '../../shared/errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { isNotFound } from '../kube/errors.ts';
import { paths } from '../kube/paths.ts';
import { watchUntil } from '../kube/watch.ts';
import { JOB_DELETION_TIMEOUT_MS } from './constants.ts';
import type { Job } from './manifests/types.ts';

export interface JobRef {
  namespace: string;
  name: string;
}

/** Deletes the Job with foreground propagation; true if it existed. */
async function deleteJob(client: KubeClient, job: JobRef, signal: AbortSignal): Promise<boolean> {
  try {
    await client.request(paths.job(job.namespace, job.name), {
      method: 'DELETE',
      body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Foreground' },
      signal,
    });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/**
 * Resolves once the Job is gone. The watch starts from a list, so a Job that vanished between the
 * delete and the watch is seen as absent at once; re-lists after reconnects keep that true.
 */
export async function waitForJobDeletion(client: KubeClient, job: JobRef, signal: AbortSignal, timeoutMs = JOB_DELETION_TIMEOUT_MS): Promise<void> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    await watchUntil<Job, true>(
      client,
      { path: paths.jobs(job.namespace), fieldSelector: `metadata.name=${job.name}` },
      (change, objects) => (change.type === 'DELETED' || (change.type === 'SYNCED' && objects.size === 0) ? true : undefined),
      { signal: AbortSignal.any([signal, timeout]) },
    );
  } catch (err) {
    if (timeout.aborted && !signal.aborted) {
      throw wrapError(ErrorCode.Timeout, 'timeout waiting for Job deletion', newError(ErrorCode.Timeout, `Job deletion wait timeout after ${timeoutMs / 1000}s`));
    }
    throw err;
  }
}

/** Deletes any previous Job of that name, waits until it is gone, creates the new one; returns it as created. */
export async function recreateJob(client: KubeClient, manifest: Job, signal: AbortSignal, onDeleted?: () => void): Promise<Job> {
  const ref = { namespace: manifest.metadata.namespace as string, name: manifest.metadata.name as string };
  let existed: boolean;
  try {
    existed = await deleteJob(client, ref, signal);
  } catch (err) {
    throw wrapError(ErrorCode.Internal, 'failed to delete existing Job', err);
  }
  if (existed) {
    await waitForJobDeletion(client, ref, signal);
    onDeleted?.();
  }
  try {
    return await client.request<Job>(paths.jobs(ref.namespace), { method: 'POST', body: manifest, signal });
  } catch (err) {
    throw wrapError(ErrorCode.Internal, 'failed to create Job', err);
  }
}
