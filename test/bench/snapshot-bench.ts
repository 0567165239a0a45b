/**
 * Benchmarks on the real test control plane; prints numbers, asserts nothing.
 *   - cluster start with cached binaries
 *   - a full snapshot run: time to the first agent log line and to the snapshot in hand
 *   - log throughput: agent lines per second through the follow stream into the Deployer's events
 */
import { defaultAgentConfig } from '../../shared/agent-config.ts';
import { Deployer } from '../../electron/agent/deployer.ts';
import { runSnapshot } from '../../electron/agent/run.ts';
import { clientForContext } from '../../electron/kube/context.ts';
import { CONTEXTS } from '../cluster/kubeconfig.ts';
import { spawnCluster } from '../cluster/spawn.ts';

const RUNS = 5;
const LOG_LINES = 20_000;

const cluster = await spawnCluster();
const results: [string, string][] = [['cluster start (cached binaries)', `${cluster.startupMs} ms`]];

function gpuDeployer(namespace: string, image: string, onLines: (at: number, count: number) => void): Deployer {
  const config = defaultAgentConfig({
    namespace,
    image,
    nodeSelector: { nodeGroup: 'customer-gpu' },
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
  });
  const client = clientForContext({ kubeconfigPath: cluster.state.kubeconfig, context: CONTEXTS.admin });
  return new Deployer(client, config, {
    onEvent: (e) => {
      if (e.type === 'log') onLines(Date.now(), e.lines.length);
    },
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

try {
  const firstLine: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = Date.now();
    let first: number | undefined;
    const deployer = gpuDeployer(`bench-${i}`, 'registry.example/aicr:v0.11.1', (at) => (first ??= at));
    await runSnapshot(deployer, { timeoutMs: 60_000, cleanup: true, signal: AbortSignal.timeout(60_000) });
    total.push(Date.now() - started);
    if (first !== undefined) firstLine.push(first - started);
  }
  results.push([`Run to first agent log line (median of ${RUNS})`, `${median(firstLine)} ms`]);
  results.push([`Run to snapshot in hand, cleanup included (median of ${RUNS})`, `${median(total)} ms`]);

  let lines = 0;
  let firstAt = 0;
  let lastAt = 0;
  const deployer = gpuDeployer('bench-logs', `registry.example/aicr:logs-${LOG_LINES}`, (at, count) => {
    lines += count;
    firstAt ||= at;
    lastAt = at;
  });
  await runSnapshot(deployer, { timeoutMs: 120_000, cleanup: true, signal: AbortSignal.timeout(120_000) });
  results.push([`log lines delivered (of ${LOG_LINES} + agent lines)`, String(lines)]);
  results.push(['log throughput, follow stream to events', `${Math.round((lines * 1000) / Math.max(1, lastAt - firstAt))} lines/s over ${lastAt - firstAt} ms`]);
} finally {
  await cluster.stop();
}

const width = Math.max(...results.map(([k]) => k.length));
for (const [k, v] of results) console.log(`${k.padEnd(width)}  ${v}`);
