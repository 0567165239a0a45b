/** Reading the snapshot the agent wrote: the output ConfigMap's snapshot.yaml key, byte for byte. */
import { parseConfigMapUri } from '../../shared/configmap-uri.ts';
import { ErrorCode, newError, wrapError, isStructuredError } from '../../shared/errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { paths } from '../kube/paths.ts';
import { SNAPSHOT_KEY } from './constants.ts';

interface ConfigMap {
  data?: Record<string, string>;
}

export async function getSnapshot(client: KubeClient, outputUri: string, signal: AbortSignal): Promise<string> {
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
  const snapshot = configMap.data?.[SNAPSHOT_KEY];
  if (snapshot === undefined) {
    throw newError(ErrorCode.NotFound, `ConfigMap ${ref.namespace}/${ref.name} does not contain '${SNAPSHOT_KEY}' key`);
  }
  return snapshot;
}
