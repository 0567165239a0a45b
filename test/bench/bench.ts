/**
 * `npm run bench`: benchmarks on the real test control plane, each against the best possible on the
 * same machine in the same run. Prints a table (figure, value, budget, verdict) and writes the same
 * figures to bench-results.json at the repository root. Benchmarks assert nothing; budgets are shown.
 * `--smoke` (CI) runs every benchmark once at a small scale, so none can rot; it fails only when a
 * benchmark itself fails or a figure is missing, never on a budget, and writes no results file.
 * `--only cli|run|logs|browser` (`npm run bench -- --only logs`, or several: `--only run,logs`) runs
 * those groups, in their usual order on one cluster, while working on them: budgets are judged, but
 * nothing is written. `--gpu-labels` gives the browser benchmark's nodes the labels of a GPU node in a
 * cloud (73 each) instead of two: figures for a real GPU cluster's size of node list; nothing is written.
 */
import { writeFileSync } from 'node:fs';
import { spawnCluster } from '../cluster/spawn.ts';
import { browserFigures } from './browser-bench.ts';
import { cliFigures } from './cli-bench.ts';
import { logFigures } from './logs-bench.ts';
import { runFigures } from './run-bench.ts';

type Figures = Record<string, number | undefined>;

/** Budgets from the performance issue, as functions of the figures measured in the same run. */
const BUDGETS: Record<string, { text: string; holds: (f: Figures) => boolean }> = {
  'cli.manifestsMs': { text: '<= 4 x cli.nodeFloorMs', holds: (f) => (f['cli.manifestsMs'] ?? Infinity) <= 4 * (f['cli.nodeFloorMs'] ?? 0) },
  'cli.manifestsRssMb': { text: '<= 80 MB', holds: (f) => (f['cli.manifestsRssMb'] ?? Infinity) <= 80 },
  'cli.unreachableMs': { text: '<= 6 x cli.nodeFloorMs', holds: (f) => (f['cli.unreachableMs'] ?? Infinity) <= 6 * (f['cli.nodeFloorMs'] ?? 0) },
  'cli.restrictedMs': { text: '<= 6 x cli.nodeFloorMs', holds: (f) => (f['cli.restrictedMs'] ?? Infinity) <= 6 * (f['cli.nodeFloorMs'] ?? 0) },
  'cli.runMs': { text: 'cli.runMs - cli.agentMs <= 600 ms', holds: (f) => (f['cli.runMs'] ?? Infinity) - (f['cli.agentMs'] ?? 0) <= 600 },
  'run.firstLogMs': { text: '<= 300 ms', holds: (f) => (f['run.firstLogMs'] ?? Infinity) <= 300 },
  'run.pollingBaselineMs': { text: '> run.ms (ours faster)', holds: (f) => (f['run.ms'] ?? Infinity) < (f['run.pollingBaselineMs'] ?? 0) },
  'logs.linesPerSec': { text: '>= 0.7 x logs.rawLinesPerSec', holds: (f) => (f['logs.linesPerSec'] ?? 0) >= 0.7 * (f['logs.rawLinesPerSec'] ?? Infinity) },
  'logs.maxLongTaskMs': { text: '<= 50 ms', holds: (f) => (f['logs.maxLongTaskMs'] ?? Infinity) <= 50 },
  'logs.mainRssMb': { text: '<= 250 MB', holds: (f) => (f['logs.mainRssMb'] ?? Infinity) <= 250 },
  'run.apiRequests': { text: '<= 25', holds: (f) => (f['run.apiRequests'] ?? Infinity) <= 25 },
  'run.repeatedReads': { text: '= 0', holds: (f) => f['run.repeatedReads'] === 0 },
  'permissions.ms': { text: '<= 2 x permissions.singleCheckMs', holds: (f) => (f['permissions.ms'] ?? Infinity) <= 2 * (f['permissions.singleCheckMs'] ?? 0) },
  'startup.rendererGzipKb': { text: '<= 500 KB', holds: (f) => (f['startup.rendererGzipKb'] ?? Infinity) <= 500 },
  'startup.firstPaintMs': { text: '<= 400 ms', holds: (f) => (f['startup.firstPaintMs'] ?? Infinity) <= 400 },
  'nodes.readyMs': { text: '<= 1000 ms', holds: (f) => (f['nodes.readyMs'] ?? Infinity) <= 1000 },
  'nodes.filterMs': { text: '<= 50 ms', holds: (f) => (f['nodes.filterMs'] ?? Infinity) <= 50 },
  'viewer.openMs': { text: '<= 500 ms', holds: (f) => (f['viewer.openMs'] ?? Infinity) <= 500 },
  'viewer.searchMs': { text: '<= 50 ms', holds: (f) => (f['viewer.searchMs'] ?? Infinity) <= 50 },
  'viewer.heapMb': { text: '<= 200 MB', holds: (f) => (f['viewer.heapMb'] ?? Infinity) <= 200 },
};

const smoke = process.argv.includes('--smoke');
const gpuLabels = process.argv.includes('--gpu-labels');
const scale = smoke ? { runs: 1, floodLines: 20_000, floodRounds: 1, nodes: 300 } : { runs: 5, floodLines: 1_000_000, floodRounds: 3, nodes: 5_000 };

const GROUPS: Record<string, (kubeconfig: string) => Promise<Figures> | Figures> = {
  cli: (kubeconfig) => cliFigures(kubeconfig, scale.runs),
  run: (kubeconfig) => runFigures(kubeconfig, scale.runs),
  logs: (kubeconfig) => logFigures(kubeconfig, scale.floodLines, scale.floodRounds),
  browser: (kubeconfig) => browserFigures(kubeconfig, scale.nodes, !smoke, gpuLabels),
};
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt === -1 ? undefined : (process.argv[onlyAt + 1] ?? '').split(',');
const unknown = only?.find((group) => !(group in GROUPS));
if (unknown !== undefined) {
  console.error(`--only: no benchmark group "${unknown}"; use one or more of ${Object.keys(GROUPS).join(', ')} (comma separated)`);
  process.exit(2);
}

/**
 * The benchmark's 5,000 nodes have no kubelet, so none renews its lease; since Kubernetes 1.37 the
 * node lifecycle controller re-reads the lease of every such node from the API server every 5 s
 * (NodeControllerLeaseCircuitBreaker): over a hundred requests a second, which kept the API server,
 * the controller manager and etcd at about two thirds of a core on the machine that also runs the
 * browser. A real cluster's nodes renew their leases, on a control plane elsewhere.
 */
const cluster = await spawnCluster({ controllerManagerFeatureGates: 'NodeControllerLeaseCircuitBreaker=false' });
const figures: Figures = { 'cluster.startMs': cluster.startupMs };
try {
  for (const [name, measure] of Object.entries(GROUPS)) {
    if (only === undefined || only.includes(name)) Object.assign(figures, await measure(cluster.state.kubeconfig));
  }
} finally {
  await cluster.stop();
}

const rows = Object.entries(figures).map(([name, value]) => {
  const budget = BUDGETS[name];
  const shown = value === undefined || Number.isNaN(value) ? 'n/a' : Number.isInteger(value) ? String(value) : value.toFixed(1);
  return [name, shown, budget?.text ?? '', budget && !smoke ? (budget.holds(figures) ? 'ok' : 'MISSED') : ''];
});
const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] as string).length)));
for (const row of rows) console.log(row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] as number) : cell)).join('  '));
const missing = [...Object.keys(BUDGETS), 'logs.rawLinesPerSec', 'logs.xtermOnlyLinesPerSec', 'logs.transportOnlyLinesPerSec', 'logs.floodCpuSeconds', 'logs.transportOnlyCpuSeconds', 'logs.rawCpuSeconds'].filter((name) => figures[name] === undefined || Number.isNaN(figures[name]));
if (only !== undefined) console.log(`\nonly the ${only.join(', ')} benchmarks: nothing written`);
else if (missing.length > 0) {
  console.error(`\nbenchmark figures missing: ${missing.join(', ')}`);
  process.exitCode = 1;
} else if (smoke) console.log(`\nsmoke run (small scale, ${Object.keys(figures).length} figures): budgets are not judged, nothing written`);
else if (gpuLabels) console.log('\nnodes with a GPU node\'s labels: nothing written');
else {
  writeFileSync('bench-results.json', `${JSON.stringify({ measuredAt: new Date().toISOString(), figures }, null, 2)}\n`);
  console.log('\nwritten to bench-results.json');
}
