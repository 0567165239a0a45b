/**
 * The one object a run does not own: its Namespace, ensured (created if absent, labelled) and never
 * deleted (TARGET rbac.go). Everything else a run creates is run-scoped (owned.ts).
 */
import type { KubeClient } from '../kube/client.ts';
import { isAlreadyExists, isForbidden } from '../kube/errors.ts';
import { connectionFailure } from './failures.ts';
import { paths } from '../kube/paths.ts';
import { APP_NAME, LABEL_MANAGED_BY } from './constants.ts';
import type { ResourceAction } from './events.ts';
import type { Namespace } from './manifests/types.ts';

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
    if (!isAlreadyExists(createErr) && !isForbidden(createErr)) throw connectionFailure(createErr, 'failed to create Namespace');
    let existing: Namespace;
    try {
      existing = await client.request<Namespace>(paths.namespace(name), { signal });
    } catch (getErr) {
      // Without create rights and unable to see the namespace, the create error is the one that explains.
      if (isForbidden(createErr)) throw connectionFailure(createErr, 'failed to create Namespace');
      throw connectionFailure(getErr, 'failed to get existing Namespace');
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
      throw connectionFailure(patchErr, 'failed to label existing Namespace');
    }
    return 'labelled';
  }
}
