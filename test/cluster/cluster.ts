/**
 * The whole test cluster in one call: certificates, the four control-plane processes, the kubeconfig,
 * fixtures and the simulated nodes, ready when the nodes are schedulable.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { KubeClient } from '../../electron/kube/client.ts';
import { loadKubeconfig, resolveContext } from '../../electron/kube/kubeconfig.ts';
import { paths } from '../../electron/kube/paths.ts';
import { watchUntil } from '../../electron/kube/watch.ts';
import { allocatePorts, ControlPlane, freePort } from './control-plane.ts';
import { applyFixtures } from './fixtures.ts';
import { startKubeletServer, LogStore } from './kubelet-logs.ts';
import { CONTEXTS, EXEC_USER, writeKubeconfig } from './kubeconfig.ts';
import { NodeSimulator, SIMULATED_NODES } from './node-simulator.ts';
import { createPki } from './pki.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Builds the control-plane binaries, or finds them cached; returns their directory. */
async function controlPlaneBinaries(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(path.join(here, 'build-binaries.sh'), { maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim().split('\n').at(-1) as string;
  } catch (err) {
    throw new Error(`cannot build the test control plane (needs Go, see README): ${(err as { stderr?: string }).stderr ?? (err as Error).message}`, { cause: err });
  }
}

export interface RunningCluster {
  dir: string;
  kubeconfig: string;
  server: string;
  pids(): number[];
  restartApiServer(): Promise<void>;
  compactEtcd(): Promise<number>;
  stop(): Promise<void>;
}

function adminClient(kubeconfig: string): KubeClient {
  return new KubeClient(resolveContext(loadKubeconfig({ kubeconfigPath: kubeconfig }), CONTEXTS.admin));
}

interface NodeStatus {
  metadata: { name: string };
  spec?: { taints?: { key: string }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

/** Nodes are usable once Ready and the node-lifecycle controller has lifted the not-ready taint. */
async function waitForSchedulableNodes(admin: KubeClient, timeoutMs: number): Promise<void> {
  const names = new Set(SIMULATED_NODES.map((n) => n.name));
  await watchUntil<NodeStatus, true>(
    admin,
    { path: paths.nodes() },
    (_change, nodes) => {
      const ready = [...nodes.values()].filter(
        (n) =>
          names.has(n.metadata.name) &&
          n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
          !n.spec?.taints?.some((t) => t.key.startsWith('node.kubernetes.io/')),
      );
      return ready.length === names.size ? true : undefined;
    },
    { signal: AbortSignal.timeout(timeoutMs) },
  );
}

/** The default ServiceAccount shows the controller manager is working before tests create pods. */
async function waitForDefaultServiceAccount(admin: KubeClient, timeoutMs: number): Promise<void> {
  await watchUntil(admin, { path: paths.serviceAccounts('default'), fieldSelector: 'metadata.name=default' }, (_c, sas) => (sas.size > 0 ? true : undefined), {
    signal: AbortSignal.timeout(timeoutMs),
  });
}

export async function startCluster(dir: string, log: (message: string) => void = () => {}, controllerManagerFeatureGates?: string): Promise<RunningCluster> {
  const started = Date.now();
  const binDir = await controlPlaneBinaries();
  const pkiDir = path.join(dir, 'pki');
  const dataDir = path.join(dir, 'data');
  await mkdir(pkiDir, { recursive: true });
  await mkdir(dataDir, { recursive: true });

  const pki = await createPki(pkiDir, [
    { name: 'apiserver', commonName: 'kube-apiserver', usage: 'server', altNames: ['IP:127.0.0.1', 'DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local', 'IP:10.0.0.1'] },
    { name: 'kubelet', commonName: 'simulated-kubelet', usage: 'server', altNames: ['IP:127.0.0.1', 'DNS:localhost'] },
    { name: 'admin', commonName: 'aicr-admin', organization: 'system:masters', usage: 'client' },
    { name: 'restricted', commonName: 'aicr-restricted-user', usage: 'client' },
    { name: 'controller-manager', commonName: 'system:kube-controller-manager', usage: 'client' },
    { name: 'scheduler', commonName: 'system:kube-scheduler', usage: 'client' },
    { name: 'apiserver-kubelet-client', commonName: 'kube-apiserver-kubelet-client', organization: 'system:masters', usage: 'client' },
  ]);
  const execToken = randomBytes(24).toString('hex');
  const tokenFile = path.join(pkiDir, 'tokens.csv');
  await writeFile(tokenFile, `${execToken},${EXEC_USER},${EXEC_USER}\n`);

  const controlPlane = new ControlPlane({ binDir, dataDir, pki, tokenFile, ports: await allocatePorts(), controllerManagerFeatureGates });
  try {
    await controlPlane.start();
  } catch (err) {
    await controlPlane.stop();
    throw err;
  }
  log(`control plane ready after ${Date.now() - started}ms`);
  const kubeconfig = await writeKubeconfig({ dir, server: controlPlane.server, unreachableServer: `https://127.0.0.1:${await freePort()}`, pki, execToken });
  const admin = adminClient(kubeconfig);

  const logs = new LogStore();
  const simulator = new NodeSimulator({
    admin,
    kubernetesVersion: (await admin.request<{ gitVersion: string }>(paths.version())).gitVersion,
    logs,
    server: controlPlane.server,
    caData: (await readFile(pki.caCert)).toString('base64'),
    onError: (message) => log(`node simulator: ${message}`),
  });
  const kubelet = await startKubeletServer(logs, simulator, { ...pki.cert('kubelet'), ca: pki.caCert });
  const stop = async () => {
    await simulator.stop();
    await kubelet.close();
    await controlPlane.stop();
  };
  try {
    await applyFixtures(admin);
    await simulator.start(kubelet.port);
    await Promise.all([waitForSchedulableNodes(admin, 60_000), waitForDefaultServiceAccount(admin, 60_000)]);
  } catch (err) {
    await stop();
    throw err;
  }
  log(`cluster ready after ${Date.now() - started}ms`);
  return {
    dir,
    kubeconfig,
    server: controlPlane.server,
    pids: () => controlPlane.pids(),
    restartApiServer: () => controlPlane.restartApiServer(),
    compactEtcd: () => controlPlane.compactEtcd(),
    stop,
  };
}
