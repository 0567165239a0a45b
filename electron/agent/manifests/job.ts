/**
 * The agent Job, built as the reference's job.go (TARGET: OS/Talos, requests/limits overrides,
 * requireGPU adding nvidia.com/gpu only when the caller set no such limit), named and labelled per run.
 */
import { agentOutputUri, type AgentConfig } from '../../../shared/agent-config.ts';
import { LABEL_RUN_ID, runNames } from '../../../shared/run-names.ts';
import { TALOS } from '../../../shared/os-kind.ts';
import { effectiveResources } from '../../../shared/agent-resources.ts';
import { runOwnedLabels } from './labels.ts';
import {
  APP_NAME,
  CONTAINER_NAME,
  JOB_ACTIVE_DEADLINE_SECONDS,
  JOB_TTL_AFTER_FINISHED_SECONDS,
  LABEL_APP_NAME,
} from '../constants.ts';
import type { Container, EnvVar, Job, PodSpec, Volume, VolumeMount } from './types.ts';

const NOBODY = 65534;

export function buildArgs(config: Pick<AgentConfig, 'debug' | 'output' | 'namespace' | 'jobName' | 'serviceAccountName' | 'runId'>): string[] {
  const snapshotArgs = ['snapshot', '-o', agentOutputUri(config)];
  return config.debug ? ['--debug', '--log-json', ...snapshotArgs] : snapshotArgs;
}

export function buildEnv(config: Pick<AgentConfig, 'maxNodesPerEntry' | 'os' | 'runtimeClassName'>): EnvVar[] {
  const env: EnvVar[] = [
    { name: 'AICR_AGENT_MODE', value: 'true' },
    { name: 'AICR_LOG_PREFIX', value: 'agent' },
    { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
  ];
  if (config.maxNodesPerEntry > 0) env.push({ name: 'AICR_MAX_NODES_PER_ENTRY', value: String(config.maxNodesPerEntry) });
  if (config.os !== '') env.push({ name: 'AICR_OS', value: config.os });
  if (config.runtimeClassName !== '') env.push({ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' });
  return env;
}

const tmpVolume: Volume = { name: 'tmp', emptyDir: {} };
const tmpMount: VolumeMount = { name: 'tmp', mountPath: '/tmp' };

/** Host mounts the SystemD and OS collectors read; skipped on Talos, which has neither. */
const systemdVolumes: Volume[] = [
  { name: 'run-systemd', hostPath: { path: '/run/systemd', type: 'Directory' } },
  { name: 'host-os-release', hostPath: { path: '/etc/os-release', type: 'File' } },
];
const systemdMounts: VolumeMount[] = [
  { name: 'run-systemd', mountPath: '/run/systemd', readOnly: true },
  { name: 'host-os-release', mountPath: '/etc/os-release', readOnly: true },
];

/** The parts of the pod and its container that differ between privileged and restricted mode. */
interface ModeSettings {
  pod: Pick<PodSpec, 'hostPID' | 'hostNetwork' | 'hostIPC' | 'securityContext' | 'volumes'>;
  container: Pick<Container, 'resources' | 'securityContext' | 'volumeMounts'>;
}

function privilegedSettings(config: AgentConfig): ModeSettings {
  const withHostMounts = config.os !== TALOS;
  return {
    pod: {
      hostPID: true,
      hostNetwork: true,
      hostIPC: true,
      securityContext: { runAsUser: 0, runAsGroup: 0, fsGroup: 0, fsGroupChangePolicy: 'OnRootMismatch' },
      volumes: withHostMounts ? [tmpVolume, ...systemdVolumes] : [tmpVolume],
    },
    container: {
      resources: effectiveResources(config),
      securityContext: {
        privileged: true,
        runAsUser: 0,
        runAsGroup: 0,
        allowPrivilegeEscalation: true,
        capabilities: { add: ['SYS_ADMIN', 'SYS_CHROOT'] },
      },
      volumeMounts: withHostMounts ? [tmpMount, ...systemdMounts] : [tmpMount],
    },
  };
}

/** Pod Security "restricted" compliant; requireGPU has no effect here, as in the reference. */
function restrictedSettings(config: AgentConfig): ModeSettings {
  return {
    pod: {
      securityContext: {
        runAsNonRoot: true,
        runAsUser: NOBODY,
        runAsGroup: NOBODY,
        fsGroup: NOBODY,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      volumes: [tmpVolume],
    },
    container: {
      resources: effectiveResources(config),
      securityContext: {
        privileged: false,
        runAsNonRoot: true,
        runAsUser: NOBODY,
        runAsGroup: NOBODY,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
      volumeMounts: [tmpMount],
    },
  };
}

export function buildPodSpec(config: AgentConfig): PodSpec {
  const mode = config.privileged ? privilegedSettings(config) : restrictedSettings(config);
  const container: Container = {
    name: CONTAINER_NAME,
    image: config.image,
    command: ['aicr'],
    args: buildArgs(config),
    env: buildEnv(config),
    ...mode.container,
  };
  const spec: PodSpec = {
    serviceAccountName: runNames(config).serviceAccount,
    restartPolicy: 'Never',
    ...(config.privileged ? { hostPID: mode.pod.hostPID, hostNetwork: mode.pod.hostNetwork, hostIPC: mode.pod.hostIPC } : {}),
    securityContext: mode.pod.securityContext,
    containers: [container],
    volumes: mode.pod.volumes,
  };
  if (config.runtimeClassName !== '') spec.runtimeClassName = config.runtimeClassName;
  if (Object.keys(config.nodeSelector).length > 0) spec.nodeSelector = { ...config.nodeSelector };
  if (config.tolerations.length > 0) spec.tolerations = config.tolerations.map((t) => ({ ...t }));
  const pullSecrets = toLocalObjectReferences(config.imagePullSecrets);
  if (pullSecrets) spec.imagePullSecrets = pullSecrets;
  return spec;
}

/** Secret names to `[{name}]`, undefined for none so the field is omitted (reference toLocalObjectReferences). */
export function toLocalObjectReferences(names: readonly string[] | undefined): { name: string }[] | undefined {
  if (!names || names.length === 0) return undefined;
  return names.map((name) => ({ name }));
}

export function buildJob(config: AgentConfig): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: runNames(config).job, namespace: config.namespace, labels: runOwnedLabels(config) },
    spec: {
      completions: 1,
      parallelism: 1,
      completionMode: 'NonIndexed',
      backoffLimit: 0,
      ttlSecondsAfterFinished: JOB_TTL_AFTER_FINISHED_SECONDS,
      activeDeadlineSeconds: JOB_ACTIVE_DEADLINE_SECONDS,
      template: { metadata: { labels: { [LABEL_APP_NAME]: APP_NAME, [LABEL_RUN_ID]: config.runId } }, spec: buildPodSpec(config) },
    },
  };
}
