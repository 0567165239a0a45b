import { describe, expect, it } from 'vitest';
import { defaultAgentConfig, validateAgentConfig } from '../../shared/agent-config.ts';
import { dns1123LabelErrors, dns1123SubdomainErrors } from '../../shared/k8s-names.ts';
import { isRunId, MAX_NAME_PREFIX_LENGTH, newRunId, runNames } from '../../shared/run-names.ts';

const longLabel = (c: string) => c.repeat(63);

describe('run IDs', () => {
  it('are short, DNS-safe, and different every time', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newRunId()));
    expect(ids.size).toBe(2000);
    for (const id of ids) {
      expect(isRunId(id)).toBe(true);
      expect(dns1123LabelErrors(id)).toEqual([]);
    }
  });
  it.each(['', 'ABCDEFGH', '1bcdefgh', 'abc', 'abcdefghi', 'abc-defg'])('%j is not a run ID', (id) => expect(isRunId(id)).toBe(false));
});

describe('run-scoped names', () => {
  const names = runNames({ namespace: 'gpu-operator', jobName: 'aicr', serviceAccountName: 'aicr', runId: 'k3x9q2ab' });
  it('append the run ID to the user prefixes', () => {
    expect(names).toEqual({
      runId: 'k3x9q2ab',
      job: 'aicr-k3x9q2ab',
      serviceAccount: 'aicr-k3x9q2ab',
      clusterRole: 'aicr-node-reader.gpu-operator.aicr-k3x9q2ab',
      stagingConfigMap: 'aicr-agent-snapshot-k3x9q2ab',
    });
  });
  it('stay valid names with the longest inputs allowed', () => {
    const prefix = 'p'.repeat(MAX_NAME_PREFIX_LENGTH);
    const longest = runNames({ namespace: longLabel('n'), jobName: prefix, serviceAccountName: `${'s'.repeat(20)}.${'t'.repeat(MAX_NAME_PREFIX_LENGTH - 21)}`, runId: 'k3x9q2ab' });
    expect(dns1123LabelErrors(longest.job)).toEqual([]);
    expect(dns1123SubdomainErrors(longest.serviceAccount)).toEqual([]);
    expect(dns1123SubdomainErrors(longest.clusterRole)).toEqual([]);
    expect(longest.clusterRole.length).toBeLessThanOrEqual(253);
  });
  it('the cluster-scoped name is injective: namespace/service-account splits that a dash would merge stay apart', () => {
    const a = runNames({ namespace: 'a-b', jobName: 'j', serviceAccountName: 'c', runId: 'k3x9q2ab' }).clusterRole;
    const b = runNames({ namespace: 'a', jobName: 'j', serviceAccountName: 'b-c', runId: 'k3x9q2ab' }).clusterRole;
    expect(a).not.toBe(b);
    // And the parts can be read back: the namespace is everything up to the first dot after the fixed prefix.
    const [, namespace, ...sa] = a.split('.');
    expect([namespace, sa.join('.')]).toEqual(['a-b', 'c-k3x9q2ab']);
  });
  it('prefixes too long for <prefix>-<runId> are refused naming the field', () => {
    const config = defaultAgentConfig({ jobName: 'j'.repeat(MAX_NAME_PREFIX_LENGTH + 1), serviceAccountName: 's'.repeat(MAX_NAME_PREFIX_LENGTH + 1) });
    expect(validateAgentConfig(config).map((e) => e.field)).toEqual(['jobName', 'serviceAccountName']);
    expect(validateAgentConfig(config)[0]?.message).toContain(`at most ${MAX_NAME_PREFIX_LENGTH} characters`);
  });
  it('a config without a valid run ID is refused', () => {
    expect(validateAgentConfig(defaultAgentConfig({ runId: 'nope' })).map((e) => e.field)).toEqual(['runId']);
  });
});
