/**
 * Simulated nodes: Node objects with labels, taints and GPU capacity, a renewed Lease each, and a
 * kubelet loop that moves the pods bound to them Pending -> Running -> Succeeded/Failed with proper
 * container statuses, finishes terminating pods with grace-0 deletes, and keeps their logs for the
 * kubelet endpoint. Pods of the agent Job run the simulated agent.
 */
import { randomBytes } from 'node:crypto';
import type { KubeClient } from '../../electron/kube/client.ts';
import { isAlreadyExists, isNotFound, isTransient, KubeApiError } from '../../electron/kube/errors.ts';
import { paths } from '../../electron/kube/paths.ts';
import { watchUntil } from '../../electron/kube/watch.ts';
import { runAgent, scenarioFor, type AgentPod } from './agent-simulator.ts';
import type { LogStore, PodLookup } from './kubelet-logs.ts';

export interface NodeSpec {
  name: string;
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: string }[];
  gpus: number;
}

const GPU_LABELS = {
  'nvidia.com/gpu.present': 'true',
  'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
  'nvidia.com/gpu.count': '8',
  nodeGroup: 'customer-gpu',
};

export const SIMULATED_NODES: NodeSpec[] = [
  { name: 'gpu-node-1', labels: GPU_LABELS, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }], gpus: 8 },
  { name: 'gpu-node-2', labels: GPU_LABELS, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }], gpus: 8 },
  { name: 'cpu-node-1', labels: { nodeGroup: 'system' }, taints: [], gpus: 0 },
];

const LEASE_RENEW_MS = 10_000;

interface PodObject extends AgentPod {
  metadata: AgentPod['metadata'] & { deletionTimestamp?: string };
  spec: AgentPod['spec'] & { hostNetwork?: boolean; containers: (AgentPod['spec']['containers'][number] & { name: string; command?: string[] })[] };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

interface PodRuntime {
  abort: AbortController;
  containerId: string;
  waitingReason?: string;
  deleting?: boolean;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export interface NodeSimulatorOptions {
  admin: KubeClient;
  kubernetesVersion: string;
  logs: LogStore;
  server: string;
  caData: string;
  onError: (message: string) => void;
}

export class NodeSimulator implements PodLookup {
  private readonly options: NodeSimulatorOptions;
  private readonly pods = new Map<string, PodRuntime>();
  private readonly stopping = new AbortController();
  private leaseTimer: NodeJS.Timeout | undefined;
  private podWatch: Promise<void> | undefined;
  private kubeletPort = 0;

  constructor(options: NodeSimulatorOptions) {
    this.options = options;
  }

  waitingReason(namespace: string, pod: string): string | undefined {
    for (const [key, runtime] of this.pods) if (key.startsWith(`${namespace}/${pod}/`) && runtime.waitingReason) return runtime.waitingReason;
    return undefined;
  }

  /** Registers the nodes (pointing at the kubelet endpoint on `kubeletPort`) and starts the kubelet loops. */
  async start(kubeletPort: number): Promise<void> {
    this.kubeletPort = kubeletPort;
    await Promise.all(SIMULATED_NODES.map((n) => this.registerNode(n)));
    await this.renewLeases();
    this.leaseTimer = setInterval(() => void this.renewLeases(), LEASE_RENEW_MS);
    this.podWatch = watchUntil<PodObject, never>(
      this.options.admin,
      { path: '/api/v1/pods' },
      (change, objects) => {
        if (change.type === 'SYNCED') for (const pod of objects.values()) this.onPod(pod);
        else if (change.type === 'DELETED') this.forget(change.object);
        else this.onPod(change.object);
        return undefined;
      },
      { signal: this.stopping.signal },
    ).catch((err: unknown) => {
      if (!this.stopping.signal.aborted) this.options.onError(`pod watch ended: ${(err as Error).message}`);
    }) as Promise<void>;
  }

  async stop(): Promise<void> {
    clearInterval(this.leaseTimer);
    this.stopping.abort();
    for (const runtime of this.pods.values()) runtime.abort.abort();
    await this.podWatch;
  }

  private nodeObject(spec: NodeSpec) {
    const capacity = { cpu: '96', memory: '1Ti', pods: '110', 'ephemeral-storage': '1Ti', ...(spec.gpus > 0 ? { 'nvidia.com/gpu': String(spec.gpus) } : {}) };
    const conditionTime = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const condition = (type: string, status: string, reason: string) => ({ type, status, reason, lastHeartbeatTime: conditionTime, lastTransitionTime: conditionTime });
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: spec.name,
        labels: { 'kubernetes.io/hostname': spec.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', ...spec.labels },
      },
      spec: { taints: spec.taints },
      status: {
        capacity,
        allocatable: capacity,
        conditions: [
          condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
          condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
          condition('PIDPressure', 'False', 'KubeletHasSufficientPID'),
          condition('Ready', 'True', 'KubeletReady'),
        ],
        addresses: [
          { type: 'InternalIP', address: '127.0.0.1' },
          { type: 'Hostname', address: spec.name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: this.kubeletPort } },
        nodeInfo: {
          kubeletVersion: this.options.kubernetesVersion,
          kubeProxyVersion: this.options.kubernetesVersion,
          kernelVersion: '6.8.0-60-generic',
          osImage: 'Ubuntu 24.04.3 LTS',
          operatingSystem: 'linux',
          architecture: 'amd64',
          containerRuntimeVersion: 'containerd://1.7.27',
          machineID: spec.name,
          systemUUID: spec.name,
          bootID: spec.name,
        },
      },
    };
  }

  /** Creates the Node with its status, or refreshes the status (address, kubelet port) of an existing one. */
  private async registerNode(spec: NodeSpec): Promise<void> {
    const node = this.nodeObject(spec);
    try {
      await this.options.admin.request(paths.nodes(), { method: 'POST', body: node });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      await this.options.admin.request(`${paths.node(spec.name)}/status`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { status: node.status } });
    }
  }

  private async renewLeases(): Promise<void> {
    await Promise.all(
      SIMULATED_NODES.map(async (spec) => {
        const path = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${spec.name}`;
        const renewTime = new Date().toISOString().replace('Z', '000Z');
        try {
          try {
            await this.options.admin.request(path, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { spec: { renewTime } } });
          } catch (err) {
            if (!isNotFound(err)) throw err;
            const node = await this.options.admin.request<{ metadata: { uid: string } }>(paths.node(spec.name));
            await this.options.admin.request('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
              method: 'POST',
              body: {
                metadata: { name: spec.name, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: spec.name, uid: node.metadata.uid }] },
                spec: { holderIdentity: spec.name, leaseDurationSeconds: 40, renewTime },
              },
            });
          }
        } catch (err) {
          if (!isTransient(err)) this.options.onError(`lease renewal for ${spec.name} failed: ${(err as Error).message}`);
        }
      }),
    );
  }

  private runtimeKey(pod: PodObject): string {
    return `${pod.metadata.namespace}/${pod.metadata.name}/${pod.metadata.uid}`;
  }

  private ours(pod: PodObject): boolean {
    return SIMULATED_NODES.some((n) => n.name === pod.spec.nodeName);
  }

  private onPod(pod: PodObject): void {
    if (!this.ours(pod)) return;
    const key = this.runtimeKey(pod);
    const runtime = this.pods.get(key);
    if (pod.metadata.deletionTimestamp) {
      if (runtime?.deleting) return;
      const entry = runtime ?? { abort: new AbortController(), containerId: '' };
      entry.deleting = true;
      this.pods.set(key, entry);
      entry.abort.abort();
      void this.retry(pod, () => this.finishDeletion(pod));
      return;
    }
    if (runtime || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    const created: PodRuntime = { abort: new AbortController(), containerId: `containerd://${randomBytes(32).toString('hex')}` };
    this.pods.set(key, created);
    void this.runPod(pod, created).catch((err: unknown) => {
      if (!created.abort.signal.aborted) this.options.onError(`pod ${pod.metadata.namespace}/${pod.metadata.name}: ${(err as Error).message}`);
    });
  }

  private forget(pod: PodObject): void {
    this.pods.get(this.runtimeKey(pod))?.abort.abort();
    this.pods.delete(this.runtimeKey(pod));
    this.options.logs.remove(pod.metadata.namespace, pod.metadata.name);
  }

  /** What the kubelet does once a deleted pod's containers are gone: a grace-0 delete pinned to its UID. */
  private async finishDeletion(pod: PodObject): Promise<void> {
    this.options.logs.remove(pod.metadata.namespace, pod.metadata.name);
    try {
      await this.options.admin.request(paths.pod(pod.metadata.namespace, pod.metadata.name), {
        method: 'DELETE',
        body: { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } },
      });
    } catch (err) {
      // Gone already, or a newer pod of the same name (UID precondition): nothing left to finish.
      if (!isNotFound(err) && !(err instanceof KubeApiError && err.status === 409)) throw err;
    }
  }

  /** Retries through API server restarts; gives up when the pod is gone or the simulator stops. */
  private async retry(pod: PodObject, action: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await action();
        return;
      } catch (err) {
        if (isNotFound(err) || this.stopping.signal.aborted) return;
        if (!isTransient(err) || attempt > 100) {
          this.options.onError(`pod ${pod.metadata.namespace}/${pod.metadata.name}: ${(err as Error).message}`);
          return;
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }

  private patchStatus(pod: PodObject, status: Record<string, unknown>): Promise<void> {
    return this.retry(pod, async () => {
      await this.options.admin.request(`${paths.pod(pod.metadata.namespace, pod.metadata.name)}/status`, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { status },
      });
    });
  }

  private async runPod(pod: PodObject, runtime: PodRuntime): Promise<void> {
    const container = pod.spec.containers[0];
    if (!container) return;
    const { namespace, name } = pod.metadata;
    const scenario = scenarioFor(container.image);
    const baseStatus = { hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }], podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }], startTime: now() };
    const conditions = (ready: boolean, reason?: string) =>
      ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => {
        const status = type === 'Ready' || type === 'ContainersReady' ? (ready ? 'True' : 'False') : 'True';
        return { type, status, lastTransitionTime: now(), ...(status === 'False' && reason ? { reason } : {}) };
      });
    const containerStatus = (state: Record<string, unknown>, ready: boolean) => ({
      name: container.name,
      image: container.image,
      imageID: ready || 'terminated' in state ? `${container.image.split(':')[0]}@sha256:${'0'.repeat(64)}` : '',
      containerID: 'waiting' in state ? undefined : runtime.containerId,
      ready,
      started: 'running' in state,
      restartCount: 0,
      state,
    });

    if (scenario.kind === 'pull-error') {
      const message = `failed to pull and unpack image "${container.image}": failed to resolve reference "${container.image}": not found`;
      runtime.waitingReason = 'ErrImagePull';
      await this.patchStatus(pod, { ...baseStatus, phase: 'Pending', conditions: conditions(false, 'ContainersNotReady'), containerStatuses: [containerStatus({ waiting: { reason: 'ErrImagePull', message } }, false)] });
      await new Promise((r) => setTimeout(r, 1000));
      if (runtime.abort.signal.aborted) return;
      runtime.waitingReason = 'ImagePullBackOff';
      await this.patchStatus(pod, { containerStatuses: [containerStatus({ waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${container.image}"` } }, false)] });
      return;
    }

    this.options.logs.open(namespace, name, container.name);
    const startedAt = now();
    await this.patchStatus(pod, { ...baseStatus, phase: 'Running', conditions: conditions(true), containerStatuses: [containerStatus({ running: { startedAt } }, true)] });
    if (container.command?.[0] !== 'aicr') return; // Not the agent: keep running until deleted.

    let exitCode: number;
    try {
      exitCode = await runAgent(pod, scenario, {
        admin: this.options.admin,
        server: this.options.server,
        caData: this.options.caData,
        log: (line) => this.options.logs.append(namespace, name, container.name, line),
        signal: runtime.abort.signal,
      });
    } catch (err) {
      if (runtime.abort.signal.aborted) return;
      this.options.logs.append(namespace, name, container.name, `\x1b[31m[agent] command failed: error=${(err as Error).message} exitCode=8\x1b[0m`);
      exitCode = 8;
    }
    this.options.logs.finish(namespace, name, container.name);
    if (runtime.abort.signal.aborted) return;
    const terminated = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt: now(), containerID: runtime.containerId };
    await this.patchStatus(pod, {
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      conditions: conditions(false, 'PodCompleted'),
      containerStatuses: [containerStatus({ terminated }, false)],
    });
  }
}
