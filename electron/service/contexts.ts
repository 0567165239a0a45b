/**
 * The user's kubeconfig contexts for the app: listed with what a picker shows, each with its own
 * client (credentials stay here, in main), probed for reachability, version and identity without
 * blocking on slow or dead clusters, and read for the form's suggestions (nodes, namespaces,
 * RuntimeClasses). Every operation names its context; there is no "current cluster" here.
 */
import { toPlainError } from '../../shared/errors.ts';
import type { ClusterInventory, ContextProbe, ContextSummary } from '../../shared/contract.ts';
import { redactUrl } from '../../shared/terminal-text.ts';
import { connectionFailure } from '../agent/failures.ts';
import { KubeClient } from '../kube/client.ts';
import { loadKubeconfig, resolveContext, type KubeconfigSource, type LoadedKubeconfig } from '../kube/kubeconfig.ts';
import { paths } from '../kube/paths.ts';
import { listNodes } from '../kube/node-list.ts';
import { toNodeTable } from '../../shared/node-table.ts';

const PROBE_TIMEOUT_MS = 5_000;
/** An inventory read ahead at start-up is handed to the window if it asks within this time. */
const INVENTORY_AHEAD_FRESH_MS = 15_000;
const INVENTORY_AHEAD_TIMEOUT_MS = 30_000;

export class ContextRegistry {
  private readonly source: KubeconfigSource;
  private loaded: LoadedKubeconfig | undefined;
  private readonly clients = new Map<string, KubeClient>();
  private readonly inventoriesAhead = new Map<string, { at: number; inventory: Promise<ClusterInventory> }>();

  constructor(source: KubeconfigSource) {
    this.source = source;
  }

  /** Forgets the loaded kubeconfig and clients (the files changed). */
  reload(): void {
    this.loaded = undefined;
    this.clients.clear();
    this.inventoriesAhead.clear();
  }

  private kubeconfig(): LoadedKubeconfig {
    this.loaded ??= loadKubeconfig(this.source);
    return this.loaded;
  }

  list(): ContextSummary[] {
    const loaded = this.kubeconfig();
    return loaded.contexts.map((c) => ({
      name: c.name,
      cluster: c.cluster,
      user: c.user,
      namespace: c.namespace ?? 'default',
      server: redactUrl(loaded.clusters.find((cl) => cl.name === c.cluster)?.server ?? ''),
      file: c.file,
      current: c.name === loaded.currentContext,
    }));
  }

  /** The context's client (one per context, reused by every run on it). */
  client(name: string): KubeClient {
    let client = this.clients.get(name);
    if (!client) {
      client = new KubeClient(resolveContext(this.kubeconfig(), name));
      this.clients.set(name, client);
    }
    return client;
  }

  async probe(name: string, signal: AbortSignal): Promise<ContextProbe> {
    const scoped = AbortSignal.any([signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)]);
    try {
      const client = this.client(name);
      const [version, review] = await Promise.all([
        client.request<{ gitVersion: string }>(paths.version(), { signal: scoped, timeoutMs: PROBE_TIMEOUT_MS }),
        client
          .request<{ status?: { userInfo?: { username?: string; groups?: string[] } } }>('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
            method: 'POST',
            body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
            signal: scoped,
            timeoutMs: PROBE_TIMEOUT_MS,
          })
          .catch(() => undefined),
      ]);
      const user = review?.status?.userInfo;
      return { reachable: true, serverVersion: version.gitVersion, ...(user?.username ? { username: user.username, groups: user.groups ?? [] } : {}) };
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      return { reachable: false, error: toPlainError(connectionFailure(err, `cannot probe context ${name}`)) };
    }
  }

  /**
   * Starts reading the current context's inventory while the window loads: on a big cluster the node
   * list is the form's slowest answer, and the window asks for it first. Used once, if fresh.
   */
  readAheadCurrentInventory(): void {
    let name: string | undefined;
    try {
      name = this.kubeconfig().currentContext;
    } catch {
      return; // a broken kubeconfig is reported when the window lists the contexts
    }
    if (!name) return;
    const inventory = this.readInventory(name, AbortSignal.timeout(INVENTORY_AHEAD_TIMEOUT_MS));
    inventory.catch(() => undefined); // a read ahead that failed is read again when asked for
    this.inventoriesAhead.set(name, { at: Date.now(), inventory });
  }

  async inventory(name: string, signal: AbortSignal): Promise<ClusterInventory> {
    const ahead = this.inventoriesAhead.get(name);
    this.inventoriesAhead.delete(name);
    if (ahead && Date.now() - ahead.at < INVENTORY_AHEAD_FRESH_MS) {
      const aborted = new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      try {
        return await Promise.race([ahead.inventory, aborted]);
      } catch {
        signal.throwIfAborted();
      }
    }
    return this.readInventory(name, signal);
  }

  private async readInventory(name: string, signal: AbortSignal): Promise<ClusterInventory> {
    const client = this.client(name);
    // Each list on its own: a user who may not list nodes still gets namespaces, and so on.
    const orNone = async <T>(read: Promise<T>, none: T): Promise<T> => {
      try {
        return await read;
      } catch {
        if (signal.aborted) throw signal.reason;
        return none;
      }
    };
    const names = async (path: string) => (await client.request<{ items: { metadata: { name: string } }[] }>(path, { signal })).items.map((item) => item.metadata.name);
    const [nodes, namespaces, runtimeClasses] = await Promise.all([
      orNone(listNodes(client, signal), toNodeTable([])),
      orNone(names(paths.namespaces()), []),
      orNone(names('/apis/node.k8s.io/v1/runtimeclasses'), []),
    ]);
    return { nodes, namespaces, runtimeClasses };
  }
}
