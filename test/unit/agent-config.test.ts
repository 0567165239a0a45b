import { describe, expect, it } from 'vitest';
import { agentOutputUri, assertValidAgentConfig, defaultAgentConfig, ownsOutputConfigMap, validateAgentConfig } from '../../shared/agent-config.ts';

describe('agent config validation', () => {
  it('the defaults are valid and match the reference CLI', () => {
    const config = defaultAgentConfig();
    expect(validateAgentConfig(config)).toEqual([]);
    expect(config).toMatchObject({ namespace: 'default', jobName: 'aicr', serviceAccountName: 'aicr', privileged: true, output: '', tolerations: [{ operator: 'Exists' }] });
  });
  it('without an explicit output the agent writes a staging ConfigMap of the run, in its namespace', () => {
    const config = defaultAgentConfig({ namespace: 'gpu-operator', runId: 'k3x9q2ab' });
    expect(ownsOutputConfigMap(config)).toBe(true);
    expect(agentOutputUri(config)).toBe('cm://gpu-operator/aicr-agent-snapshot-k3x9q2ab');
    expect(ownsOutputConfigMap({ output: 'cm://x/y' })).toBe(false);
    expect(agentOutputUri({ ...config, output: 'cm://x/y' })).toBe('cm://x/y');
  });
  it('numbers must be safe integers', () => {
    expect(validateAgentConfig(defaultAgentConfig({ maxNodesPerEntry: 1e23 })).map((e) => e.field)).toEqual(['maxNodesPerEntry']);
  });
  it('every problem names its field', () => {
    const errors = validateAgentConfig(
      defaultAgentConfig({
        namespace: 'Bad_NS',
        jobName: '',
        image: 'UPPER/Case',
        imagePullSecrets: ['ok', 'not ok'],
        nodeSelector: { 'bad key': 'v' },
        tolerations: [{ operator: 'Equal', value: 'x' }],
        output: 'cm://ns/',
        requireGPU: true,
        runtimeClassName: 'nvidia',
        maxNodesPerEntry: -1,
        limits: { memory: 'lots' },
      }),
    );
    expect(errors.map((e) => e.field)).toEqual([
      'namespace',
      'jobName',
      'image',
      'imagePullSecrets[1]',
      'nodeSelector.bad key',
      'tolerations[0].key',
      'output',
      'limits.memory',
      'requireGPU',
      'maxNodesPerEntry',
    ]);
  });
  it('the output must be a ConfigMap URI with valid names', () => {
    expect(validateAgentConfig(defaultAgentConfig({ output: 'snapshot.yaml' }))[0]?.message).toContain('cm://');
    expect(validateAgentConfig(defaultAgentConfig({ output: 'cm://Bad/x' }))[0]?.message).toContain('namespace "Bad"');
  });
  it('assertValidAgentConfig throws INVALID_REQUEST listing the fields', () => {
    expect(() => assertValidAgentConfig(defaultAgentConfig({ namespace: '' }))).toThrow('[INVALID_REQUEST] invalid agent configuration:\n  - namespace: must not be empty');
  });
});
