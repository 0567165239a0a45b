/**
 * How a run uses the API: requests per default run counted at the client, repeated reads of the same
 * object, the permission checklist against one SelfSubjectAccessReview, the agent's own runtime
 * (from its first to its last log line as they arrive) to set against the CLI's run time, and a
 * whole run in process against the same run driven the reference's way (polling).
 */
import type http from 'node:http';
import { defaultAgentConfig } from '../../shared/agent-config.ts';
import { Deployer } from '../../electron/agent/deployer.ts';
import { checkPermissions } from '../../electron/agent/permissions.ts';
import { runSnapshot } from '../../electron/agent/run.ts';
import { KubeClient, type EncodedAnswer, type RequestOptions } from '../../electron/kube/client.ts';
import { loadKubeconfig, resolveContext } from '../../electron/kube/kubeconfig.ts';
import { paths } from '../../electron/kube/paths.ts';
import { median } from './cli-bench.ts';
import { pollingRunMs } from './polling-baseline.ts';

/** A client that records every request it makes (method and path, watches marked). */
class CountingClient extends KubeClient {
  readonly requests: string[] = [];

  // Every non-streaming request goes through here (JSON ones included).
  override requestBytes(path: string, options: RequestOptions = {}): Promise<EncodedAnswer> {
    this.requests.push(`${options.method ?? 'GET'} ${path}${options.query?.labelSelector || options.query?.fieldSelector ? ' (list)' : ''}`);
    return super.requestBytes(path, options);
  }

  override stream(path: string, options: Pick<RequestOptions, 'query' | 'signal'>): Promise<http.IncomingMessage> {
    this.requests.push(`${options.query?.watch ? 'WATCH' : 'STREAM'} ${path}`);
    return super.stream(path, options);
  }
}

const NODE_SELECTOR = { nodeGroup: 'customer-gpu' };
/** Checklist and single review pairs per run asked for (5 runs: 25 pairs; a smoke run: 5). */
const PERMISSION_PAIRS_PER_RUN = 5;

/** Wall time of `runs` default runs in process, and of as many polling-style runs, interleaved; medians. */
async function runVersusPolling(client: KubeClient, runs: number): Promise<{ ms: number; pollingMs: number }> {
  const ours: number[] = [];
  const polling: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await runSnapshot(new Deployer(client, defaultAgentConfig({ namespace: 'bench-run', nodeSelector: NODE_SELECTOR })), { timeoutMs: 60_000, cleanup: true, signal: AbortSignal.timeout(60_000) });
    ours.push(performance.now() - started);
    polling.push(await pollingRunMs(client, 'bench-polling', NODE_SELECTOR));
  }
  return { ms: median(ours), pollingMs: median(polling) };
}

export async function runFigures(kubeconfig: string, runs: number): Promise<Record<string, number>> {
  const context = resolveContext(loadKubeconfig({ kubeconfigPath: kubeconfig }), 'aicr-admin');
  const client = new CountingClient(context);
  const config = defaultAgentConfig({ namespace: 'bench-run', nodeSelector: NODE_SELECTOR });
  const deployer = new Deployer(client, config);
  await runSnapshot(deployer, { timeoutMs: 60_000, cleanup: true, signal: AbortSignal.timeout(60_000) });
  const apiRequests = client.requests.length;
  const gets = client.requests.filter((r) => r.startsWith('GET ') && !r.endsWith('(list)'));
  const repeatedReads = gets.length - new Set(gets).size;
  if (process.env.AICR_BENCH_VERBOSE) console.error(client.requests.join('\n'));

  // Permissions: the whole checklist against a single review, same client, same moments. Many
  // interleaved pairs, each in alternating order: the cluster is still cleaning up after the run above,
  // and a handful of samples caught that load on one side more than on the other.
  const single: number[] = [];
  const whole: number[] = [];
  const timedCall = async (into: number[], call: () => Promise<unknown>) => {
    const started = performance.now();
    await call();
    into.push(performance.now() - started);
  };
  const singleReview = () =>
    client.request(paths.selfSubjectAccessReviews(), {
      method: 'POST',
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: 'create', group: 'batch', resource: 'jobs', namespace: 'bench-run' } } },
    });
  const checklist = () => checkPermissions(client, config, AbortSignal.timeout(10_000));
  await checklist(); // opens the second kept-alive connection its two concurrent reviews use, once
  for (let i = 0; i < PERMISSION_PAIRS_PER_RUN * runs; i++) {
    if (i % 2 === 0) {
      await timedCall(single, singleReview);
      await timedCall(whole, checklist);
    } else {
      await timedCall(whole, checklist);
      await timedCall(single, singleReview);
    }
  }

  // The agent's runtime in a default run: from its first to its last log line as they arrive.
  const timestamps: bigint[] = [];
  const timed = new CountingClient(context);
  const agentRun = new Deployer(timed, defaultAgentConfig({ namespace: 'bench-run', nodeSelector: NODE_SELECTOR }), {
    onEvent: (e) => {
      if (e.type === 'log') timestamps.push(BigInt(Date.now()) * 1_000_000n);
    },
  });
  await runSnapshot(agentRun, { timeoutMs: 60_000, cleanup: true, signal: AbortSignal.timeout(60_000) });
  const { ms, pollingMs } = await runVersusPolling(new KubeClient(context), runs);
  const agentMs = timestamps.length > 1 ? Number((timestamps.at(-1) as bigint) - (timestamps[0] as bigint)) / 1e6 : Number.NaN;

  return {
    'run.apiRequests': apiRequests,
    'run.repeatedReads': repeatedReads,
    'permissions.ms': median(whole),
    'permissions.singleCheckMs': median(single),
    'cli.agentMs': agentMs,
    'run.ms': ms,
    'run.pollingBaselineMs': pollingMs,
  };
}
