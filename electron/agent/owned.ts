/**
 * What a run owns. Every run-owned object is registered before it is created, so a create that was
 * interrupted before its answer arrived is still found (by its run-scoped name and run-ID label) and
 * removed. Deletions carry a UID precondition: an object that is not exactly the one this run created
 * is never deleted. An object whose name was already taken is marked foreign and never touched.
 */
import { describeError, ErrorCode, newError, wrapError } from '../../shared/errors.ts';
import { LABEL_RUN_ID } from '../../shared/run-names.ts';
import type { KubeClient } from '../kube/client.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../kube/errors.ts';
import type { KubeObject } from './manifests/types.ts';

export interface OwnedObject {
  kind: string;
  name: string;
  namespace?: string;
  /** The object's REST path. */
  path: string;
  /** Known once the create answered; pins every delete to this exact object. */
  uid?: string;
}

export interface DeletionResult {
  deleted: OwnedObject[];
  /** Already gone (the Job's TTL, someone else's cleanup). */
  absent: OwnedObject[];
  /** Replaced by an object of another run or user (UID mismatch): left alone. */
  skipped: OwnedObject[];
}

export function describeObject(o: Pick<OwnedObject, 'kind' | 'name' | 'namespace'>): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

/**
 * The Job goes in the foreground (its pods first, as the reference does); everything else has no
 * dependents and goes at once, rather than lingering with a foreground-deletion finalizer.
 */
const deleteOptions = (kind: string, uid: string) => ({
  apiVersion: 'v1',
  kind: 'DeleteOptions',
  propagationPolicy: kind === 'Job' ? 'Foreground' : 'Background',
  preconditions: { uid },
});

type Outcome = 'deleted' | 'absent' | 'skipped';

/** Deletes one object if (and only if) it is the one owned; an unknown UID is looked up and the run-ID label checked. */
async function deleteOwned(client: KubeClient, object: OwnedObject, runId: string | undefined, signal: AbortSignal): Promise<Outcome> {
  let uid = object.uid;
  try {
    if (uid === undefined) {
      const current = await client.request<KubeObject>(object.path, { signal });
      if (runId === undefined || current.metadata.labels?.[LABEL_RUN_ID] !== runId) return 'skipped';
      uid = current.metadata.uid as string;
    }
    await client.request(object.path, { method: 'DELETE', body: deleteOptions(object.kind, uid), signal });
    return 'deleted';
  } catch (err) {
    if (isNotFound(err)) return 'absent';
    if (isConflict(err)) return 'skipped';
    throw err;
  }
}

/**
 * Deletes every object concurrently, each attempt independent; throws one INTERNAL error listing the
 * failures (its context.result says what did succeed).
 */
export async function deleteOwnedObjects(client: KubeClient, objects: readonly OwnedObject[], runId: string | undefined, signal: AbortSignal): Promise<DeletionResult> {
  const outcomes = await Promise.allSettled(objects.map((o) => deleteOwned(client, o, runId, signal)));
  const result: DeletionResult = { deleted: [], absent: [], skipped: [] };
  const failures: string[] = [];
  outcomes.forEach((outcome, i) => {
    const o = objects[i] as OwnedObject;
    if (outcome.status === 'fulfilled') result[outcome.value].push(o);
    else failures.push(`  - ${o.kind} "${o.name}": ${describeError(outcome.reason)}`);
  });
  if (failures.length > 0) {
    throw newError(ErrorCode.Internal, `failed to delete ${failures.length} resource(s):\n${failures.join('\n')}`, { result });
  }
  return result;
}

/** The objects one run created (or may have created), in creation order. */
export class RunLedger {
  readonly runId: string;
  private readonly objects: OwnedObject[] = [];

  constructor(runId: string) {
    this.runId = runId;
  }

  /** Objects that may still exist in the cluster because of this run. */
  get remaining(): readonly OwnedObject[] {
    return this.objects;
  }

  /**
   * POSTs the manifest as a run-owned object and records its UID. A name that is taken means the
   * object is not ours: the run fails and that object is never touched.
   */
  async create<T extends KubeObject>(client: KubeClient, collectionPath: string, objectPath: string, manifest: T, signal: AbortSignal): Promise<T> {
    const entry: OwnedObject = {
      kind: manifest.kind as string,
      name: manifest.metadata.name as string,
      ...(manifest.metadata.namespace ? { namespace: manifest.metadata.namespace } : {}),
      path: objectPath,
    };
    this.objects.push(entry);
    try {
      const created = await client.request<T>(collectionPath, { method: 'POST', body: manifest, signal });
      entry.uid = created.metadata.uid;
      return created;
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (isAlreadyExists(err)) {
        this.objects.splice(this.objects.indexOf(entry), 1);
        throw newError(ErrorCode.Internal, `${describeObject(entry)} already exists and was not created by this run; it is left untouched (run ID collision?)`);
      }
      throw wrapError(ErrorCode.Internal, `failed to create ${entry.kind}`, err);
    }
  }

  /** Deletes what remains, forgetting each object once it is gone; what failed stays listed. */
  async deleteRemaining(client: KubeClient, signal: AbortSignal, keep: (o: OwnedObject) => boolean = () => false): Promise<DeletionResult> {
    const targets = this.objects.filter((o) => !keep(o));
    const forget = (done: readonly OwnedObject[]) => {
      for (const o of done) this.objects.splice(this.objects.indexOf(o), 1);
    };
    try {
      const result = await deleteOwnedObjects(client, targets, this.runId, signal);
      forget([...result.deleted, ...result.absent, ...result.skipped]);
      return result;
    } catch (err) {
      const partial = (err as { context?: { result?: DeletionResult } }).context?.result;
      if (partial) forget([...partial.deleted, ...partial.absent, ...partial.skipped]);
      throw err;
    }
  }
}
