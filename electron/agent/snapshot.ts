/** Reading the snapshot the agent wrote: the output ConfigMap's snapshot.yaml key, byte for byte. */
import { parseConfigMapUri } from '../../shared/configmap-uri.ts';
import { ErrorCode, newError, wrapError, isStructuredError } from '../../shared/errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { isForbidden, isNotFound } from '../kube/errors.ts';
import { paths } from '../kube/paths.ts';
import { SNAPSHOT_KEY } from './constants.ts';

interface ConfigMap {
  metadata: { resourceVersion?: string };
  data?: Record<string, string>;
}

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
    if (isNotFound(err) || isForbidden(err)) return undefined;
    throw wrapError(ErrorCode.Internal, `failed to read ConfigMap ${ref.namespace}/${ref.name}`, err);
  }
}

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
    if (isStructuredError(err) || signal.aborted) throw err;
    throw wrapError(ErrorCode.NotFound, `failed to get ConfigMap ${ref.namespace}/${ref.name}`, err);
  }
  if (staleVersion !== undefined && configMap.metadata.resourceVersion === staleVersion) {
    throw newError(
      ErrorCode.NotFound,
      `the agent finished without writing a snapshot: ConfigMap ${ref.namespace}/${ref.name} still holds the one from an earlier run`,
    );
  }
  const snapshot = configMap.data?.[SNAPSHOT_KEY];
  if (snapshot === undefined) {
    throw newError(ErrorCode.NotFound, `ConfigMap ${ref.namespace}/${ref.name} does not contain '${SNAPSHOT_KEY}' key`);
  }
  return snapshot;
}
