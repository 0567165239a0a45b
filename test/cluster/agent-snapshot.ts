/**
 * The snapshot the simulated agent writes, in the real agent's schema (kind Snapshot, measurements
 * K8s/GPU/OS/SystemD/NodeTopology), built from what it read from the cluster: the server version, its
 * node's labels and capacity, every node and every pod image. Host facts a pod cannot see here
 * (sysctl, kernel modules, systemd units) are fixed realistic values.
 */
import { stringify } from 'yaml';
import type { Measurement, Reading, Snapshot } from '../../shared/snapshot.ts';

export interface ClusterNode {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { taints?: { key: string; value?: string; effect: string }[]; providerID?: string };
  status?: {
    capacity?: Record<string, string>;
    nodeInfo?: { kubeletVersion?: string; kernelVersion?: string; osImage?: string; operatingSystem?: string; containerRuntimeVersion?: string };
  };
}

export interface AgentObservations {
  nodeName: string;
  /** The agent's own node, or undefined when it could not be read. */
  node?: ClusterNode;
  nodes?: ClusterNode[];
  images?: string[];
  server?: { gitVersion: string; platform: string; goVersion: string };
  os: string;
  maxNodesPerEntry: number;
  timestamp: string;
}

export const AGENT_VERSION = '0.11.1';
const GPU_DRIVER = '570.86.15';

type Data = Record<string, Reading>;

function sorted(data: Data): Data {
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function subtype(name: string, data: Data) {
  return { subtype: name, data: sorted(data) };
}

/** `<name without registry path>: <tag>` for every image, digest stripped, `latest` when untagged. */
export function imageData(images: readonly string[]): Data {
  const data: Data = {};
  for (const image of images) {
    const withoutDigest = image.split('@')[0] as string;
    const last = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
    const colon = last.indexOf(':');
    data[colon === -1 ? last : last.slice(0, colon)] = colon === -1 ? 'latest' : last.slice(colon + 1);
  }
  return data;
}

function nodeList(names: string[], max: number): string {
  const sortedNames = [...names].sort();
  if (max <= 0 || sortedNames.length <= max) return sortedNames.join(',');
  return `${sortedNames.slice(0, max).join(',')} (+${sortedNames.length - max} more)`;
}

/** NodeTopology: taints and labels across all nodes with the node names that carry them. */
export function topology(nodes: readonly ClusterNode[], maxNodesPerEntry: number): Measurement {
  const taints = new Map<string, Map<string, { value: string; nodes: string[] }>>();
  const labels = new Map<string, Map<string, string[]>>();
  for (const node of nodes) {
    for (const t of node.spec?.taints ?? []) {
      const byEffect = taints.get(t.key) ?? new Map();
      const entry = byEffect.get(t.effect) ?? { value: t.value ?? '', nodes: [] };
      entry.nodes.push(node.metadata.name);
      byEffect.set(t.effect, entry);
      taints.set(t.key, byEffect);
    }
    for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
      const byValue = labels.get(k) ?? new Map();
      byValue.set(v, [...(byValue.get(v) ?? []), node.metadata.name]);
      labels.set(k, byValue);
    }
  }
  const taintData: Data = {};
  for (const [key, byEffect] of taints) {
    for (const [effect, { value, nodes: names }] of byEffect) {
      if (byEffect.size === 1) taintData[key] = `${effect}|${value}|${nodeList(names, maxNodesPerEntry)}`;
      else taintData[`${key}.${effect}`] = `${value}|${nodeList(names, maxNodesPerEntry)}`;
    }
  }
  const labelData: Data = {};
  for (const [key, byValue] of labels) {
    for (const [value, names] of byValue) {
      labelData[byValue.size === 1 ? key : `${key}.${value}`] = `${value}|${nodeList(names, maxNodesPerEntry)}`;
    }
  }
  return {
    type: 'NodeTopology',
    subtypes: [
      subtype('summary', { 'node-count': nodes.length, 'taint-count': Object.keys(taintData).length, 'label-count': Object.keys(labelData).length }),
      subtype('taint', taintData),
      subtype('label', labelData),
    ],
  };
}

function gpuMeasurement(node: ClusterNode | undefined): Measurement {
  const count = Number(node?.status?.capacity?.['nvidia.com/gpu'] ?? node?.metadata.labels?.['nvidia.com/gpu.count'] ?? 0);
  if (!node || count === 0) return { type: 'GPU', subtypes: [subtype('smi', { 'gpu-count': 0 })] };
  const product = (node.metadata.labels?.['nvidia.com/gpu.product'] ?? 'NVIDIA-GPU').replaceAll('-', ' ');
  return {
    type: 'GPU',
    subtypes: [
      subtype('smi', {
        driver: GPU_DRIVER,
        'cuda-version': '12.8',
        'gpu-count': count,
        'gpu.model': product,
        'gpu.product-architecture': product.includes('H100') || product.includes('H200') ? 'Hopper' : 'Unknown',
        'gpu.display-mode': 'Enabled',
        'gpu.display-active': 'Disabled',
        'gpu.persistence-mode': 'Disabled',
        'gpu.addressing-mode': 'None',
        'gpu.vbios-version': '96.00.A5.00.01',
        'gpu.gsp-firmware-version': GPU_DRIVER,
      }),
    ],
  };
}

function k8sMeasurement(obs: AgentObservations): Measurement {
  const info = obs.node?.status?.nodeInfo;
  const runtime = info?.containerRuntimeVersion ?? '';
  const [runtimeName, runtimeVersion] = runtime.includes('://') ? runtime.split('://') : [runtime, ''];
  const nodeData: Data = obs.node
    ? {
        'source-node': obs.nodeName,
        ...(runtime ? { 'container-runtime-id': runtime, 'container-runtime-name': runtimeName ?? '', 'container-runtime-version': runtimeVersion ?? '' } : {}),
        ...(info?.kubeletVersion ? { 'kubelet-version': info.kubeletVersion } : {}),
        ...(info?.kernelVersion ? { 'kernel-version': info.kernelVersion } : {}),
        ...(info?.operatingSystem ? { 'operating-system': info.operatingSystem } : {}),
        ...(info?.osImage ? { 'os-image': info.osImage } : {}),
      }
    : {};
  return {
    type: 'K8s',
    subtypes: [
      subtype('server', obs.server ? { version: obs.server.gitVersion, platform: obs.server.platform, goVersion: obs.server.goVersion } : {}),
      subtype('image', imageData(obs.images ?? [])),
      subtype('policy', {}),
      subtype('node', nodeData),
    ],
  };
}

function osMeasurement(obs: AgentObservations): Measurement {
  const info = obs.node?.status?.nodeInfo;
  if (obs.os === 'talos') {
    return {
      type: 'OS',
      subtypes: [subtype('release', { Source: 'kubernetes-node-info', PRETTY_NAME: info?.osImage ?? 'Talos', ID: 'talos', KERNEL_VERSION: info?.kernelVersion ?? '', OPERATING_SYSTEM: 'linux' })],
    };
  }
  const kernel = info?.kernelVersion ?? '6.8.0-60-generic';
  const gpu = Number(obs.node?.status?.capacity?.['nvidia.com/gpu'] ?? 0) > 0;
  return {
    type: 'OS',
    subtypes: [
      subtype('grub', { BOOT_IMAGE: `/boot/vmlinuz-${kernel}`, console: 'ttyS0', ro: '', 'nvme_core.io_timeout': '4294967295' }),
      subtype('sysctl', {
        '/proc/sys/kernel/hostname': obs.nodeName,
        '/proc/sys/kernel/osrelease': kernel,
        '/proc/sys/kernel/ostype': 'Linux',
        '/proc/sys/kernel/numa_balancing': '0',
        '/proc/sys/vm/max_map_count': '1048576',
        '/proc/sys/vm/swappiness': '60',
        '/proc/sys/fs/inotify/max_user_watches': '524288',
      }),
      subtype('kmod', { overlay: true, br_netfilter: true, nf_conntrack: true, ...(gpu ? { nvidia: true, nvidia_uvm: true, nvidia_modeset: true, nvidia_peermem: true } : {}) }),
      subtype('release', { ID: 'ubuntu', ID_LIKE: 'debian', NAME: 'Ubuntu', PRETTY_NAME: info?.osImage ?? 'Ubuntu 24.04.3 LTS', VERSION_ID: '24.04', VERSION_CODENAME: 'noble' }),
    ],
  };
}

function systemdMeasurement(obs: AgentObservations): Measurement {
  const runtime = obs.node?.status?.nodeInfo?.containerRuntimeVersion ?? 'containerd://1.7.27';
  if (obs.os === 'talos') {
    return {
      type: 'SystemD',
      subtypes: [
        subtype('containerd.service', { UnitFileName: 'containerd.service', Source: 'kubernetes-node-info', ActiveState: 'active', RuntimeName: 'containerd', Version: runtime.split('://')[1] ?? '' }),
        subtype('kubelet.service', { UnitFileName: 'kubelet.service', Source: 'kubernetes-node-info', ActiveState: 'active', RuntimeName: 'kubelet', Version: obs.node?.status?.nodeInfo?.kubeletVersion ?? '' }),
      ],
    };
  }
  return {
    type: 'SystemD',
    subtypes: [
      subtype('containerd.service', { ActiveState: 'active', SubState: 'running', LoadState: 'loaded', Description: 'containerd container runtime', MainPID: '1287', NRestarts: '0', Restart: 'always', UnitFileState: 'enabled' }),
      subtype('docker.service', { ActiveState: 'inactive', SubState: 'dead', LoadState: 'not-found', Description: 'docker.service', MainPID: '0', UnitFileState: '' }),
      subtype('kubelet.service', { ActiveState: 'active', SubState: 'running', LoadState: 'loaded', Description: 'Kubernetes Kubelet', MainPID: '2049', NRestarts: '0', Restart: 'always', UnitFileState: 'enabled' }),
    ],
  };
}

export function buildSnapshot(obs: AgentObservations): Snapshot {
  return {
    kind: 'Snapshot',
    apiVersion: 'aicr.nvidia.com/v1alpha1',
    metadata: { 'source-node': obs.nodeName, timestamp: obs.timestamp, version: AGENT_VERSION },
    measurements: [systemdMeasurement(obs), osMeasurement(obs), gpuMeasurement(obs.node), k8sMeasurement(obs), topology(obs.nodes ?? [], obs.maxNodesPerEntry)],
  };
}

/** yaml.v3's layout: 4-space indentation, sequences indented under their key. */
export function snapshotYaml(snapshot: Snapshot): string {
  return stringify(snapshot, { indent: 4, indentSeq: true, lineWidth: 0 });
}
