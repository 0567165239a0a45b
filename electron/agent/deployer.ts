/**
 * The Deployer: the reference package's API (CheckPermissions, Deploy, WaitForCompletion,
 * WaitForPodReady, StreamLogs, GetPodLogs, GetSnapshot, Cleanup) for one run on one kubeconfig
 * context. Every object it creates is run-scoped and recorded in its ledger; cleanup deletes exactly
 * those (UID-pinned), never anything that existed before. Every method takes an AbortSignal; progress
 * goes to the onEvent listener; nothing is printed.
 */
import { agentOutputUri, assertValidAgentConfig, ownsOutputConfigMap, type AgentConfig } from '../../shared/agent-config.ts';
import { ErrorCode, newError, wrapError } from '../../shared/errors.ts';
import { runNames, type RunNames } from '../../shared/run-names.ts';
import type { KubeClient } from '../kube/client.ts';
import { clientForContext, type ContextSelection } from '../kube/context.ts';
import { isNotFound } from '../kube/errors.ts';
import { paths } from '../kube/paths.ts';
import { JOB_COMPLETION_TIMEOUT_MS, POD_READY_TIMEOUT_MS, RUNTIME_CLASS_CHECK_TIMEOUT_MS } from './constants.ts';
import { RunEventEmitter, type DeployerEvent, type ResourceAction, type RunEventListener, type RunPhase } from './events.ts';
import { connectionFailure, INSUFFICIENT_PERMISSIONS_GUIDANCE } from './failures.ts';
import type { LogLines } from './log-lines.ts';
import { findJobPod, getPodLogs, streamLogs } from './logs.ts';
import { buildJob } from './manifests/job.ts';
import { buildClusterRole, buildClusterRoleBinding, buildNamespace, buildRole, buildRoleBinding, buildServiceAccount, buildStagingConfigMap } from './manifests/rbac.ts';
import type { ConfigMap, Job, KubeObject } from './manifests/types.ts';
import { describeObject, RunLedger, type DeletionResult, type OwnedObject } from './owned.ts';
import { checkPermissions, missingPermissionsError, type PermissionCheck } from './permissions.ts';
import { anyNodeCanHost, GPU_NODE_SELECTOR, gpuNodes, wantsAutoTargeting } from './placement.ts';
import { PodStates } from './pod-states.ts';
import { unschedulableError, type Pod } from './pod-status.ts';
import { ensureNamespace } from './reconcile.ts';
import { getSnapshot, lacksGpuData, outputVersion } from './snapshot.ts';
import { waitForCompletion, waitForPodReady, type CompletionSettle, type RunningJob } from './wait.ts';

export interface DeployerOptions {
  onEvent?: RunEventListener;
}

export interface CleanupOptions {
  /** False keeps everything for debugging (the reference's --no-cleanup). */
  enabled: boolean;
  /** Keep the staging ConfigMap (the snapshot could not be delivered and is still only there). */
  keepSnapshot?: boolean;
}

export class Deployer {
  readonly client: KubeClient;
  readonly names: RunNames;
  private currentConfig: AgentConfig;
  private readonly events: RunEventEmitter;
  private readonly ledger: RunLedger;
  private job: RunningJob | undefined;
  private phase: RunPhase | undefined;
  private lastPodSummary = '';
  private lastPodNode: string | undefined;
  /** The output ConfigMap's resourceVersion before the agent ran (created empty, or as it was). */
  private staleOutputVersion: string | undefined;
  private namespaceTouched = false;

  /** A Deployer for a named context of the user's kubeconfig (kubectl loading rules). */
  static forContext(selection: ContextSelection, config: AgentConfig, options: DeployerOptions = {}): Deployer {
    return new Deployer(clientForContext(selection), config, options);
  }

  constructor(client: KubeClient, config: AgentConfig, options: DeployerOptions = {}) {
    assertValidAgentConfig(config);
    this.client = client;
    this.currentConfig = config;
    this.names = runNames(config);
    this.events = new RunEventEmitter(config.runId, options.onEvent);
    this.ledger = new RunLedger(config.runId);
  }

  get runId(): string {
    return this.currentConfig.runId;
  }

  /** The configuration in effect (after GPU auto-targeting, if it applied). */
  get config(): AgentConfig {
    return this.currentConfig;
  }

  /** True once deploy started changing the cluster, i.e. there may be something to clean up or report. */
  get hasChangedCluster(): boolean {
    return this.namespaceTouched || this.ledger.remaining.length > 0;
  }

  /** Run-owned objects that may still exist: what a failed or interrupted cleanup leaves behind. */
  get remainingObjects(): readonly OwnedObject[] {
    return this.ledger.remaining;
  }

  /** Reports progress through the listener; also used by orchestration code (run.ts). */
  emit(event: DeployerEvent): Promise<void> {
    if (event.type === 'phase') {
      if (event.phase === this.phase) return Promise.resolve();
      this.phase = event.phase;
    }
    // Several watches see the same pod; listeners hear about each change once.
    if (event.type === 'pod') {
      const summary = JSON.stringify(event.pod);
      if (summary === this.lastPodSummary) return Promise.resolve();
      this.lastPodSummary = summary;
      this.lastPodNode = event.pod.node ?? this.lastPodNode;
    }
    const delivered = this.events.emit(event);
    // The pod leaving Pending is what "running" means to a user watching the run.
    if (event.type === 'pod' && event.pod.phase !== 'Pending' && this.phase === 'waiting-for-pod') void this.emit({ type: 'phase', phase: 'running' });
    return delivered;
  }

  private resource(object: KubeObject | OwnedObject, action: ResourceAction): void {
    const meta = 'metadata' in object ? object.metadata : object;
    void this.emit({ type: 'resource', kind: object.kind as string, name: meta.name as string, action, ...(meta.namespace ? { namespace: meta.namespace } : {}) });
  }

  /** Every required permission and whether the current user has it; throws only when the checks cannot run. */
  checkPermissions(signal: AbortSignal): Promise<PermissionCheck[]> {
    return checkPermissions(this.client, this.currentConfig, signal);
  }

  /** Pre-flight (permissions, RuntimeClass, placement), then Namespace, RBAC, staging ConfigMap and Job. Creates nothing when refused. */
  async deploy(signal: AbortSignal): Promise<void> {
    void this.emit({ type: 'phase', phase: 'checking-permissions' });
    let checks: PermissionCheck[];
    try {
      checks = await this.checkPermissions(signal);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw connectionFailure(err, 'the permission checks failed');
    }
    const missing = missingPermissionsError(checks);
    if (missing) throw wrapError(ErrorCode.Unauthorized, INSUFFICIENT_PERMISSIONS_GUIDANCE, missing, { checks });
    if (this.currentConfig.runtimeClassName !== '') await this.validateRuntimeClass(signal);
    await this.targetGpuNodes(signal);

    void this.emit({ type: 'phase', phase: 'deploying' });
    await this.createObjects(signal);
    void this.emit({ type: 'phase', phase: 'waiting-for-pod' });
  }

  /** No placement constraint given and the cluster has GPU nodes: aim at them rather than wherever the scheduler likes. */
  private async targetGpuNodes(signal: AbortSignal): Promise<void> {
    if (!wantsAutoTargeting(this.currentConfig)) return;
    const gpus = await gpuNodes(this.client, signal);
    if (!gpus || gpus.length === 0) return;
    this.currentConfig = { ...this.currentConfig, nodeSelector: { ...GPU_NODE_SELECTOR } };
    void this.emit({
      type: 'warning',
      message: `no node selector given: targeting GPU nodes (${Object.entries(GPU_NODE_SELECTOR).map(([k, v]) => `${k}=${v}`).join(',')}, ${gpus.length} in the cluster); pass --node-selector to choose nodes yourself`,
    });
  }

  private async createObjects(signal: AbortSignal): Promise<void> {
    const config = this.currentConfig;
    const { namespace } = config;
    this.namespaceTouched = true;
    try {
      this.resource(buildNamespace(config), await ensureNamespace(this.client, buildNamespace(config), signal));
    } catch (err) {
      throw signal.aborted ? signal.reason : err;
    }
    const { serviceAccount, clusterRole } = this.names;
    const create = async <T extends KubeObject>(collection: string, object: string, manifest: T): Promise<T> => {
      const created = await this.ledger.create(this.client, collection, object, manifest, signal);
      this.resource(created, 'created');
      return created;
    };
    await create(paths.serviceAccounts(namespace), paths.serviceAccount(namespace, serviceAccount), buildServiceAccount(config));
    await create(paths.roles(namespace), paths.role(namespace, serviceAccount), buildRole(config));
    await create(paths.roleBindings(namespace), paths.roleBinding(namespace, serviceAccount), buildRoleBinding(config));
    await create(paths.clusterRoles(), paths.clusterRole(clusterRole), buildClusterRole(config));
    await create(paths.clusterRoleBindings(), paths.clusterRoleBinding(clusterRole), buildClusterRoleBinding(config));
    if (ownsOutputConfigMap(config)) {
      const staging = await create<ConfigMap>(paths.configMaps(namespace), paths.configMap(namespace, this.names.stagingConfigMap), buildStagingConfigMap(config));
      this.staleOutputVersion = staging.metadata.resourceVersion;
    } else {
      this.staleOutputVersion = await outputVersion(this.client, config.output, signal);
    }
    const job = await create<Job>(paths.jobs(namespace), paths.job(namespace, this.names.job), buildJob(config));
    this.job = this.runningJobFrom(job.metadata.uid as string);
  }

  private async validateRuntimeClass(signal: AbortSignal): Promise<void> {
    const name = this.currentConfig.runtimeClassName;
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
      throw connectionFailure(err, `failed to check RuntimeClass "${name}"`);
    }
  }

  private runningJobFrom(uid: string): RunningJob {
    const { nodeSelector, tolerations } = this.currentConfig;
    return {
      client: this.client,
      namespace: this.currentConfig.namespace,
      name: this.names.job,
      uid,
      onEvent: (e) => this.emit(e),
      pods: new PodStates(),
      judgeUnschedulable: async (pod: Pod, signal: AbortSignal) => ((await anyNodeCanHost(this.client, nodeSelector, tolerations, signal)) === false ? unschedulableError(pod) : undefined),
    };
  }

  /** This run's Job: the one deploy created, or the cluster's Job of this run's name (for a Deployer attaching to a run). */
  private async runningJob(signal: AbortSignal): Promise<RunningJob> {
    if (this.job) return this.job;
    try {
      const job = await this.client.request<Job>(paths.job(this.currentConfig.namespace, this.names.job), { signal });
      this.job = this.runningJobFrom(job.metadata.uid as string);
      return this.job;
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (isNotFound(err)) throw wrapError(ErrorCode.NotFound, `run ${this.runId} has no Job ${this.currentConfig.namespace}/${this.names.job}`, err);
      throw connectionFailure(err, 'failed to get Job');
    }
  }

  /** Waits (watching) until the Job is Complete, or its agent pod succeeded when `settle` allows; rejects early on failure, a stuck pod or a pod that cannot be created. */
  async waitForCompletion(timeoutMs: number, signal: AbortSignal, settle: CompletionSettle = 'job-complete'): Promise<void> {
    const job = await this.runningJob(signal);
    await waitForCompletion(job, timeoutMs > 0 ? timeoutMs : JOB_COMPLETION_TIMEOUT_MS, settle, signal);
  }

  /** Waits (watching) until the agent pod is Ready or already finished; resolves with its name. */
  async waitForPodReady(timeoutMs: number, signal: AbortSignal): Promise<string> {
    const job = await this.runningJob(signal);
    const pod = await waitForPodReady(job, timeoutMs > 0 ? timeoutMs : POD_READY_TIMEOUT_MS, signal);
    return pod.metadata.name as string;
  }

  /**
   * Follows the agent's logs until its container ends, as batched `log` events (the stream waits for
   * a listener that returns a promise) and through `onLines`. Waits for the pod to start first (up to
   * the reference's 2 minutes).
   */
  async streamLogs(signal: AbortSignal, onLines?: (lines: LogLines) => void): Promise<void> {
    const job = await this.runningJob(signal);
    const podName = await this.waitForPodReady(POD_READY_TIMEOUT_MS, signal);
    await streamLogs(
      job,
      podName,
      async (lines) => {
        onLines?.(lines);
        await this.emit({ type: 'log', lines });
      },
      signal,
    );
  }

  /** The agent pod's logs so far, or only the last `tailLines`. */
  async getPodLogs(signal: AbortSignal, tailLines?: number): Promise<string> {
    const job = await this.runningJob(signal);
    let pod: Pod | undefined;
    try {
      pod = await findJobPod(job, signal);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw connectionFailure(err, 'failed to find pod for log retrieval');
    }
    if (!pod) throw wrapError(ErrorCode.Internal, 'failed to find pod for log retrieval', newError(ErrorCode.NotFound, `no Pods found for Job ${job.name}`));
    return getPodLogs(job, pod.metadata.name as string, signal, tailLines);
  }

  /** The snapshot this run's agent wrote; warns when it has no GPU data although the cluster has GPU nodes. */
  async getSnapshot(signal: AbortSignal): Promise<string> {
    void this.emit({ type: 'phase', phase: 'retrieving-snapshot' });
    const snapshot = await getSnapshot(this.client, agentOutputUri(this.currentConfig), signal, this.staleOutputVersion);
    if (lacksGpuData(snapshot)) await this.warnNoGpuData(signal);
    return snapshot;
  }

  private async warnNoGpuData(signal: AbortSignal): Promise<void> {
    const gpus = await gpuNodes(this.client, signal);
    if (!gpus || gpus.length === 0) return;
    const where = this.lastPodNode ? `node ${this.lastPodNode}` : 'a node';
    void this.emit({
      type: 'warning',
      message: `the snapshot has no GPU data: the agent ran on ${where}, which reports no GPU, while the cluster has ${gpus.length} GPU node(s) (${gpus
        .slice(0, 3)
        .map((n) => n.name)
        .join(', ')}${gpus.length > 3 ? ', ...' : ''}); target one with --node-selector nvidia.com/gpu.present=true or --require-gpu`,
    });
  }

  /**
   * Deletes everything this run created (UID-pinned, concurrently, every deletion attempted); the
   * namespace and a delivered ConfigMap stay. Disabled, it reports each object as kept.
   */
  async cleanup(options: CleanupOptions, signal: AbortSignal): Promise<DeletionResult> {
    if (!options.enabled) {
      for (const object of this.ledger.remaining) this.resource(object, 'kept');
      return { deleted: [], absent: [], skipped: [] };
    }
    void this.emit({ type: 'phase', phase: 'cleaning-up' });
    const keep = (o: OwnedObject) => options.keepSnapshot === true && o.kind === 'ConfigMap';
    const result = await this.ledger.deleteRemaining(this.client, signal, keep);
    for (const o of result.deleted) this.resource(o, 'deleted');
    for (const o of result.absent) this.resource(o, 'absent');
    for (const o of result.skipped) void this.emit({ type: 'warning', message: `${describeObject(o)} is no longer the one this run created; left untouched` });
    return result;
  }
}
