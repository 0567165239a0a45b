/**
 * Create-or-reuse / create-or-update of the agent's Namespace and RBAC objects (TARGET rbac.go).
 */
import { ErrorCode, wrapError } from '../../shared/errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { isAlreadyExists, isForbidden } from '../kube/errors.ts';
import { paths } from '../kube/paths.ts';
import { APP_NAME, LABEL_MANAGED_BY } from './constants.ts';
import type { ResourceAction } from './events.ts';
import type { KubeObject, Namespace } from './manifests/types.ts';

/**
 * Creates the namespace with the managed-by label, or merge-patches the label onto an existing one
 * (skipped when already there, so patch rights are not needed in the common case). Better than the
 * reference: a user allowed to use an existing namespace but not to create namespaces is not refused.
 */
export async function ensureNamespace(client: KubeClient, manifest: Namespace, signal: AbortSignal): Promise<ResourceAction> {
  const name = manifest.metadata.name as string;
  try {
    await client.request(paths.namespaces(), { method: 'POST', body: manifest, signal });
    return 'created';
  } catch (createErr) {
    if (!isAlreadyExists(createErr) && !isForbidden(createErr)) throw wrapError(ErrorCode.Internal, 'failed to create Namespace', createErr);
    let existing: Namespace;
    try {
      existing = await client.request<Namespace>(paths.namespace(name), { signal });
    } catch (getErr) {
      // Without create rights and unable to see the namespace, the create error is the one that explains.
      if (isForbidden(createErr)) throw wrapError(ErrorCode.Internal, 'failed to create Namespace', createErr);
      throw wrapError(ErrorCode.Internal, 'failed to get existing Namespace', getErr);
    }
    if (existing.metadata.labels?.[LABEL_MANAGED_BY] === APP_NAME) return 'reused';
    try {
      await client.request(paths.namespace(name), {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { metadata: { labels: { [LABEL_MANAGED_BY]: APP_NAME } } },
        signal,
      });
    } catch (patchErr) {
      throw wrapError(ErrorCode.Internal, 'failed to label existing Namespace', patchErr);
    }
    return 'labelled';
  }
}

/** Immutable objects (the ServiceAccount): created if missing, reused if present. */
export async function createOrReuse(client: KubeClient, collectionPath: string, manifest: KubeObject, signal: AbortSignal): Promise<ResourceAction> {
  try {
    await client.request(collectionPath, { method: 'POST', body: manifest, signal });
    return 'created';
  } catch (err) {
    if (isAlreadyExists(err)) return 'reused';
    throw wrapError(ErrorCode.Internal, `failed to create ${manifest.kind}`, err);
  }
}

/** Mutable RBAC: created, or replaced on conflict so stale rules from an earlier run cannot persist. */
export async function createOrUpdate(
  client: KubeClient,
  collectionPath: string,
  objectPath: string,
  manifest: KubeObject,
  signal: AbortSignal,
): Promise<ResourceAction> {
  try {
    await client.request(collectionPath, { method: 'POST', body: manifest, signal });
    return 'created';
  } catch (err) {
    if (!isAlreadyExists(err)) throw wrapError(ErrorCode.Internal, `failed to create ${manifest.kind}`, err);
  }
  try {
    await client.request(objectPath, { method: 'PUT', body: manifest, signal });
    return 'updated';
  } catch (err) {
    throw wrapError(ErrorCode.Internal, `failed to update ${manifest.kind}`, err);
  }
}
