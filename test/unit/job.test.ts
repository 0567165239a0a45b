import { describe, expect, it } from 'vitest';
import { buildArgs, buildEnv, buildJob, buildPodSpec, toLocalObjectReferences } from '../../electron/agent/manifests/job.ts';
import { mergeResourceList, PRIVILEGED_LIMITS } from '../../shared/agent-resources.ts';
import { defaultAgentConfig, type AgentConfig } from '../../shared/agent-config.ts';

const config = (overrides: Partial<AgentConfig> = {}) => defaultAgentConfig({ runId: 'r1234567', output: 'cm://gpu-operator/aicr-snapshot', namespace: 'gpu-operator', ...overrides });
const container = (c: AgentConfig) => buildPodSpec(c).containers[0]!;

describe('Job metadata and spec (reference job.go)', () => {
  const job = buildJob(config());
  it('names, labels and the one-shot spec values', () => {
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    expect(job.metadata).toEqual({
      name: 'aicr-r1234567',
      namespace: 'gpu-operator',
      labels: { 'app.kubernetes.io/name': 'aicr', 'app.kubernetes.io/managed-by': 'aicr', 'aicr.run/run-id': 'r1234567' },
    });
    const { template, ...spec } = job.spec;
    expect(spec).toEqual({ completions: 1, parallelism: 1, completionMode: 'NonIndexed', backoffLimit: 0, ttlSecondsAfterFinished: 3600, activeDeadlineSeconds: 18000 });
    expect(template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'aicr', 'aicr.run/run-id': 'r1234567' });
  });
  it('pod basics: service account, restart policy, container name, command and image', () => {
    const pod = job.spec.template.spec;
    expect(pod.serviceAccountName).toBe('aicr-r1234567');
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers).toHaveLength(1);
    expect(pod.containers[0]).toMatchObject({ name: 'aicr', command: ['aicr'], image: 'ghcr.io/nvidia/aicr:v0.11.1' });
  });
  it('custom job and service account names', () => {
    const custom = buildJob(config({ jobName: 'snap', serviceAccountName: 'agent-sa' }));
    expect(custom.metadata.name).toBe('snap-r1234567');
    expect(custom.spec.template.spec.serviceAccountName).toBe('agent-sa-r1234567');
  });
});

describe('args', () => {
  it('without debug', () => expect(buildArgs(config({ debug: false, output: 'cm://ns/x' }))).toEqual(['snapshot', '-o', 'cm://ns/x']));
  it('with debug', () => expect(buildArgs(config({ debug: true, output: 'cm://ns/x' }))).toEqual(['--debug', '--log-json', 'snapshot', '-o', 'cm://ns/x']));
  it('a run-owned staging ConfigMap when no explicit output is given', () =>
    expect(buildArgs(config({ output: '' }))).toEqual(['snapshot', '-o', 'cm://gpu-operator/aicr-agent-snapshot-r1234567']));
  it('the Job carries them', () => expect(container(config({ debug: true })).args).toEqual(['--debug', '--log-json', 'snapshot', '-o', 'cm://gpu-operator/aicr-snapshot']));
});

describe('env, in the reference order', () => {
  const base = [
    { name: 'AICR_AGENT_MODE', value: 'true' },
    { name: 'AICR_LOG_PREFIX', value: 'agent' },
    { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
  ];
  it('defaults', () => expect(buildEnv({ maxNodesPerEntry: 0, os: '', runtimeClassName: '' })).toEqual(base));
  it('max nodes, OS and runtime class appended in order', () => {
    expect(buildEnv({ maxNodesPerEntry: 5, os: 'ubuntu', runtimeClassName: 'nvidia' })).toEqual([
      ...base,
      { name: 'AICR_MAX_NODES_PER_ENTRY', value: '5' },
      { name: 'AICR_OS', value: 'ubuntu' },
      { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' },
    ]);
  });
  it('AICR_OS is absent, not empty, when OS is unset', () => expect(buildEnv({ maxNodesPerEntry: 0, os: '', runtimeClassName: 'x' }).map((e) => e.name)).not.toContain('AICR_OS'));
});

describe('privileged mode', () => {
  const c = config({ nodeSelector: { nodeGroup: 'customer-gpu' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'user-workload', effect: 'NoSchedule' }] });
  const pod = buildPodSpec(c);
  it('host namespaces and root pod security context', () => {
    expect(pod).toMatchObject({ hostPID: true, hostNetwork: true, hostIPC: true });
    expect(pod.securityContext).toEqual({ runAsUser: 0, runAsGroup: 0, fsGroup: 0, fsGroupChangePolicy: 'OnRootMismatch' });
  });
  it('privileged container security context', () => {
    expect(pod.containers[0]!.securityContext).toEqual({ privileged: true, runAsUser: 0, runAsGroup: 0, allowPrivilegeEscalation: true, capabilities: { add: ['SYS_ADMIN', 'SYS_CHROOT'] } });
  });
  it('resources', () => {
    expect(pod.containers[0]!.resources).toEqual({
      requests: { cpu: '1', memory: '4Gi', 'ephemeral-storage': '2Gi' },
      limits: { cpu: '2', memory: '8Gi', 'ephemeral-storage': '4Gi' },
    });
  });
  it('three volumes: tmp plus the systemd and os-release host paths', () => {
    expect(pod.volumes).toEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'run-systemd', hostPath: { path: '/run/systemd', type: 'Directory' } },
      { name: 'host-os-release', hostPath: { path: '/etc/os-release', type: 'File' } },
    ]);
    expect(pod.containers[0]!.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'run-systemd', mountPath: '/run/systemd', readOnly: true },
      { name: 'host-os-release', mountPath: '/etc/os-release', readOnly: true },
    ]);
  });
  it('node selector and tolerations pass through', () => {
    expect(pod.nodeSelector).toEqual({ nodeGroup: 'customer-gpu' });
    expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'user-workload', effect: 'NoSchedule' }]);
  });
  it('no runtime class, no pull secrets by default', () => {
    expect(pod).not.toHaveProperty('runtimeClassName');
    expect(pod).not.toHaveProperty('imagePullSecrets');
  });
});

describe('restricted mode (privileged=false)', () => {
  const pod = buildPodSpec(config({ privileged: false, requireGPU: true }));
  it('no host namespaces', () => {
    expect(pod).not.toHaveProperty('hostPID');
    expect(pod).not.toHaveProperty('hostNetwork');
    expect(pod).not.toHaveProperty('hostIPC');
  });
  it('pod and container security contexts', () => {
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0]!.securityContext).toEqual({
      privileged: false,
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });
  it('resources, with requireGPU having no effect', () => {
    expect(pod.containers[0]!.resources).toEqual({
      requests: { cpu: '100m', memory: '256Mi', 'ephemeral-storage': '256Mi' },
      limits: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '512Mi' },
    });
  });
  it('one volume, not a host path', () => {
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    expect(pod.containers[0]!.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });
});

describe('talos', () => {
  it('privileged without the systemd host mounts, AICR_OS=talos', () => {
    const pod = buildPodSpec(config({ os: 'talos' }));
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    expect(pod.containers[0]!.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod).toMatchObject({ hostPID: true, hostNetwork: true, hostIPC: true });
    expect(pod.containers[0]!.securityContext.privileged).toBe(true);
    expect(pod.containers[0]!.env).toContainEqual({ name: 'AICR_OS', value: 'talos' });
  });
  it('ubuntu keeps the host mounts and sets AICR_OS', () => {
    const pod = buildPodSpec(config({ os: 'ubuntu' }));
    expect(pod.volumes.map((v) => v.name)).toEqual(['tmp', 'run-systemd', 'host-os-release']);
    expect(pod.containers[0]!.env).toContainEqual({ name: 'AICR_OS', value: 'ubuntu' });
  });
});

describe('runtime class', () => {
  it('sets runtimeClassName and NVIDIA_VISIBLE_DEVICES=all in both modes', () => {
    for (const privileged of [true, false]) {
      const pod = buildPodSpec(config({ privileged, runtimeClassName: 'nvidia', nodeSelector: { 'nvidia.com/gpu.present': 'true' } }));
      expect(pod.runtimeClassName).toBe('nvidia');
      expect(Object.keys(pod.nodeSelector ?? {})).toHaveLength(1);
      expect(pod.containers[0]!.env).toContainEqual({ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' });
    }
  });
  it('is independent of requireGPU', () => {
    const pod = buildPodSpec(config({ requireGPU: true }));
    expect(pod).not.toHaveProperty('runtimeClassName');
    expect(pod.containers[0]!.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(pod.containers[0]!.env.map((e) => e.name)).not.toContain('NVIDIA_VISIBLE_DEVICES');
  });
});

describe('requests and limits overrides', () => {
  it('privileged: overrides merged over the defaults', () => {
    const { resources } = container(config({ requests: { memory: '512Mi' }, limits: { memory: '1Gi' } }));
    expect(resources.requests).toEqual({ cpu: '1', memory: '512Mi', 'ephemeral-storage': '2Gi' });
    expect(resources.limits).toEqual({ cpu: '2', memory: '1Gi', 'ephemeral-storage': '4Gi' });
  });
  it('requireGPU adds nvidia.com/gpu=1 to merged limits', () => {
    expect(container(config({ requireGPU: true, limits: { memory: '1Gi' } })).resources.limits).toEqual({ cpu: '2', memory: '1Gi', 'ephemeral-storage': '4Gi', 'nvidia.com/gpu': '1' });
  });
  it("a caller's own GPU limit wins over requireGPU", () => {
    expect(container(config({ requireGPU: true, limits: { 'nvidia.com/gpu': '4' } })).resources.limits['nvidia.com/gpu']).toBe('4');
  });
  it('restricted: overrides apply too', () => {
    const { resources } = container(config({ privileged: false, requests: { cpu: '50m' }, limits: { memory: '256Mi' } }));
    expect(resources.requests).toEqual({ cpu: '50m', memory: '256Mi', 'ephemeral-storage': '256Mi' });
    expect(resources.limits).toEqual({ cpu: '500m', memory: '256Mi', 'ephemeral-storage': '512Mi' });
  });
  it('unknown resource names pass through; requests for GPUs are not mirrored', () => {
    const { resources } = container(config({ requests: { 'example.com/foo': '2' } }));
    expect(resources.requests['example.com/foo']).toBe('2');
    expect(resources.requests).not.toHaveProperty('nvidia.com/gpu');
  });
  it('mergeResourceList returns a new map and leaves the defaults alone', () => {
    const merged = mergeResourceList(PRIVILEGED_LIMITS, { memory: '1Gi' });
    expect(merged).toEqual({ cpu: '2', memory: '1Gi', 'ephemeral-storage': '4Gi' });
    expect(PRIVILEGED_LIMITS.memory).toBe('8Gi');
    expect(merged).not.toBe(PRIVILEGED_LIMITS);
  });
  it('quantities are kept exactly as written', () => {
    expect(container(config({ limits: { cpu: '2', memory: '8Gi' }, requests: { cpu: '100m', memory: '4Gi' } })).resources).toMatchObject({
      requests: { cpu: '100m', memory: '4Gi' },
      limits: { cpu: '2', memory: '8Gi' },
    });
  });
});

describe('image pull secrets and max nodes', () => {
  it('toLocalObjectReferences', () => {
    expect(toLocalObjectReferences(undefined)).toBeUndefined();
    expect(toLocalObjectReferences([])).toBeUndefined();
    expect(toLocalObjectReferences(['my-secret'])).toEqual([{ name: 'my-secret' }]);
    expect(toLocalObjectReferences(['secret-a', 'secret-b', 'secret-c'])).toEqual([{ name: 'secret-a' }, { name: 'secret-b' }, { name: 'secret-c' }]);
  });
  it('pull secrets land on the pod', () => expect(buildPodSpec(config({ imagePullSecrets: ['a', 'b'] })).imagePullSecrets).toEqual([{ name: 'a' }, { name: 'b' }]));
  it('max nodes per entry becomes an env var', () => expect(container(config({ maxNodesPerEntry: 3 })).env).toContainEqual({ name: 'AICR_MAX_NODES_PER_ENTRY', value: '3' }));
});
