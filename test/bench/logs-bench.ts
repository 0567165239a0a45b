/**
 * Runs in the app (Debian's Chromium on browser mode, real control plane), timed in the page:
 *   - run.firstLogMs: the agent's first log line (its container runtime timestamp, the closest
 *     nanosecond-precise mark of the container starting; status.startedAt has whole seconds only)
 *     to that line written into the run's xterm (the renderer acknowledges after xterm's write).
 *   - a log flood (`:logs-N`): lines per second from the first batch in the page to the last line
 *     written into xterm, the renderer's longest main-thread task in that time, and the peak memory of
 *     the main process; against a raw HTTPS read of the same pods/log stream (same query) afterwards.
 *     Several rounds of both after a warm-up round, each flood against the raw reads before and after
 *     it; the round with the median ratio (the longest task and the peak memory: of all rounds). Then
 *     xterm alone fed from memory, and the transport alone (main and the browser's WebSocket, no terminal).
 *     Where the flood's CPU time went (the machine, main, the browser) and the raw read's, against what
 *     the machine's cores could give a flood going at the budget's pace.
 * The browser is driven over a bare DevTools connection (bare-chromium.ts), so that it does not copy
 * the flood's WebSocket frames to the benchmark as it does for Playwright.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONTAINER_NAME } from '../../electron/agent/constants.ts';
import { listLeftoverRuns, removeLeftoverRun } from '../../electron/agent/leftovers.ts';
import { timestampNanos } from '../../electron/agent/log-timestamps.ts';
import { KubeClient } from '../../electron/kube/client.ts';
import { loadKubeconfig, resolveContext } from '../../electron/kube/kubeconfig.ts';
import { paths } from '../../electron/kube/paths.ts';
import { agentSettingsOf, defaultSettings } from '../../renderer/settings.ts';
import { startBrowserMode } from '../cluster/browser-mode.ts';
import { launchBareChromium, type BarePage } from './bare-chromium.ts';
import { countCpu, MACHINE_CORES } from './cpu-time.ts';
import { transportOnlyFlood, xtermOnlyLinesPerSec } from './log-ceilings.ts';

/** What the instrumented page records (epoch milliseconds, comparable with the kubelet's timestamps). */
interface BenchCounters {
  firstLogAt: number;
  /** The same moments on the page's own clock (performance.now), to place the long tasks. */
  firstLogPerf: number;
  acks: { at: number; perf: number; lines: number }[];
  /** Lines main passed over (the terminal's scrollback would have lost them), as its batches say. */
  passedOver: number;
  longTasks: { start: number; duration: number }[];
  /** Long animation frames: what ran in them (script entry points, the frame's own rendering). */
  longFrames: { start: number; duration: number; renderMs: number; scripts: string[] }[];
}

declare global {
  interface Window {
    __bench: BenchCounters;
  }
}

/** Instruments the page before its scripts run: log batches received, lines acknowledged, long tasks. */
function instrumentPage(): void {
  const w = window;
  w.__bench = { firstLogAt: 0, firstLogPerf: 0, acks: [], passedOver: 0, longTasks: [], longFrames: [] };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.__bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  type FrameTiming = PerformanceEntry & { renderStart: number; scripts: { invoker: string; sourceFunctionName: string; sourceCharPosition: number; duration: number }[] };
  new PerformanceObserver((list) => {
    for (const frame of list.getEntries() as FrameTiming[]) {
      const renderMs = frame.renderStart ? frame.startTime + frame.duration - frame.renderStart : 0;
      const scripts = frame.scripts.map((s) => `${s.invoker}${s.sourceFunctionName ? ` ${s.sourceFunctionName}` : ''} @${s.sourceCharPosition} ${Math.round(s.duration)} ms`);
      w.__bench.longFrames.push({ start: frame.startTime, duration: frame.duration, renderMs, scripts });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.addEventListener('message', (message) => {
        // A batch's head holds its type and passedOver, ahead of its lines.
        const log = /"type":"log","passedOver":(\d+)/.exec(String(message.data).slice(0, 300));
        if (!log) return;
        if (!w.__bench.firstLogAt) Object.assign(w.__bench, { firstLogAt: Date.now(), firstLogPerf: performance.now() });
        w.__bench.passedOver += Number(log[1]);
      });
    }
    override send(data: string): void {
      if (data.includes('"ackLogs"')) w.__bench.acks.push({ at: Date.now(), perf: performance.now(), lines: (JSON.parse(data) as { params: { lines: number } }).params.lines });
      super.send(data);
    }
  };
}

const resetCounters = (page: BarePage) => page.evaluate(() => Object.assign(window.__bench, { firstLogAt: 0, firstLogPerf: 0, acks: [], passedOver: 0, longTasks: [], longFrames: [] }), undefined);
/** Lines the terminal has taken: parsed by xterm, or passed over by main. */
const linesTaken = (counters: BenchCounters) => counters.passedOver + counters.acks.reduce((sum, a) => sum + a.lines, 0);

/** What the frame around the longest task did (the one overlapping it most), for the report. */
function describeLongestTask(flood: BenchCounters, longest: { start: number; duration: number }): string {
  const overlap = (f: { start: number; duration: number }) => Math.min(f.start + f.duration, longest.start + longest.duration) - Math.max(f.start, longest.start);
  const frame = flood.longFrames.filter((f) => overlap(f) > 0).sort((a, b) => overlap(b) - overlap(a))[0];
  const at = `${Math.round(longest.duration)} ms, ${Math.round(longest.start - flood.firstLogPerf)} ms into the flood`;
  if (!frame) return `${at}; no long animation frame overlaps it`;
  const offset = Math.round(frame.start - longest.start);
  return `${at}; the frame overlapping it (from ${offset} ms after its start): ${Math.round(frame.duration)} ms, rendering ${Math.round(frame.renderMs)} ms, scripts: ${frame.scripts.join(', ') || 'none'}`;
}

const shownRun = () => (document.querySelector('[aria-label="shown run"]') as HTMLSelectElement | null)?.value ?? '';

async function startRun(page: BarePage, image: string, keepResources: boolean): Promise<string> {
  await page.fill('input[name="image"]', image);
  await page.evaluate((keep) => {
    const label = [...document.querySelectorAll('label')].find((l) => l.textContent?.includes("Keep the agent's resources after the run"));
    const box = label?.querySelector('input') as HTMLInputElement;
    if (box.checked !== keep) box.click();
  }, keepResources);
  const before = await page.evaluate(shownRun, undefined);
  await page.click('[data-testid="run"]');
  // The new run is shown once its start has been answered.
  await page.waitFor((previous) => ((document.querySelector('[aria-label="shown run"]') as HTMLSelectElement | null)?.value ?? '') !== previous, before, 'the new run to be shown', 10_000);
  return page.evaluate(shownRun, undefined);
}

async function waitForOutcome(page: BarePage, outcome: string, timeoutMs: number): Promise<void> {
  await page.waitFor((o) => document.querySelector('[data-testid="run-outcome"]')?.textContent === o, outcome, `the run's outcome ${outcome}`, timeoutMs, 200);
}

/** The run's agent pod, once its container has written something (the run keeps it alive long enough). */
async function agentPod(client: KubeClient, runId: string): Promise<{ namespace: string; name: string }> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const pods = await client.request<{ items: { metadata: { name: string; namespace: string }; status?: { containerStatuses?: { state?: { running?: object; terminated?: object } }[] } }[] }>('/api/v1/pods', {
      query: { labelSelector: `aicr.run/run-id=${runId}` },
    });
    const started = pods.items.find((p) => p.status?.containerStatuses?.some((c) => c.state?.running || c.state?.terminated));
    if (started) return started.metadata;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no started agent pod for run ${runId}`);
}

/** Reads a pods/log stream raw (no line handling): lines and wall time. */
async function rawLogRead(client: KubeClient, pod: { namespace: string; name: string }): Promise<{ lines: number; ms: number }> {
  const started = performance.now();
  const stream = await client.stream(paths.podLog(pod.namespace, pod.name), { query: { container: CONTAINER_NAME, follow: true, timestamps: true } });
  let lines = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return { lines, ms: performance.now() - started };
}

/** A process's memory from /proc: VmHWM is its peak resident set so far, VmRSS its resident set now. */
const rssMb = (pid: number, field: 'VmHWM' | 'VmRSS'): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024;

interface FloodRound {
  lines: number;
  linesPerSec: number;
  passedOverShare: number;
  busyCores: number;
  cpuSeconds: number;
  mainCpuSeconds: number;
  browserCpuSeconds: number;
  maxLongTaskMs: number;
  rawLinesPerSec: number;
  rawCpuSeconds: number;
}

/**
 * One flood in the app, then a raw read of the same stream while the cluster is as it was for the
 * flood (after the other ceilings it measured slower: the simulated kubelet then held two floods, and a
 * run was cleaning up); the flood's resources are removed afterwards, so that the next round's kubelet
 * holds one flood too.
 */
async function floodRound(page: BarePage, admin: KubeClient, appPids: number[], floodLines: number): Promise<FloodRound> {
  await resetCounters(page);
  const floodRun = await startRun(page, `registry.example/aicr:logs-${floodLines}`, true);
  // CPU is counted from the first batch in the page: before it, the simulated agent writes all its lines at once.
  await page.waitFor(() => window.__bench.firstLogAt > 0, undefined, "the flood's first lines in the page", 120_000, 20);
  const floodCpu = countCpu(appPids);
  // Until every line is in xterm, or the run ended without them (then the figures would be wrong).
  for (const deadline = Date.now() + 600_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
    const progress = await page.evaluate(
      () => ({
        taken: window.__bench.passedOver + window.__bench.acks.reduce((sum, a) => sum + a.lines, 0),
        outcome: document.querySelector('[data-testid="run-outcome"]')?.textContent ?? '',
      }),
      undefined,
    );
    if (process.env.AICR_BENCH_VERBOSE) console.error(`flood: ${progress.taken} lines taken, run ${progress.outcome}`);
    if (progress.taken >= floodLines || ['failed', 'cancelled'].includes(progress.outcome)) break;
  }
  const cpu = floodCpu();
  const flood = await page.evaluate(() => window.__bench, undefined);
  await waitForOutcome(page, 'done', 120_000);
  const taken = linesTaken(flood);
  if (taken < floodLines) throw new Error(`the flood run ended after ${taken} of ${floodLines} lines: ${await page.evaluate(() => document.querySelector('[data-testid="run-error"]')?.textContent ?? '', undefined)}`);
  // Tasks overlapping the flood, from its first batch to its last line in xterm (not the Run click before
  // it). The browser reports only tasks of 50 ms or more; none means every task was shorter.
  const floodEnd = flood.acks.at(-1)?.perf ?? Infinity;
  const duringFlood = flood.longTasks.filter((t) => t.start + t.duration >= flood.firstLogPerf && t.start <= floodEnd);
  const longest = duringFlood.sort((a, b) => b.duration - a.duration)[0];
  if (longest) {
    // A run that found no spare terminal draws a new one first (spare-terminal.ts): a slow first frame.
    const spare = await page.evaluate(() => document.querySelector('[data-testid="log-terminal"] .terminal')?.getAttribute('data-spare') ?? undefined, undefined);
    console.error(`logs: the flood's longest task: ${describeLongestTask(flood, longest)} (positions are in the renderer's built script); its terminal ${spare ? `was spare ${spare}` : 'was new, no spare was ready'}`);
  }

  const rawPod = await agentPod(admin, floodRun);
  const rawCpu = countCpu();
  const raw = await rawLogRead(admin, rawPod);
  const rawCpuSeconds = rawCpu().machineSeconds;
  for (const leftover of await listLeftoverRuns(admin, {}, AbortSignal.timeout(30_000))) {
    if (leftover.runId === floodRun) await removeLeftoverRun(admin, leftover, AbortSignal.timeout(60_000));
  }
  const [mainCpuSeconds = Number.NaN, browserCpuSeconds = Number.NaN] = cpu.treeSeconds;
  return {
    lines: taken,
    linesPerSec: (taken * 1000) / ((flood.acks.at(-1)?.at ?? Number.NaN) - flood.firstLogAt),
    passedOverShare: flood.passedOver / taken,
    busyCores: cpu.machineSeconds / cpu.wallSeconds,
    cpuSeconds: cpu.machineSeconds,
    mainCpuSeconds,
    browserCpuSeconds,
    maxLongTaskMs: longest?.duration ?? 0,
    rawLinesPerSec: (raw.lines * 1000) / raw.ms,
    rawCpuSeconds,
  };
}

export async function logFigures(kubeconfig: string, floodLines: number, floodRounds: number): Promise<Record<string, number | undefined>> {
  const figures: Record<string, number | undefined> = {};
  const admin = new KubeClient(resolveContext(loadKubeconfig({ kubeconfigPath: kubeconfig }), 'aicr-admin'));
  const browserMode = await startBrowserMode(kubeconfig, mkdtempSync(path.join(tmpdir(), 'aicr-bench-library-')));
  const browser = await launchBareChromium();
  try {
    const page = await browser.newPage({ width: 1280, height: 800 });
    await page.beforeEachDocument(`(${instrumentPage.toString()})()`);
    await page.navigate(browserMode.url);
    await page.click('[data-context="aicr-admin"]');
    await page.fill('[data-testid="selector-input"]', 'nodeGroup=customer-gpu');
    await page.press('Enter');
    await page.waitFor(() => (document.querySelector('[data-testid="run"]') as HTMLButtonElement | null)?.disabled === false, undefined, 'the Run button to be enabled', 30_000);

    // First line: a slow agent keeps its pod for two seconds, so the line's runtime timestamp can be read meanwhile.
    await resetCounters(page);
    const firstRun = await startRun(page, 'registry.example/aicr:slow-2', false);
    const pod = await agentPod(admin, firstRun);
    const head = Buffer.concat(await (await admin.stream(paths.podLog(pod.namespace, pod.name), { query: { container: CONTAINER_NAME, timestamps: true, limitBytes: 200 } })).toArray()).toString();
    const firstLineNanos = timestampNanos(head.slice(0, head.indexOf(' ')));
    if (firstLineNanos === undefined) throw new Error(`the agent's first log line has no timestamp: ${head}`);
    const firstLineAt = Number(firstLineNanos / 1_000_000n);
    await page.waitFor(() => window.__bench.acks.length > 0, undefined, 'the first log line in the terminal', 30_000);
    figures['run.firstLogMs'] = (await page.evaluate(() => window.__bench.acks[0]!.at, undefined)) - firstLineAt;
    await waitForOutcome(page, 'done', 60_000);

    // Floods and raw reads of the same stream alternate, after a first round that warms up main, the
    // cluster and the page. Each flood is compared with the raw reads on both sides of it: the
    // machine's speed drifts by up to half within minutes (raw reads mostly grew faster round after
    // round), which moved a flood's ratio against the read after it alone more than most changes did.
    const rounds: FloodRound[] = [];
    for (let round = 0; round <= floodRounds; round++) {
      const r = await floodRound(page, admin, [browserMode.pid, browser.pid], floodLines);
      rounds.push(r);
      const vs = round === 0 ? 'warm-up' : `${((2 * r.linesPerSec) / ((rounds[round - 1] as FloodRound).rawLinesPerSec + r.rawLinesPerSec)).toFixed(2)} of the raw reads around it`;
      console.error(`logs: round ${round}: ${Math.round(r.linesPerSec)} lines/s, raw read after it ${Math.round(r.rawLinesPerSec)} (${vs}), ${r.cpuSeconds.toFixed(1)} CPU s (main ${r.mainCpuSeconds.toFixed(1)}, browser ${r.browserCpuSeconds.toFixed(1)}), longest task ${Math.round(r.maxLongTaskMs)} ms, main ${Math.round(rssMb(browserMode.pid, 'VmRSS'))} MB now (peak ${Math.round(rssMb(browserMode.pid, 'VmHWM'))})`);
    }
    const measured = rounds.slice(1).map((r, i) => {
      const before = rounds[i] as FloodRound;
      return { ...r, rawLinesPerSec: (before.rawLinesPerSec + r.rawLinesPerSec) / 2, rawCpuSeconds: (before.rawCpuSeconds + r.rawCpuSeconds) / 2 };
    });
    // The round whose ratio is the median.
    const ratio = (r: FloodRound) => r.linesPerSec / r.rawLinesPerSec;
    const middle = [...measured].sort((a, b) => ratio(a) - ratio(b))[Math.floor(measured.length / 2)] as FloodRound;
    figures['logs.mainRssMb'] = rssMb(browserMode.pid, 'VmHWM');
    figures['logs.lines'] = middle.lines;
    figures['logs.passedOverShare'] = middle.passedOverShare;
    figures['logs.linesPerSec'] = middle.linesPerSec;
    figures['logs.floodBusyCores'] = middle.busyCores;
    figures['logs.floodCpuSeconds'] = middle.cpuSeconds;
    figures['logs.floodMainCpuSeconds'] = middle.mainCpuSeconds;
    figures['logs.floodBrowserCpuSeconds'] = middle.browserCpuSeconds;
    // The longest of every round's tasks, the warm-up's too: a budget on the worst moment, not a typical one.
    figures['logs.maxLongTaskMs'] = Math.max(...rounds.map((r) => r.maxLongTaskMs));
    figures['logs.rawCpuSeconds'] = middle.rawCpuSeconds;
    figures['logs.rawLinesPerSec'] = middle.rawLinesPerSec;

    const slot = await page.evaluate(() => {
      const box = document.querySelector('[data-testid="log-terminal"]')?.getBoundingClientRect();
      return { width: box?.width || 800, height: box?.height || 300 };
    }, undefined);
    figures['logs.xtermOnlyLinesPerSec'] = await xtermOnlyLinesPerSec(browser, slot, floodLines);
    // Its run cleans up after itself; the page's terminal is gone, so this run competes with nothing of the app.
    const floodSettings = agentSettingsOf({ ...defaultSettings(), image: `registry.example/aicr:logs-${floodLines}`, nodeSelector: { nodeGroup: 'customer-gpu' } });
    const transport = await transportOnlyFlood(page, browserMode.url, floodSettings, floodLines, () => countCpu());
    figures['logs.transportOnlyLinesPerSec'] = transport.linesPerSec;
    figures['logs.transportOnlyCpuSeconds'] = transport.cpu.machineSeconds;
    // The most CPU time the machine's cores could give a flood going at the budget's pace.
    figures['logs.cpuSecondsAtBudget'] = (MACHINE_CORES * floodLines) / (0.7 * figures['logs.rawLinesPerSec']);
  } finally {
    await browser.close();
    await browserMode.stop();
  }
  return figures;
}
