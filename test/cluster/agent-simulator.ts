/**
 * What the simulated node runs for a pod of the agent Job: it behaves like `aicr snapshot` in agent
 * mode. It logs as the agent does, reads the cluster with the pod's own ServiceAccount token (from
 * TokenRequest), and server-side-applies the output ConfigMap as that ServiceAccount, so wrong RBAC
 * fails the run exactly as on a real cluster. The image tag picks a scenario.
 */
import { KubeClient } from '../../electron/kube/client.ts';
import { paths } from '../../electron/kube/paths.ts';
import { parseConfigMapUri } from '../../shared/configmap-uri.ts';
import { AGENT_VERSION, buildSnapshot, snapshotYaml, type AgentObservations, type ClusterNode } from './agent-snapshot.ts';

export type Scenario =
  | { kind: 'success' }
  | { kind: 'fail' }
  | { kind: 'pull-error' }
  | { kind: 'slow'; seconds: number }
  | { kind: 'logs'; count: number }
  | { kind: 'no-output' };

/** The scenario an image tag selects: `:fail`, `:pull-error`, `:slow-<s>`, `:logs-<n>`, `:no-output`; anything else succeeds. */
export function scenarioFor(image: string): Scenario {
  const name = image.split('@')[0] as string;
  const last = name.slice(name.lastIndexOf('/') + 1);
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : 'latest';
  if (tag === 'fail') return { kind: 'fail' };
  if (tag === 'pull-error') return { kind: 'pull-error' };
  if (tag === 'no-output') return { kind: 'no-output' };
  const slow = /^slow-(\d+)$/.exec(tag);
  if (slow) return { kind: 'slow', seconds: Number(slow[1]) };
  const logs = /^logs-(\d+)$/.exec(tag);
  if (logs) return { kind: 'logs', count: Number(logs[1]) };
  return { kind: 'success' };
}

export interface AgentPod {
  metadata: { name: string; namespace: string; uid: string };
  spec: {
    nodeName: string;
    serviceAccountName: string;
    containers: { image: string; args?: string[]; env?: { name: string; value?: string }[] }[];
  };
}

export interface AgentRuntime {
  admin: KubeClient;
  server: string;
  caData: string;
  log: (line: string) => void;
  signal: AbortSignal;
}

/** Log lines as the agent's logger writes them: `[agent] msg: k=v` in green (red for errors), or slog JSON with --log-json. */
function agentLogger(json: boolean, write: (line: string) => void) {
  const line = (level: 'INFO' | 'WARN' | 'ERROR', msg: string, attrs: Record<string, unknown> = {}) => {
    if (json) {
      write(JSON.stringify({ time: new Date().toISOString(), level, msg, module: 'aicr', version: AGENT_VERSION, ...attrs }));
      return;
    }
    const pairs = Object.entries(attrs).map(([k, v]) => `${k}=${String(v)}`);
    const text = `[agent] ${msg}${pairs.length ? `: ${pairs.join(' ')}` : ''}`;
    write(level === 'ERROR' ? `\x1b[31m${text}\x1b[0m` : `\x1b[32m${text}\x1b[0m`);
  };
  return { info: (m: string, a?: Record<string, unknown>) => line('INFO', m, a), warn: (m: string, a?: Record<string, unknown>) => line('WARN', m, a), error: (m: string, a?: Record<string, unknown>) => line('ERROR', m, a) };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

/** A client authenticated as the pod's ServiceAccount, with a token bound to the pod. */
async function serviceAccountClient(pod: AgentPod, runtime: AgentRuntime): Promise<KubeClient> {
  const review = await runtime.admin.request<{ status: { token: string } }>(paths.serviceAccountToken(pod.metadata.namespace, pod.spec.serviceAccountName), {
    method: 'POST',
    body: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 3600, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid } },
    },
  });
  return new KubeClient({
    name: 'agent',
    cluster: { name: 'in-cluster', server: runtime.server, caData: runtime.caData, insecureSkipTlsVerify: false },
    user: { name: 'agent', token: review.status.token, impersonateGroups: [] },
  });
}

function envOf(pod: AgentPod): Record<string, string> {
  const env: Record<string, string> = { NODE_NAME: pod.spec.nodeName };
  for (const e of pod.spec.containers[0]?.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}

async function attempt<T>(what: string, log: ReturnType<typeof agentLogger>, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    log.warn(`failed to collect ${what} - skipping`, { collector: what, error: (err as Error).message });
    return undefined;
  }
}

/** Runs the agent; resolves with the container's exit code. */
export async function runAgent(pod: AgentPod, scenario: Scenario, runtime: AgentRuntime): Promise<number> {
  const container = pod.spec.containers[0];
  const args = container?.args ?? [];
  const log = agentLogger(args.includes('--log-json'), runtime.log);
  const env = envOf(pod);
  const output = args[args.indexOf('-o') + 1] ?? '';
  const { signal } = runtime;

  if (scenario.kind === 'logs') {
    // About 100 bytes a line, as the performance issue's log flood specifies.
    for (let i = 1; i <= scenario.count; i++) log.info('collecting measurement batch', { line: i, of: scenario.count, collector: 'node-topology', sample: 'c0ffee'.repeat(3) });
  }
  log.info('collecting Kubernetes cluster information');
  const client = await serviceAccountClient(pod, runtime);
  const server = await attempt('server', log, () => client.request<{ gitVersion: string; platform: string; goVersion: string }>(paths.version(), { signal }));
  const node = await attempt('node', log, () => client.request<ClusterNode>(paths.node(env.NODE_NAME ?? ''), { signal }));
  const pods = await attempt('image', log, () => client.request<{ items: { spec: { containers: { image: string }[] } }[] }>('/api/v1/pods', { signal }));
  log.info('collecting SystemD service configurations');
  log.info('collecting OS configuration');
  if (Number(node?.status?.capacity?.['nvidia.com/gpu'] ?? 0) > 0) log.info('collecting GPU information via nvidia-smi');
  else log.warn('nvidia-smi not found - no GPU data will be collected', { hint: 'install NVIDIA drivers to enable GPU collection' });
  log.info('collecting node topology information');
  const nodes = await attempt('topology', log, () => client.request<{ items: ClusterNode[] }>(paths.nodes(), { query: { limit: 500 }, signal }));

  if (scenario.kind === 'slow') {
    for (let s = 1; s <= scenario.seconds; s++) {
      await sleep(1000, signal);
      log.info('waiting for collectors', { elapsed: `${s}s` });
    }
  } else await sleep(300, signal);

  if (scenario.kind === 'fail') {
    log.error('collector failed', { collector: 'gpu', error: 'nvidia-smi: exit status 9: NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver' });
    log.error('command failed', { error: '[INTERNAL] snapshot collection failed: gpu collector failed', exitCode: 1 });
    return 1;
  }

  const maxNodesPerEntry = Number(env.AICR_MAX_NODES_PER_ENTRY ?? 0);
  log.info('node topology collection complete', { nodes: nodes?.items.length ?? 0 });
  if (scenario.kind === 'no-output') return 0;

  const observations: AgentObservations = {
    nodeName: env.NODE_NAME ?? '',
    ...(node ? { node } : {}),
    ...(nodes ? { nodes: nodes.items } : {}),
    ...(pods ? { images: pods.items.flatMap((p) => p.spec.containers.map((c) => c.image)) } : {}),
    ...(server ? { server } : {}),
    os: env.AICR_OS ?? '',
    maxNodesPerEntry,
    timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  const ref = parseConfigMapUri(output);
  log.info('configmap operation', { namespace: ref.namespace, name: ref.name, auth_method: 'bearer-token', format: 'yaml' });
  log.info('applying ConfigMap', { namespace: ref.namespace, name: ref.name, format: 'yaml' });
  try {
    await client.request(paths.configMap(ref.namespace, ref.name), {
      method: 'PATCH',
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: 'aicr', force: true },
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: ref.name,
          namespace: ref.namespace,
          labels: { 'app.kubernetes.io/name': 'aicr', 'app.kubernetes.io/component': 'Snapshot', 'app.kubernetes.io/version': 'unknown' },
        },
        data: { 'snapshot.yaml': snapshotYaml(buildSnapshot(observations)), format: 'yaml', timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
      },
      signal,
    });
  } catch (err) {
    log.error('command failed', { error: `[INTERNAL] failed to write ConfigMap ${ref.namespace}/${ref.name}: ${(err as Error).message}`, exitCode: 8 });
    return 8;
  }
  return 0;
}
