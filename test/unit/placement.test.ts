import { describe, expect, it } from 'vitest';
import { wantsAutoTargeting } from '../../electron/agent/placement.ts';
import { effectiveResources, resourceProblems } from '../../shared/agent-resources.ts';
import { canHost, tolerates, type NodeFacts } from '../../shared/node-match.ts';
import { isNegativeQuantity, quantityValue } from '../../shared/quantity.ts';

const gpuNode: NodeFacts = { name: 'gpu', labels: { 'nvidia.com/gpu.present': 'true', nodeGroup: 'gpu' }, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] };
const cordoned: NodeFacts = { name: 'cordoned', labels: {}, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] };
const preferring: NodeFacts = { name: 'soft', labels: {}, taints: [{ key: 'x', effect: 'PreferNoSchedule' }] };

describe('which nodes could host the agent', () => {
  it('selector and taints must both allow it', () => {
    expect(canHost(gpuNode, { nodeGroup: 'gpu' }, [{ operator: 'Exists' }])).toBe(true);
    expect(canHost(gpuNode, { nodeGroup: 'gpu' }, [])).toBe(false);
    expect(canHost(gpuNode, { nodeGroup: 'cpu' }, [{ operator: 'Exists' }])).toBe(false);
    expect(canHost(cordoned, {}, [{ key: 'nvidia.com/gpu', operator: 'Exists' }])).toBe(false);
    expect(canHost(preferring, {}, [])).toBe(true);
  });
  it('toleration matching follows the scheduler', () => {
    const taint = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };
    expect(tolerates({ operator: 'Exists' }, taint)).toBe(true);
    expect(tolerates({ key: 'nvidia.com/gpu', operator: 'Exists' }, taint)).toBe(true);
    expect(tolerates({ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }, taint)).toBe(true);
    expect(tolerates({ key: 'nvidia.com/gpu', operator: 'Equal', value: 'absent' }, taint)).toBe(false);
    expect(tolerates({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false);
    expect(tolerates({ key: 'other', operator: 'Exists' }, taint)).toBe(false);
  });
  it('GPU auto-targeting only applies without any placement constraint', () => {
    expect(wantsAutoTargeting({ nodeSelector: {}, requireGPU: false, runtimeClassName: '' })).toBe(true);
    expect(wantsAutoTargeting({ nodeSelector: { a: 'b' }, requireGPU: false, runtimeClassName: '' })).toBe(false);
    expect(wantsAutoTargeting({ nodeSelector: {}, requireGPU: true, runtimeClassName: '' })).toBe(false);
    expect(wantsAutoTargeting({ nodeSelector: {}, requireGPU: false, runtimeClassName: 'nvidia' })).toBe(false);
  });
});

describe('quantities and the checks the API server would make', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['1Gi', 2 ** 30],
    ['1G', 1e9],
    ['1e3', 1000],
    ['1E', 1e18],
    ['.5Ki', 512],
    ['+3', 3],
  ])('%s = %d', (q, v) => expect(quantityValue(q)).toBe(v));
  it('negative quantities', () => {
    expect(isNegativeQuantity('-1')).toBe(true);
    expect(isNegativeQuantity('-500m')).toBe(true);
    expect(isNegativeQuantity('-0')).toBe(false);
    expect(isNegativeQuantity('1')).toBe(false);
  });
  it('requests above the effective limits are problems naming the resource; within them they are not', () => {
    expect(resourceProblems({ privileged: true, requireGPU: false, requests: { memory: '8Gi' } })).toEqual([]);
    expect(resourceProblems({ privileged: true, requireGPU: false, requests: { memory: '9Gi' } })).toEqual([
      { field: 'requests', resource: 'memory', message: 'memory=9Gi exceeds the limit memory=8Gi (the privileged default); raise --limits memory or lower the request' },
    ]);
    expect(resourceProblems({ privileged: true, requireGPU: false, requests: { memory: '9Gi' }, limits: { memory: '10Gi' } })).toEqual([]);
  });
  it('extended resources need requests equal to limits; require-gpu supplies the limit', () => {
    expect(resourceProblems({ privileged: true, requireGPU: true, requests: { 'nvidia.com/gpu': '1' } })).toEqual([]);
    expect(resourceProblems({ privileged: true, requireGPU: false, requests: { 'nvidia.com/gpu': '2' }, limits: { 'nvidia.com/gpu': '1' } })[0]?.message).toContain('exceeds the limit');
    expect(resourceProblems({ privileged: true, requireGPU: false, requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '2' } })[0]?.message).toContain('requests must equal limits');
    expect(effectiveResources({ privileged: true, requireGPU: true }).limits['nvidia.com/gpu']).toBe('1');
  });
});
