import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatSnapshot, parseSnapshot, subtypeData } from '../../shared/snapshot.ts';
import { buildSnapshot, imageData, snapshotYaml, topology, type ClusterNode } from '../cluster/agent-snapshot.ts';

const example = readFileSync(new URL('../fixtures/example-snapshot-8xH100.yaml', import.meta.url), 'utf8');

describe('snapshot documents', () => {
  it('the reference example parses', () => {
    const snapshot = parseSnapshot(example);
    expect(snapshot.metadata).toEqual({ 'source-node': 'ip-10-0-142-17.us-west-2.compute.internal', timestamp: '2026-03-21T18:42:07Z', version: '0.11.1' });
    expect(snapshot.measurements.map((m) => m.type).sort()).toEqual(['GPU', 'K8s', 'NodeTopology', 'OS', 'SystemD']);
    expect(subtypeData(snapshot, 'GPU', 'smi')?.['gpu-count']).toBe(8);
  });
  it('wrong documents are rejected with the reason', () => {
    expect(() => parseSnapshot('kind: Recipe\napiVersion: aicr.nvidia.com/v1alpha1\nmeasurements: []')).toThrow('snapshot kind is "Recipe", expected Snapshot');
    expect(() => parseSnapshot('kind: Snapshot\napiVersion: v1\nmeasurements: []')).toThrow('apiVersion is "v1"');
    expect(() => parseSnapshot('kind: Snapshot\napiVersion: aicr.nvidia.com/v1alpha1')).toThrow('no measurements list');
    expect(() => parseSnapshot('')).toThrow('snapshot is empty');
    expect(() => parseSnapshot('a: [')).toThrow('snapshot is not valid YAML');
  });
  it('JSON output is the same document', () => {
    expect(JSON.parse(formatSnapshot(example, 'json'))).toEqual(parseSnapshot(example));
    expect(formatSnapshot(example, 'yaml')).toBe(example);
  });
});

describe('the simulated agent writes the real schema', () => {
  const nodes: ClusterNode[] = [
    { metadata: { name: 'gpu-b', labels: { 'nvidia.com/gpu.present': 'true', zone: 'a' } }, spec: { taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] }, status: { capacity: { 'nvidia.com/gpu': '8' } } },
    { metadata: { name: 'gpu-a', labels: { 'nvidia.com/gpu.present': 'true', zone: 'b' } }, spec: { taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }, { key: 'nvidia.com/gpu', value: 'present', effect: 'NoExecute' }] } },
    { metadata: { name: 'cpu', labels: { zone: 'a' } } },
  ];
  it('topology entries carry sorted node lists; multi-valued keys are split', () => {
    const [, taint, label] = topology(nodes, 0).subtypes ?? [];
    expect(taint?.data).toEqual({ 'nvidia.com/gpu.NoSchedule': 'present|gpu-a,gpu-b', 'nvidia.com/gpu.NoExecute': 'present|gpu-a' });
    expect(label?.data).toMatchObject({ 'nvidia.com/gpu.present': 'true|gpu-a,gpu-b', 'zone.a': 'a|cpu,gpu-b', 'zone.b': 'b|gpu-a' });
  });
  it('max nodes per entry truncates with a count', () => {
    expect(topology(nodes, 1).subtypes?.[2]?.data['nvidia.com/gpu.present']).toBe('true|gpu-a (+1 more)');
  });
  it('image names lose their registry path and digest', () => {
    expect(imageData(['ghcr.io/nvidia/aicr:v0.11.1', 'busybox', 'nvcr.io/nvidia/driver@sha256:abc', 'a/b/c:1'])).toEqual({ aicr: 'v0.11.1', busybox: 'latest', driver: 'latest', c: '1' });
  });
  it('a built snapshot round-trips through parseSnapshot with 4-space YAML', () => {
    const text = snapshotYaml(buildSnapshot({ nodeName: 'gpu-b', node: nodes[0], nodes, os: '', maxNodesPerEntry: 0, timestamp: '2026-11-27T00:00:00Z' }));
    expect(text).toContain('\nmetadata:\n    source-node: gpu-b\n');
    const snapshot = parseSnapshot(text);
    expect(subtypeData(snapshot, 'GPU', 'smi')?.['gpu-count']).toBe(8);
    expect(subtypeData(snapshot, 'NodeTopology', 'summary')).toEqual({ 'label-count': 3, 'node-count': 3, 'taint-count': 2 });
  });
});

describe('large snapshots', () => {
  it('a map with 100,000 keys parses in linear time (no quadratic duplicate-key check)', () => {
    const keys = Array.from({ length: 100_000 }, (_v, i) => `            key-${i}: "value|node-${i}"`).join('\n');
    const text = `kind: Snapshot\napiVersion: aicr.nvidia.com/v1alpha1\nmetadata:\n    source-node: n\nmeasurements:\n    - type: NodeTopology\n      subtypes:\n        - subtype: label\n          data:\n${keys}\n`;
    const started = performance.now();
    const snapshot = parseSnapshot(text);
    expect(Object.keys(snapshot.measurements[0]?.subtypes?.[0]?.data ?? {})).toHaveLength(100_000);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
