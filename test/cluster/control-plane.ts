/**
 * etcd, kube-apiserver, kube-controller-manager and kube-scheduler on loopback ports, with the flags
 * a real cluster uses for what the tests exercise: RBAC + Node authorization, service-account tokens
 * (TokenRequest), Pod Security admission, the Job controller, garbage collector and scheduler.
 */
import { writeFile } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { startProcess, stopProcess, waitUntilReady, type ManagedProcess } from './processes.ts';
import type { Pki } from './pki.ts';

export interface ControlPlaneConfig {
  binDir: string;
  dataDir: string;
  pki: Pki;
  /** The static-token file (the exec-plugin user authenticates with a token from it). */
  tokenFile: string;
  ports: { etcdClient: number; etcdPeer: number; apiServer: number; controllerManager: number; scheduler: number };
  /** Feature gates for kube-controller-manager (`Name=false,...`), for what a benchmark must not measure. */
  controllerManagerFeatureGates?: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function allocatePorts(): Promise<ControlPlaneConfig['ports']> {
  const [etcdClient, etcdPeer, apiServer, controllerManager, scheduler] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  return { etcdClient, etcdPeer, apiServer, controllerManager, scheduler } as ControlPlaneConfig['ports'];
}

function httpsOk(url: string, pki: Pki, client?: { cert: string; key: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(
      url,
      {
        ca: readFileSync(pki.caCert),
        ...(client ? { cert: readFileSync(client.cert), key: readFileSync(client.key) } : { rejectUnauthorized: false }),
        timeout: 2_000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

/** A kubeconfig for a control-plane component, authenticating with its client certificate. */
async function componentKubeconfig(file: string, server: string, pki: Pki, certName: string): Promise<string> {
  const { cert, key } = pki.cert(certName);
  await writeFile(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: local, cluster: {server: "' + server + '", certificate-authority: "' + pki.caCert + '"}}]',
      'users: [{name: component, user: {client-certificate: "' + cert + '", client-key: "' + key + '"}}]',
      'contexts: [{name: local, context: {cluster: local, user: component}}]',
      'current-context: local',
      '',
    ].join('\n'),
  );
  return file;
}

export class ControlPlane {
  readonly config: ControlPlaneConfig;
  private etcd: ManagedProcess | undefined;
  private apiServer: ManagedProcess | undefined;
  private controllerManager: ManagedProcess | undefined;
  private scheduler: ManagedProcess | undefined;

  constructor(config: ControlPlaneConfig) {
    this.config = config;
  }

  get server(): string {
    return `https://127.0.0.1:${this.config.ports.apiServer}`;
  }

  /**
   * Compacts etcd's history up to its current revision, as the API server does every few minutes:
   * a watch resuming from an older resourceVersion then gets 410 Gone (for resources without a watch cache).
   */
  async compactEtcd(): Promise<number> {
    const etcd = `http://127.0.0.1:${this.config.ports.etcdClient}`;
    const range = await fetch(`${etcd}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: Buffer.from('/').toString('base64'), limit: 1 }) });
    const revision = Number(((await range.json()) as { header: { revision: string } }).header.revision);
    const compaction = await fetch(`${etcd}/v3/kv/compaction`, { method: 'POST', body: JSON.stringify({ revision, physical: true }) });
    if (!compaction.ok) throw new Error(`etcd compaction failed: HTTP ${compaction.status} ${await compaction.text()}`);
    return revision;
  }

  pids(): number[] {
    return [this.etcd, this.apiServer, this.controllerManager, this.scheduler].flatMap((p) => (p?.child.pid ? [p.child.pid] : []));
  }

  async start(): Promise<void> {
    await this.startEtcd();
    await this.startApiServer();
    await Promise.all([this.startControllerManager(), this.startScheduler()]);
  }

  private bin(name: string): string {
    return path.join(this.config.binDir, name);
  }

  private async startEtcd(): Promise<void> {
    const { ports, dataDir } = this.config;
    const client = `http://127.0.0.1:${ports.etcdClient}`;
    const peer = `http://127.0.0.1:${ports.etcdPeer}`;
    this.etcd = startProcess(
      'etcd',
      this.bin('etcd'),
      [
        '--name=n0',
        `--data-dir=${path.join(dataDir, 'etcd')}`,
        `--listen-client-urls=${client}`,
        `--advertise-client-urls=${client}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=n0=${peer}`,
        '--unsafe-no-fsync=true',
        '--log-level=warn',
      ],
      dataDir,
    );
    await waitUntilReady(this.etcd, async () => (await fetch(`${client}/health`)).ok, 30_000);
  }

  async startApiServer(): Promise<void> {
    const { ports, pki, dataDir, tokenFile } = this.config;
    const serving = pki.cert('apiserver');
    const kubeletClient = pki.cert('apiserver-kubelet-client');
    this.apiServer = startProcess(
      'kube-apiserver',
      this.bin('kube-apiserver'),
      [
        `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${ports.apiServer}`,
        '--advertise-address=127.0.0.1',
        // The default reconciler rejects a loopback advertise address; nothing here needs the kubernetes Endpoints.
        '--endpoint-reconciler-type=none',
        `--tls-cert-file=${serving.cert}`,
        `--tls-private-key-file=${serving.key}`,
        `--cert-dir=${path.join(dataDir, 'apiserver')}`,
        `--client-ca-file=${pki.caCert}`,
        `--token-auth-file=${tokenFile}`,
        '--authorization-mode=Node,RBAC',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${path.join(pki.dir, 'sa.pub')}`,
        `--service-account-signing-key-file=${path.join(pki.dir, 'sa.key')}`,
        '--service-cluster-ip-range=10.0.0.0/24',
        '--allow-privileged=true',
        `--kubelet-client-certificate=${kubeletClient.cert}`,
        `--kubelet-client-key=${kubeletClient.key}`,
        `--kubelet-certificate-authority=${pki.caCert}`,
        '--kubelet-preferred-address-types=InternalIP',
        // ConfigMap watches go straight to etcd, so a test can make a watch's resourceVersion expire (410) for real.
        '--watch-cache-sizes=configmaps#0',
      ],
      dataDir,
    );
    await waitUntilReady(this.apiServer, () => httpsOk(`${this.server}/readyz`, pki, pki.cert('admin')), 60_000);
  }

  /** kube-controller-manager or kube-scheduler: its own client certificate, loopback health port, no leader election. */
  private async startComponent(binary: string, certName: string, port: number, extraArgs: string[]): Promise<ManagedProcess> {
    const { pki, dataDir } = this.config;
    const kubeconfig = await componentKubeconfig(path.join(dataDir, `${certName}.kubeconfig`), this.server, pki, certName);
    const proc = startProcess(
      binary,
      this.bin(binary),
      [
        `--kubeconfig=${kubeconfig}`,
        `--authentication-kubeconfig=${kubeconfig}`,
        `--authorization-kubeconfig=${kubeconfig}`,
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
        `--secure-port=${port}`,
        ...extraArgs,
      ],
      dataDir,
    );
    try {
      await waitUntilReady(proc, () => httpsOk(`https://127.0.0.1:${port}/healthz`, pki), 60_000);
    } catch (err) {
      await stopProcess(proc);
      throw err;
    }
    return proc;
  }

  private async startControllerManager(): Promise<void> {
    const { ports, pki } = this.config;
    this.controllerManager = await this.startComponent('kube-controller-manager', 'controller-manager', ports.controllerManager, [
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${path.join(pki.dir, 'sa.key')}`,
      `--root-ca-file=${pki.caCert}`,
      '--kube-api-qps=200',
      '--kube-api-burst=400',
      ...(this.config.controllerManagerFeatureGates ? [`--feature-gates=${this.config.controllerManagerFeatureGates}`] : []),
    ]);
  }

  private async startScheduler(): Promise<void> {
    this.scheduler = await this.startComponent('kube-scheduler', 'scheduler', this.config.ports.scheduler, []);
  }

  /** Stops and starts kube-apiserver with the same flags and ports (watch-resilience tests). */
  async restartApiServer(): Promise<void> {
    if (this.apiServer) await stopProcess(this.apiServer);
    await this.startApiServer();
  }

  async stop(): Promise<void> {
    await Promise.all([this.scheduler, this.controllerManager].map((p) => p && stopProcess(p)));
    if (this.apiServer) await stopProcess(this.apiServer);
    if (this.etcd) await stopProcess(this.etcd);
  }
}
