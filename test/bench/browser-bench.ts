/**
 * The app in Debian's Chromium against browser mode on the real test control plane: renderer size
 * and first paint, a 5,000-node cluster in the form (list ready, match count after a selector edit)
 * and a 20 MB snapshot (node topology of those 5,000 nodes) in the viewer (first render, next search
 * hit, JS heap). The smoke run uses fewer nodes and so a smaller snapshot.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import { KubeClient } from '../../electron/kube/client.ts';
import { loadKubeconfig, resolveContext } from '../../electron/kube/kubeconfig.ts';
import { paths } from '../../electron/kube/paths.ts';
import { listNodes, nodeFromJson, type NodeObject } from '../../electron/kube/node-list.ts';
import { startBrowserMode } from '../cluster/browser-mode.ts';
import { buildSnapshot, snapshotYaml, type ClusterNode } from '../cluster/agent-snapshot.ts';
import { median } from './cli-bench.ts';

const RENDERER_ASSETS = '.vite/renderer/main_window/assets';

/** The initial JavaScript chunk, gzipped, in KB. */
function rendererGzipKb(): number {
  const entry = readdirSync(RENDERER_ASSETS).find((f) => /^index-.*\.js$/.test(f));
  if (!entry) throw new Error('the renderer is not built (npm run build:renderer)');
  return gzipSync(readFileSync(path.join(RENDERER_ASSETS, entry))).length / 1024;
}

const CPU_FEATURES = ['ADX', 'AESNI', 'AVX', 'AVX2', 'AVX512BW', 'AVX512CD', 'AVX512DQ', 'AVX512F', 'AVX512VL', 'AVX512VNNI', 'CETSS', 'CLZERO', 'CMPXCHG8', 'FMA3', 'FXSR', 'FXSROPT', 'IBPB', 'LAHF', 'MOVBE', 'OSXSAVE', 'SHA', 'STIBP', 'SYSCALL', 'SYSEE', 'VAES', 'VMX', 'VPCLMULQDQ', 'WBNOINVD', 'X87', 'XGETBV1', 'XSAVE', 'XSAVEC', 'XSAVEOPT', 'XSAVES'];
const GPU_OPERATOR_PARTS = ['container-toolkit', 'dcgm', 'dcgm-exporter', 'device-plugin', 'driver', 'gpu-feature-discovery', 'node-status-exporter', 'operator-validator', 'mig-manager'];
const NODE_FEATURES = ['pci-10de.present', 'pci-1d0f.present', 'storage-nonrotationaldisk', 'memory-numa', 'cpu-hardware_multithreading', 'kernel-version.major', 'kernel-version.minor', 'system-os_release.ID', 'system-os_release.VERSION_ID'];

/**
 * The labels of a GPU node in a cloud: the cloud's, the GPU operator's and GPU feature discovery's,
 * node feature discovery's: 73 with `nodeGroup`, which the selector edit uses; two are unique to the node.
 */
function gpuNodeLabels(i: number): Record<string, string> {
  const instanceType = ['p5.48xlarge', 'p4d.24xlarge', 'g6e.48xlarge'][i % 3] as string;
  return {
    'kubernetes.io/hostname': `ip-10-${i >> 8}-${i & 255}-17.ec2.internal`,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'node.kubernetes.io/instance-type': instanceType,
    'topology.kubernetes.io/region': 'us-west-2',
    'topology.kubernetes.io/zone': `us-west-2${'abc'[i % 3]}`,
    nodeGroup: `pool-${i % 50}`,
    'nvidia.com/gfd.timestamp': String(1_764_000_000 + i),
    'nvidia.com/gpu.present': 'true',
    'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
    'nvidia.com/gpu.count': '8',
    'nvidia.com/gpu.memory': '81559',
    'nvidia.com/gpu.family': 'hopper',
    'nvidia.com/gpu.machine': instanceType,
    'nvidia.com/mig.capable': 'true',
    'nvidia.com/mig.strategy': 'single',
    'nvidia.com/cuda.driver.major': '570',
    'nvidia.com/cuda.driver.minor': '133',
    'nvidia.com/cuda.runtime.major': '12',
    'nvidia.com/cuda.runtime.minor': '8',
    'feature.node.kubernetes.io/kernel-version.full': '6.1.119-129.201.amzn2023.x86_64',
    ...Object.fromEntries(GPU_OPERATOR_PARTS.map((part) => [`nvidia.com/gpu.deploy.${part}`, 'true'])),
    ...Object.fromEntries(CPU_FEATURES.map((feature) => [`feature.node.kubernetes.io/cpu-cpuid.${feature}`, 'true'])),
    ...Object.fromEntries(NODE_FEATURES.map((feature) => [`feature.node.kubernetes.io/${feature}`, 'true'])),
  };
}

/** Node objects not run by any simulated kubelet: the form only lists them. `gpuLabels`: each with a GPU node's labels. */
async function createNodes(client: KubeClient, count: number, gpuLabels: boolean): Promise<void> {
  const next = { i: 0 };
  const worker = async () => {
    while (next.i < count) {
      const i = next.i++;
      await client.request(paths.nodes(), {
        method: 'POST',
        body: { metadata: { name: `bench-node-${i}`, labels: gpuLabels ? gpuNodeLabels(i) : { nodeGroup: `pool-${i % 50}`, 'topology.kubernetes.io/zone': `zone-${i % 3}` } }, spec: { taints: [{ key: 'bench', value: 'x', effect: 'NoSchedule' }] } },
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

/**
 * Waits until the node lifecycle controller has marked every created node unreachable (they have no
 * kubelet): until then it rewrites thousands of nodes, which would load the machine during the
 * measurements. Kubernetes gives a node 50 s without a heartbeat before that.
 */
async function waitForNodeChurn(client: KubeClient, count: number): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const nodes = await client.request<{ items: { metadata: { name: string }; spec?: { taints?: { key: string }[] } }[] }>(paths.nodes());
    const marked = nodes.items.filter((n) => n.metadata.name.startsWith('bench-node-') && n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable'));
    if (marked.length >= count) break;
    if (Date.now() > deadline) throw new Error(`only ${marked.length} of ${count} nodes were marked unreachable within 3 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  await new Promise((resolve) => setTimeout(resolve, 3_000));
}

/**
 * The node list from the API server to the form's summaries in main: as the app reads it (protobuf,
 * compressed, decoded in turns) against JSON (compressed as well, parsed whole), interleaved; medians.
 */
async function nodeListFigures(admin: KubeClient): Promise<Record<string, number>> {
  const timed = async (read: () => Promise<unknown>) => {
    const started = performance.now();
    await read();
    return performance.now() - started;
  };
  const protobuf: number[] = [];
  const json: number[] = [];
  for (let i = 0; i < 5; i++) {
    protobuf.push(await timed(() => listNodes(admin, AbortSignal.timeout(30_000))));
    json.push(await timed(async () => (await admin.request<{ items: NodeObject[] }>(paths.nodes())).items.map(nodeFromJson)));
  }
  return { 'nodes.listMs': median(protobuf), 'nodes.jsonListMs': median(json) };
}

/** A snapshot of about 4 KB per node (20 MB for 5,000): node topology with many labels each. */
function bigSnapshot(nodeCount: number): string {
  const nodes: ClusterNode[] = Array.from({ length: nodeCount }, (_v, i) => ({
    metadata: {
      name: `ip-10-${Math.floor(i / 250)}-${i % 250}-17.ec2.internal`,
      labels: Object.fromEntries(Array.from({ length: 24 }, (_w, k) => [`example.com/attribute-${k}`, `value-${k}-${i}-${'x'.repeat(40)}`])),
    },
    spec: { taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] },
  }));
  return snapshotYaml(buildSnapshot({ nodeName: nodes[0]!.metadata.name, nodes, os: '', maxNodesPerEntry: 0, timestamp: '2026-11-28T00:00:00Z' }));
}

/** Clicks "next" in the viewer's find bar: milliseconds until the next hit is shown (the frame after the status moves on). */
function timeNextHit(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        setTimeout(() => reject(new Error('find did not move to the next hit within 30 s')), 30_000);
        const status = document.querySelector('[data-testid="find-status"]') as HTMLElement;
        const before = status.textContent;
        const started = performance.now();
        // The hit is selected and scrolled to in the same update that moves the status on.
        const observer = new MutationObserver(() => {
          if (status.textContent === before) return;
          observer.disconnect();
          requestAnimationFrame(() => resolve(performance.now() - started));
        });
        observer.observe(status, { childList: true, characterData: true, subtree: true });
        (document.querySelector('[data-testid="find-next"]') as HTMLButtonElement).click();
      }),
  );
}

/**
 * `settle`: wait for the cluster to finish reacting to the created nodes before measuring (not in a
 * smoke run). `gpuLabels`: the nodes carry a GPU node's labels instead of two.
 */
export async function browserFigures(kubeconfig: string, nodeCount: number, settle: boolean, gpuLabels = false): Promise<Record<string, number | undefined>> {
  const figures: Record<string, number | undefined> = { 'startup.rendererGzipKb': rendererGzipKb() };
  const admin = new KubeClient(resolveContext(loadKubeconfig({ kubeconfigPath: kubeconfig }), 'aicr-admin'));
  await createNodes(admin, nodeCount, gpuLabels);
  if (settle) await waitForNodeChurn(admin, nodeCount);
  Object.assign(figures, await nodeListFigures(admin));
  const library = mkdtempSync(path.join(tmpdir(), 'aicr-bench-library-'));
  const yaml = bigSnapshot(nodeCount);
  const snapshotId = 'aicr-admin-bench-node-20261128T000000Z.yaml';
  writeFileSync(path.join(library, snapshotId), yaml);
  figures['viewer.snapshotMb'] = Buffer.byteLength(yaml) / 1024 / 1024;
  const browserMode = await startBrowserMode(kubeconfig, library);
  const browser = await chromium.launch({ executablePath: process.env.AICR_CHROMIUM ?? '/usr/bin/chromium', args: ['--enable-precise-memory-info'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(browserMode.url);
    // The node list is ready when the form counts all of the cluster's nodes (the created ones and the 3
    // simulated). Timed in the page, in the animation frame that first shows it: asking for the time
    // afterwards would add a round trip between this process and the browser.
    const ready = await page.waitForFunction((n) => document.querySelector('[data-testid="node-match"]')?.textContent?.includes(`of ${n} nodes`) && performance.now(), nodeCount + 3, { timeout: 60_000 });
    figures['nodes.readyMs'] = (await ready.jsonValue()) as number;
    figures['startup.firstPaintMs'] = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime);

    // A selector edit: from the key press to the updated match count.
    figures['nodes.filterMs'] = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          setTimeout(() => reject(new Error('the match count did not change within 30 s of a selector edit')), 30_000);
          const input = document.querySelector('[data-testid="selector-input"]') as HTMLInputElement;
          const count = document.querySelector('[data-testid="node-match"]') as HTMLElement;
          const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
          setter?.call(input, 'nodeGroup=pool-7');
          input.dispatchEvent(new Event('input', { bubbles: true }));
          const started = performance.now();
          new MutationObserver(() => resolve(performance.now() - started)).observe(count, { childList: true, characterData: true, subtree: true });
          input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
        }),
    );

    // The big snapshot: from the click to its first lines on screen, and to all of it in the viewer (find, copy and export ready).
    // The library's list comes with its own reply, which may follow the node list's.
    await page.locator('.library button', { hasText: snapshotId }).waitFor({ timeout: 30_000 });
    const [openMs, wholeMs] = await page.evaluate(
      (id) =>
        new Promise<number[]>((resolve, reject) => {
          setTimeout(() => reject(new Error('the snapshot was not all in the viewer within 60 s of the click')), 60_000);
          const started = performance.now();
          let first: number | undefined;
          const done = () => {
            if (first === undefined && document.querySelector('.cm-content')?.textContent?.includes('kind: Snapshot')) {
              first = Number.NaN;
              requestAnimationFrame(() => (first = performance.now() - started));
            }
            if (first !== undefined && !document.querySelector('[data-testid="snapshot-reading"]')) {
              observer.disconnect();
              requestAnimationFrame(() => resolve([first as number, performance.now() - started]));
            }
          };
          const observer = new MutationObserver(done);
          observer.observe(document.body, { childList: true, subtree: true });
          [...document.querySelectorAll('.library button')].find((b) => b.textContent === id)?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
        }),
      snapshotId,
    );
    figures['viewer.openMs'] = openMs;
    figures['viewer.wholeMs'] = wholeMs;
    figures['viewer.heapMb'] = await page.evaluate(() => ((performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? Number.NaN) / 1024 / 1024);

    // Next search hit: Ctrl+F in the YAML, a query, Enter for the first hit; then timed: the next hit.
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+f');
    await page.getByLabel('find in snapshot').fill('attribute-23');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="find-status"]')?.textContent?.includes(' of '));
    // Five jumps, the median: one jump's time moved by half between runs on this machine.
    const jumps: number[] = [];
    for (let jump = 0; jump < 5; jump++) jumps.push(await timeNextHit(page));
    console.error(`viewer: next hit in ${jumps.map((ms) => ms.toFixed(1)).join(', ')} ms`);
    figures['viewer.searchMs'] = median(jumps);
  } finally {
    await browser.close();
    await browserMode.stop();
  }
  return figures;
}
