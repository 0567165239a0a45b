import { ErrorCode, newError } from './errors.ts';

export const CONFIGMAP_URI_PREFIX = 'cm://';

export interface ConfigMapRef {
  namespace: string;
  name: string;
}

/**
 * Parses `cm://namespace/name` exactly as the reference (pod/configmap.go) does: case-sensitive prefix,
 * split on the first '/', both parts trimmed and non-empty. Name syntax is checked separately by
 * {@link configMapRefErrors} so the reference's table keeps its results.
 */
export function parseConfigMapUri(uri: string): ConfigMapRef {
  if (!uri.startsWith(CONFIGMAP_URI_PREFIX)) {
    throw newError(ErrorCode.InvalidRequest, 'invalid configmap URI', { uri, expected_format: 'cm://namespace/name' });
  }
  const rest = uri.slice(CONFIGMAP_URI_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash === -1) {
    throw newError(ErrorCode.InvalidRequest, 'invalid configmap URI format', { uri, expected_format: 'cm://namespace/name' });
  }
  const namespace = rest.slice(0, slash).trim();
  const name = rest.slice(slash + 1).trim();
  if (namespace === '' || name === '') {
    throw newError(ErrorCode.InvalidRequest, 'namespace and name cannot be empty', { uri });
  }
  return { namespace, name };
}

export function isConfigMapUri(value: string): boolean {
  return value.startsWith(CONFIGMAP_URI_PREFIX);
}
