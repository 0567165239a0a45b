/** Reading the snapshot the agent wrote: the output ConfigMap's snapshot.yaml key, byte for byte. */
import { parseConfigMapUri } from '../../shared/configmap-uri.ts';
import { ErrorCode, newError, wrapError } from '../../shared/errors.ts';
import { hasGpuData, parseSnapshot } from '../../shared/snapshot.ts';
import type { KubeClient } from '../kube/client.ts';
import { isForbidden, isNotFound } from '../kube/errors.ts';
import { paths } from '../kube/paths.ts';
import { SNAPSHOT_KEY } from './constants.ts';
import { connectionFailure } from './failures.ts';
import type { ConfigMap } from './manifests/types.ts';

/**
 * The output ConfigMap's resourceVersion before the agent runs (undefined when absent), so a snapshot
 * left by an earlier run is never mistaken for this run's.
 */
export async function outputVersion(client: KubeClient, outputUri: string, signal: AbortSignal): Promise<string | undefined> {
  const ref = parseConfigMapUri(outputUri);
  try {
    const configMap = await client.request<ConfigMap>(paths.configMap(ref.namespace, ref.name), { signal });
    return configMap.metadata.resourceVersion;
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (isNotFound(err) || isForbidden(err)) return undefined;
    throw connectionFailure(err, `failed to read ConfigMap ${ref.namespace}/${ref.name}`);
  }
}

/**
 * The snapshot in the ConfigMap. `staleVersion` is the resourceVersion the ConfigMap had before the
 * agent ran: finding it unchanged means the agent wrote nothing. Only a missing ConfigMap or key is
 * NOT_FOUND; a refused or failed read says so.
 */
export async function getSnapshot(client: KubeClient, outputUri: string, signal: AbortSignal, staleVersion?: string): Promise<string> {
  let ref;
  try {
    ref = parseConfigMapUri(outputUri);
  } catch (err) {
    throw wrapError(ErrorCode.InvalidRequest, 'failed to parse ConfigMap URI', err);
  }
  let configMap: ConfigMap;
  try {
    configMap = await client.request<ConfigMap>(paths.configMap(ref.namespace, ref.name), { signal });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (isNotFound(err)) throw wrapError(ErrorCode.NotFound, `failed to get ConfigMap ${ref.namespace}/${ref.name}`, err);
    throw connectionFailure(err, `failed to get ConfigMap ${ref.namespace}/${ref.name}`);
  }
  const snapshot = configMap.data?.[SNAPSHOT_KEY];
  if (staleVersion !== undefined && configMap.metadata.resourceVersion === staleVersion) {
    throw newError(
      ErrorCode.NotFound,
      snapshot === undefined
        ? `the agent finished without writing a snapshot to ConfigMap ${ref.namespace}/${ref.name}`
        : `the agent finished without writing a snapshot: ConfigMap ${ref.namespace}/${ref.name} still holds the one from an earlier run`,
    );
  }
  if (snapshot === undefined) {
    throw newError(ErrorCode.NotFound, `ConfigMap ${ref.namespace}/${ref.name} does not contain '${SNAPSHOT_KEY}' key`);
  }
  return snapshot;
}

/** True when the snapshot text parses and holds no GPU facts. */
export function lacksGpuData(snapshotText: string): boolean {
  try {
    return !hasGpuData(parseSnapshot(snapshotText));
  } catch {
    return false; // not ours to judge here; the caller reports an unparsable snapshot on its own
  }
}
