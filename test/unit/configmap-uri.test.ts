import { describe, expect, it } from 'vitest';
import { parseConfigMapUri } from '../../shared/configmap-uri.ts';

// The reference's table (pod/configmap_test and friends): 7 valid, 16 invalid.
const valid: [string, string, string][] = [
  ['cm://gpu-operator/aicr-snapshot', 'gpu-operator', 'aicr-snapshot'],
  ['cm://my-namespace/my-configmap', 'my-namespace', 'my-configmap'],
  ['cm://default/my-config', 'default', 'my-config'],
  ['cm://kube-system/aicr-snapshot', 'kube-system', 'aicr-snapshot'],
  ['cm://default/snapshot', 'default', 'snapshot'],
  ['cm://default / my-config ', 'default', 'my-config'],
  ['cm://gpu-operator / aicr-snapshot ', 'gpu-operator', 'aicr-snapshot'],
];
const invalid: [string, string][] = [
  ['configmap://namespace/name', 'invalid configmap URI'],
  ['configmap://default/my-config', 'invalid configmap URI'],
  ['http://gpu-operator/aicr-snapshot', 'invalid configmap URI'],
  ['default/my-config', 'invalid configmap URI'],
  ['gpu-operator/aicr-snapshot', 'invalid configmap URI'],
  ['cm:///name', 'namespace and name cannot be empty'],
  ['cm:///my-config', 'namespace and name cannot be empty'],
  ['cm:///aicr-snapshot', 'namespace and name cannot be empty'],
  ['cm://namespace/', 'namespace and name cannot be empty'],
  ['cm://default/', 'namespace and name cannot be empty'],
  ['cm://gpu-operator/', 'namespace and name cannot be empty'],
  ['cm://', 'invalid configmap URI format'],
  ['cm://invalid', 'invalid configmap URI format'],
  ['cm://gpu-operator', 'invalid configmap URI format'],
  ['cm://defaultmy-config', 'invalid configmap URI format'],
  ['', 'invalid configmap URI'],
];

describe('parseConfigMapUri', () => {
  it.each(valid)('%j parses', (uri, namespace, name) => expect(parseConfigMapUri(uri)).toEqual({ namespace, name }));
  it.each(invalid)('%j is rejected', (uri, message) => expect(() => parseConfigMapUri(uri)).toThrow(`[INVALID_REQUEST] ${message}`));
  it('the table has the reference 23 cases', () => expect(valid.length + invalid.length).toBe(23));
  it('a name may contain a slash, as in the reference', () => expect(parseConfigMapUri('cm://a/b/c')).toEqual({ namespace: 'a', name: 'b/c' }));
  it('the prefix is case-sensitive', () => expect(() => parseConfigMapUri('CM://a/b')).toThrow('invalid configmap URI'));
});
