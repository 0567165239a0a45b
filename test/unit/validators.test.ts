import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../shared/duration.ts';
import { imageReferenceErrors } from '../../shared/image-ref.ts';
import { dns1123LabelErrors, dns1123SubdomainErrors, labelKeyErrors, labelValueErrors } from '../../shared/k8s-names.ts';
import { parseNodeSelectors } from '../../shared/node-selector.ts';
import { parseOsKind } from '../../shared/os-kind.ts';
import { isQuantity, parseResourceList } from '../../shared/quantity.ts';
import { parseToleration, parseTolerations } from '../../shared/tolerations.ts';

describe('node selectors', () => {
  it('key=value entries, later duplicates win', () => expect(parseNodeSelectors(['a=1', 'nodeGroup=customer-gpu', 'a=2'])).toEqual({ a: '2', nodeGroup: 'customer-gpu' }));
  it('k= means an empty value', () => expect(parseNodeSelectors(['nvidia.com/gpu.present='])).toEqual({ 'nvidia.com/gpu.present': '' }));
  it('empty input gives no selector', () => expect(parseNodeSelectors([])).toEqual({}));
  it('an entry without = is rejected with the expected form', () => expect(() => parseNodeSelectors(['nodeGroup'])).toThrow('invalid format "nodeGroup", expected key=value'));
  it('label=key=value is rejected: "key=value" is not a label value', () => expect(() => parseNodeSelectors(['label=key=value'])).toThrow('invalid label value "key=value"'));
  it('bad keys are rejected', () => {
    expect(() => parseNodeSelectors(['=x'])).toThrow('invalid label key ""');
    expect(() => parseNodeSelectors(['Bad Key=x'])).toThrow('invalid label key "Bad Key"');
    expect(() => parseNodeSelectors(['UPPER.example.com/x=y'])).toThrow('prefix part');
  });
  it('long values are rejected', () => expect(() => parseNodeSelectors([`k=${'a'.repeat(64)}`])).toThrow('no more than 63'));
});

describe('tolerations', () => {
  it('none given tolerates everything', () => expect(parseTolerations([])).toEqual([{ operator: 'Exists' }]));
  it('key=value:effect is Equal', () => expect(parseToleration('dedicated=user-workload:NoSchedule')).toEqual({ key: 'dedicated', operator: 'Equal', value: 'user-workload', effect: 'NoSchedule' }));
  it('key:effect is Exists', () => expect(parseToleration('nvidia.com/gpu:NoSchedule')).toEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }));
  it('key=:effect is Exists', () => expect(parseToleration('nvidia.com/gpu=:NoExecute')).toEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoExecute' }));
  it('an empty key is allowed', () => expect(parseToleration(':NoSchedule')).toEqual({ operator: 'Exists', effect: 'NoSchedule' }));
  it('* tolerates all', () => expect(parseToleration('*')).toEqual({ operator: 'Exists' }));
  it('every effect', () => {
    for (const effect of ['NoSchedule', 'PreferNoSchedule', 'NoExecute']) expect(parseToleration(`k:${effect}`).effect).toBe(effect);
  });
  it.each(['key=value', 'key:value:extra', 'key'])('%j has the wrong shape', (entry) =>
    expect(() => parseToleration(entry)).toThrow(`invalid format "${entry}", expected key=value:effect or key:effect`),
  );
  it.each(['k:', 'k:noschedule', 'k:BadEffect', 'k:NoScheduleButWrong'])('%j has a bad effect', (entry) =>
    expect(() => parseToleration(entry)).toThrow('expected NoSchedule, PreferNoSchedule, or NoExecute'),
  );
  it('one bad entry fails the whole list', () => expect(() => parseTolerations(['a:NoSchedule', 'b:Nope'])).toThrow('invalid taint effect "Nope"'));
  it('given entries replace the tolerate-all default', () => expect(parseTolerations(['a:NoSchedule'])).toEqual([{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }]));
  it('bad keys and values are rejected', () => {
    expect(() => parseToleration('bad key:NoSchedule')).toThrow('invalid toleration key "bad key"');
    expect(() => parseToleration('k=bad value:NoSchedule')).toThrow('invalid toleration value "bad value"');
  });
});

describe('quantities and resource lists', () => {
  it.each(['2', '8Gi', '100m', '4Gi', '1.5', '0.5Gi', '1e3', '500M', '+1', '.5'])('%j is a quantity', (q) => expect(isQuantity(q)).toBe(true));
  it.each(['', 'Gi', '1GB', '1 Gi', 'abc', '1.2.3', '--1'])('%j is not a quantity', (q) => expect(isQuantity(q)).toBe(false));
  it('cpu=500m,memory=1Gi', () => expect(parseResourceList('cpu=500m,memory=1Gi')).toEqual({ cpu: '500m', memory: '1Gi' }));
  it('blank input means no override', () => {
    expect(parseResourceList('')).toBeUndefined();
    expect(parseResourceList('  ')).toBeUndefined();
    expect(parseResourceList(' , ')).toBeUndefined();
  });
  it('entries are trimmed and empty ones skipped', () => expect(parseResourceList(' cpu = 1 ,, nvidia.com/gpu=4 ')).toEqual({ cpu: '1', 'nvidia.com/gpu': '4' }));
  it('errors name the entry', () => {
    expect(() => parseResourceList('cpu')).toThrow('entry "cpu" is not in name=quantity form');
    expect(() => parseResourceList('cpu=')).toThrow('entry "cpu=" has empty name or quantity');
    expect(() => parseResourceList('=1')).toThrow('entry "=1" has empty name or quantity');
    expect(() => parseResourceList('memory=lots')).toThrow('entry "memory=lots": quantity "lots"');
  });
});

describe('Kubernetes names', () => {
  it('DNS-1123 labels', () => {
    expect(dns1123LabelErrors('gpu-operator')).toEqual([]);
    expect(dns1123LabelErrors('')).toEqual(['must not be empty']);
    expect(dns1123LabelErrors('Bad')).toHaveLength(1);
    expect(dns1123LabelErrors('-a')).toHaveLength(1);
    expect(dns1123LabelErrors('a.b')).toHaveLength(1);
    expect(dns1123LabelErrors('a'.repeat(64))[0]).toContain('no more than 63');
  });
  it('DNS-1123 subdomains', () => {
    expect(dns1123SubdomainErrors('aicr-snapshot.v1')).toEqual([]);
    expect(dns1123SubdomainErrors('a..b')).toHaveLength(1);
    expect(dns1123SubdomainErrors('a'.repeat(254))[0]).toContain('no more than 253');
  });
  it('label keys and values', () => {
    expect(labelKeyErrors('nvidia.com/gpu.present')).toEqual([]);
    expect(labelKeyErrors('kubernetes.io/hostname')).toEqual([]);
    expect(labelKeyErrors('a/b/c').length).toBeGreaterThan(0);
    expect(labelKeyErrors('/x')).toContain('prefix part must not be empty');
    expect(labelValueErrors('')).toEqual([]);
    expect(labelValueErrors('NVIDIA-H100-80GB-HBM3')).toEqual([]);
    expect(labelValueErrors('a b')).toHaveLength(1);
  });
});

describe('image references', () => {
  it.each(['ghcr.io/nvidia/aicr:v0.11.1', 'aicr', 'localhost:5000/aicr:dev', 'nvcr.io/nvidia/k8s/aicr@sha256:' + 'a'.repeat(64), 'registry.example/aicr:slow-3', 'docker.io/library/busybox:1.36'])(
    '%j is valid',
    (image) => expect(imageReferenceErrors(image)).toEqual([]),
  );
  it.each(['', ' ghcr.io/x', 'GHCR.io/Nvidia/AICR', 'ghcr.io/nvidia/aicr:', 'ghcr.io/nvidia/aicr:bad tag', 'ghcr.io//aicr'])('%j is invalid', (image) =>
    expect(imageReferenceErrors(image).length).toBeGreaterThan(0),
  );
});

describe('durations', () => {
  it.each([
    ['5m', 300_000],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5s', 1_500],
    ['0', 0],
  ] as const)('%j', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['5', '5 m', 'm', '-1s', '1d', ''])('%j is rejected', (text) => expect(() => parseDuration(text)).toThrow('expected a number with a unit'));
  it('formats like Go', () => {
    expect(formatDuration(300_000)).toBe('5m0s');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(3_000)).toBe('3s');
    expect(formatDuration(500)).toBe('500ms');
    expect(formatDuration(3_723_000)).toBe('1h2m3s');
  });
});

describe('OS kinds', () => {
  it('normalises case and space', () => expect(parseOsKind(' Talos ')).toBe('talos'));
  it('empty is unset', () => expect(parseOsKind('')).toBe(''));
  it('unknown values list the valid ones', () => expect(() => parseOsKind('windows')).toThrow('expected one of: any, ubuntu, rhel, cos, amazonlinux, ol, talos, sles'));
});
