/**
 * The Deployer: the reference package's API (CheckPermissions, Deploy, WaitForCompletion,
 * WaitForPodReady, StreamLogs, GetPodLogs, GetSnapshot, Cleanup) for one kubeconfig context. Every
 * method takes an AbortSignal; progress goes to the onEvent listener; nothing is printed.
 */
import { assertValidAgentConfig, type AgentConfig } from '../../shared/agent-config.ts';
import { ErrorCode, newError, wrapError } from '../../shared/errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { clientForContext, type ContextSelection } from '../kube/context.ts';
import { isNotFound, isNetworkError, KubeCredentialError } from '../kube/errors.ts';
import { paths } from '../kube/paths.ts';
import { agentResources, deleteAgentResources, type CleanupResult } from './cleanup.ts';
import { CLUSTER_ROLE_NAME, JOB_COMPLETION_TIMEOUT_MS, POD_READY_TIMEOUT_MS, RUNTIME_CLASS_CHECK_TIMEOUT_MS } from './constants.ts';
import type { DeployerEvent, DeployerEventListener, DeployerPhase, ResourceAction } from './events.ts';
import { recreateJob } from './job-lifecycle.ts';
import { findJobPod, getPodLogs, streamLogs } from './logs.ts';
import { buildJob } from './manifests/job.ts';
import { buildClusterRole, buildClusterRoleBinding, buildNamespace, buildRole, buildRoleBinding, buildServiceAccount } from './manifests/rbac.ts';
import type { Job } from './manifests/types.ts';
import { checkPermissions, missingPermissionsError, type PermissionCheck } from './permissions.ts';
import { createOrReuse, createOrUpdate, ensureNamespace } from './reconcile.ts';
import { getSnapshot, outputVersion } from './snapshot.ts';
import { waitForCompletion, waitForPodReady, type RunningJob } from './wait.ts';

export interface DeployerOptions {
  onEvent?: DeployerEventListener;
}

export interface CleanupOptions {
  /** False keeps everything for debugging (the reference's --no-cleanup). */
  enabled: boolean;
}

const UNREACHABLE_GUIDANCE =
  'cannot reach Kubernetes API server\n\nCheck your network connectivity:\n  - Is your VPN connected?\n  - Is the cluster endpoint correct in your kubeconfig?\n  - Are firewall rules allowing egress to the API server?';
const INSUFFICIENT_PERMISSIONS_GUIDANCE = 'insufficient permissions to deploy agent\n\nTo deploy the agent, you need cluster admin privileges.';
const CREDENTIAL_GUIDANCE =
  'cannot obtain credentials for the cluster\n\nThe kubeconfig user runs a credential plugin that failed. Check that the plugin (for example aws, gke-gcloud-auth-plugin or kubelogin) is installed, on PATH, and logged in.';

function hasCredentialCause(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = (e as Error).cause) if (e instanceof KubeCredentialError) return true;
  return false;
}

export class Deployer {
  readonly config: AgentConfig;
  readonly client: KubeClient;
  private readonly listener: DeployerEventListener | undefined;
  private job: RunningJob | undefined;
  private changedCluster = false;
  private phase: DeployerPhase | undefined;
  private lastPodSummary = '';
  /** The output ConfigMap's resourceVersion when this Deployer created its Job. */
  private previousOutputVersion: string | undefined;

  /** A Deployer for a named context of the user's kubeconfig (kubectl loading rules). */
  static forContext(selection: ContextSelection, config: AgentConfig, options: DeployerOptions = {}): Deployer {
    return new Deployer(clientForContext(selection), config, options);
  }

  constructor(client: KubeClient, config: AgentConfig, options: DeployerOptions = {}) {
    assertValidAgentConfig(config);
    this.client = client;
    this.config = config;
    this.listener = options.onEvent;
  }

  /** True once deploy got past its checks and started creating objects, i.e. there may be something to clean up. */
  get hasChangedCluster(): boolean {
    return this.changedCluster;
  }

  /** Reports progress through the listener; also used by orchestration code (run.ts) for its warnings. */
  emit(event: DeployerEvent): void {
    if (event.type === 'phase') {
      if (event.phase === this.phase) return;
      this.phase = event.phase;
    }
    // Several watches see the same pod; listeners hear about each change once.
    if (event.type === 'pod') {
      const summary = JSON.stringify(event.pod);
      if (summary === this.lastPodSummary) return;
      this.lastPodSummary = summary;
    }
    this.listener?.(event);
    // The pod leaving Pending is what "running" means to a user watching the run.
    if (event.type === 'pod' && event.pod.phase !== 'Pending' && this.phase === 'waiting-for-pod') this.emit({ type: 'phase', phase: 'running' });
  }

  private resource(kind: string, name: string, action: ResourceAction, namespace?: string): void {
    this.emit({ type: 'resource', kind, name, action, ...(namespace ? { namespace } : {}) });
  }

  /** Every required permission and whether the current user has it; throws only when the checks cannot run. */
  checkPermissions(signal: AbortSignal): Promise<PermissionCheck[]> {
    return checkPermissions(this.client, this.config.namespace, signal);
  }

  /** Permission pre-flight, RuntimeClass check, Namespace, RBAC, then a fresh Job. Creates nothing when refused. */
  async deploy(signal: AbortSignal): Promise<void> {
    this.emit({ type: 'phase', phase: 'checking-permissions' });
    let checks: PermissionCheck[];
    try {
      checks = await this.checkPermissions(signal);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (isNetworkError(err)) throw wrapError(ErrorCode.ServiceUnavailable, UNREACHABLE_GUIDANCE, err);
      if (hasCredentialCause(err)) throw wrapError(ErrorCode.Unauthorized, CREDENTIAL_GUIDANCE, err);
      throw wrapError(ErrorCode.Unauthorized, INSUFFICIENT_PERMISSIONS_GUIDANCE, err);
    }
    const missing = missingPermissionsError(checks);
    if (missing) throw wrapError(ErrorCode.Unauthorized, INSUFFICIENT_PERMISSIONS_GUIDANCE, missing, { checks });
    if (this.config.runtimeClassName !== '') await this.validateRuntimeClass(signal);

    this.emit({ type: 'phase', phase: 'deploying' });
    this.changedCluster = true;
    await this.applyNamespaceAndRbac(signal);
    this.previousOutputVersion = await outputVersion(this.client, this.config.output, signal);
    const { namespace, jobName } = this.config;
    const created = await recreateJob(this.client, buildJob(this.config), signal, () => this.resource('Job', jobName, 'deleted', namespace));
    this.resource('Job', jobName, 'created', namespace);
    this.job = this.runningJobFrom(created);
    this.emit({ type: 'phase', phase: 'waiting-for-pod' });
  }

  /** Namespace, ServiceAccount, then Role, RoleBinding, ClusterRole, ClusterRoleBinding, in the reference's order. */
  private async applyNamespaceAndRbac(signal: AbortSignal): Promise<void> {
    const { namespace, serviceAccountName } = this.config;
    // A cancelled request surfaces as the cancellation, not as a failure to create something.
    const attempt = async (run: () => Promise<void>, wrap: (err: unknown) => unknown = (err) => err) => {
      try {
        await run();
      } catch (err) {
        throw signal.aborted ? signal.reason : wrap(err);
      }
    };
    await attempt(
      async () => this.resource('Namespace', namespace, await ensureNamespace(this.client, buildNamespace(this.config), signal)),
      (err) => wrapError(ErrorCode.Internal, 'failed to ensure namespace', err),
    );
    const sa = buildServiceAccount(this.config);
    await attempt(async () => this.resource('ServiceAccount', serviceAccountName, await createOrReuse(this.client, paths.serviceAccounts(namespace), sa, signal), namespace));
    const mutable = [
      { manifest: buildRole(this.config), collection: paths.roles(namespace), object: paths.role(namespace, serviceAccountName) },
      { manifest: buildRoleBinding(this.config), collection: paths.roleBindings(namespace), object: paths.roleBinding(namespace, serviceAccountName) },
      { manifest: buildClusterRole(), collection: paths.clusterRoles(), object: paths.clusterRole(CLUSTER_ROLE_NAME) },
      { manifest: buildClusterRoleBinding(this.config), collection: paths.clusterRoleBindings(), object: paths.clusterRoleBinding(CLUSTER_ROLE_NAME) },
    ];
    for (const { manifest, collection, object } of mutable) {
      await attempt(async () => {
        const action = await createOrUpdate(this.client, collection, object, manifest, signal);
        this.resource(manifest.kind as string, manifest.metadata.name as string, action, manifest.metadata.namespace);
      });
    }
  }

  private async validateRuntimeClass(signal: AbortSignal): Promise<void> {
    const name = this.config.runtimeClassName;
    try {
      await this.client.request(paths.runtimeClass(name), { signal, timeoutMs: RUNTIME_CLASS_CHECK_TIMEOUT_MS });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (isNotFound(err)) {
        throw newError(
          ErrorCode.NotFound,
          `RuntimeClass "${name}" not found in cluster; the GPU Operator may not be installed yet.\n\nThe --runtime-class flag requires a RuntimeClass to be registered in the cluster.\nIf GPU Operator is not yet installed, omit --runtime-class and use --node-selector\nto target a GPU node instead.`,
        );
      }
      throw wrapError(ErrorCode.Internal, `failed to check RuntimeClass "${name}"`, err);
    }
  }

  private runningJobFrom(job: Job): RunningJob {
    return {
      client: this.client,
      namespace: this.config.namespace,
      name: this.config.jobName,
      uid: job.metadata.uid as string,
      onEvent: (e) => this.emit(e),
    };
  }

  /** The Job this Deployer created, or the one of that name in the cluster (for a Deployer that did not deploy it). */
  private async runningJob(signal: AbortSignal): Promise<RunningJob> {
    if (this.job) return this.job;
    try {
      const job = await this.client.request<Job>(paths.job(this.config.namespace, this.config.jobName), { signal });
      this.job = this.runningJobFrom(job);
      return this.job;
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw wrapError(ErrorCode.Internal, 'failed to get Job', err);
    }
  }

  /** Waits (watching) until the Job is Complete; rejects early on failure, a stuck pod or a pod that cannot be created. */
  async waitForCompletion(timeoutMs: number, signal: AbortSignal): Promise<void> {
    const job = await this.runningJob(signal);
    await waitForCompletion(job, timeoutMs > 0 ? timeoutMs : JOB_COMPLETION_TIMEOUT_MS, signal);
  }

  /** Waits (watching) until the agent pod is Ready or already finished; resolves with its name. */
  async waitForPodReady(timeoutMs: number, signal: AbortSignal): Promise<string> {
    const job = await this.runningJob(signal);
    const pod = await waitForPodReady(job, timeoutMs > 0 ? timeoutMs : POD_READY_TIMEOUT_MS, signal);
    return pod.metadata.name as string;
  }

  /**
   * Follows the agent's logs until its container ends, as `log` events and through `onLine`.
   * Waits for the pod to start first (up to the reference's 2 minutes).
   */
  async streamLogs(signal: AbortSignal, onLine?: (line: string) => void): Promise<void> {
    const job = await this.runningJob(signal);
    const podName = await this.waitForPodReady(POD_READY_TIMEOUT_MS, signal);
    await streamLogs(
      job,
      podName,
      (line) => {
        this.emit({ type: 'log', line });
        onLine?.(line);
      },
      signal,
    );
  }

  /** The agent pod's logs so far, or only the last `tailLines`. */
  async getPodLogs(signal: AbortSignal, tailLines?: number): Promise<string> {
    const job = await this.runningJob(signal);
    let pod;
    try {
      pod = await findJobPod(job, signal);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw wrapError(ErrorCode.Internal, 'failed to find pod for log retrieval', err);
    }
    if (!pod) throw wrapError(ErrorCode.Internal, 'failed to find pod for log retrieval', newError(ErrorCode.NotFound, `no Pods found for Job ${job.name}`));
    return getPodLogs(job, pod.metadata.name as string, signal, tailLines);
  }

  /** The snapshot YAML from the output ConfigMap. */
  getSnapshot(signal: AbortSignal): Promise<string> {
    this.emit({ type: 'phase', phase: 'retrieving-snapshot' });
    return getSnapshot(this.client, this.config.output, signal, this.previousOutputVersion);
  }

  /** Deletes the Job and the five RBAC objects, all attempted concurrently; the namespace and snapshot ConfigMap stay. */
  async cleanup(options: CleanupOptions, signal: AbortSignal): Promise<CleanupResult> {
    if (!options.enabled) return { deleted: [], absent: [] };
    this.emit({ type: 'phase', phase: 'cleaning-up' });
    const result = await deleteAgentResources(this.client, agentResources(this.config), signal);
    for (const r of result.deleted) this.resource(r.kind, r.name, 'deleted', r.namespace);
    return result;
  }
}
