/** What a cluster admin does in the app, in Chromium, against browser mode and the real control plane. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { KubeClient } from '../../electron/kube/client.ts';
import { loadKubeconfig, resolveContext } from '../../electron/kube/kubeconfig.ts';

const SCREENSHOTS = 'docs/screenshots';

async function open(page: Page, context = 'aicr-admin'): Promise<void> {
  if (!page.url().startsWith('http')) await page.goto(process.env.AICR_E2E_URL as string);
  await page.locator(`[data-context="${context}"]`).click();
  await expect(page.locator(`[data-context="${context}"]`)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('permissions-summary')).toBeVisible();
}

async function addSelector(page: Page, pair: string): Promise<void> {
  await page.getByTestId('selector-input').fill(pair);
  await page.getByTestId('selector-input').press('Enter');
}

/** The agent with this image on the simulated GPU nodes, from the open context: Run pressed. */
async function runImage(page: Page, image?: string): Promise<void> {
  await addSelector(page, 'nodeGroup=customer-gpu');
  if (image) await page.locator('input[name="image"]').fill(image);
  await run(page);
}

/** Presses Run once the form and the permission checks allow it. */
async function run(page: Page): Promise<void> {
  await expect(page.getByTestId('run')).toBeEnabled();
  await page.getByTestId('run').click();
}

const logs = (page: Page) => page.getByTestId('log-terminal').locator('.xterm-rows');
const shownRunId = async (page: Page) => ((await page.getByLabel('shown run').inputValue()) as string);

/** Objects in the cluster labelled with the run's ID (pods included). */
async function objectsOfRun(runId: string): Promise<string[]> {
  const client = new KubeClient(resolveContext(loadKubeconfig({ kubeconfigPath: process.env.AICR_E2E_KUBECONFIG as string }), 'aicr-admin'));
  const paths = ['/api/v1/pods', '/api/v1/serviceaccounts', '/api/v1/configmaps', '/apis/batch/v1/jobs', '/apis/rbac.authorization.k8s.io/v1/clusterroles'];
  const lists = await Promise.all(paths.map((p) => client.request<{ items: { metadata: { name: string } }[] }>(p, { query: { labelSelector: `aicr.run/run-id=${runId}` } })));
  return lists.flatMap((l) => l.items.map((i) => i.metadata.name));
}

test('a newcomer captures a snapshot: context, selector, run, live logs, summary, saved file', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (message) => ['warning', 'error'].includes(message.type()) && warnings.push(message.text()));
  await open(page);
  await expect(page.getByTestId('permissions-summary')).toHaveText('All 22 required permissions are granted');
  await expect(page.getByTestId('probe-aicr-admin')).toContainText('v1.');
  await addSelector(page, 'nodeGroup=customer-gpu');
  await expect(page.getByTestId('node-match')).toContainText('2 of 3 nodes match the selector; 2 can host the agent');
  await page.locator('input[name="image"]').fill('registry.example/aicr:slow-3');
  await page.screenshot({ path: `${SCREENSHOTS}/1-context-and-form.png` });
  // A spare terminal has been drawn off screen while the page was idle; the run takes it.
  const spare = await page.locator('.terminal-warm-up .xterm').getAttribute('data-spare');
  await run(page);
  // Logs stream while the pod runs: agent lines are on screen before the run is done.
  await expect(logs(page)).toContainText('[agent] collecting Kubernetes cluster information');
  await expect(page.getByTestId('log-terminal').locator('.xterm')).toHaveAttribute('data-spare', spare as string);
  await expect(logs(page)).not.toContainText('ABCDEFGHIJKLMNOPQRSTUVWXYZ'); // nothing left of its warm-up
  await expect(page.getByTestId('run-outcome')).toHaveText('running');
  await page.screenshot({ path: `${SCREENSHOTS}/2-run-with-live-logs.png` });
  await expect(page.getByTestId('run-outcome')).toHaveText('done');
  // Log text can be selected: the selection is drawn, and a click takes it away again.
  const rows = await logs(page).boundingBox();
  if (!rows) throw new Error('the log terminal has no box');
  await page.mouse.move(rows.x + 4, rows.y + 4);
  await page.mouse.down();
  await page.mouse.move(rows.x + 240, rows.y + 36, { steps: 5 });
  await page.mouse.up();
  const selection = page.getByTestId('log-terminal').locator('.xterm-selection div');
  await expect(selection).not.toHaveCount(0);
  await page.mouse.click(rows.x + 300, rows.y + 60);
  await expect(selection).toHaveCount(0);
  const summary = page.getByTestId('snapshot-summary');
  await expect(summary).toContainText(/Source node\s*gpu-node-[12]/);
  await expect(summary).toContainText(/GPU count\s*8/);
  await expect(summary).toContainText('NVIDIA H100 80GB HBM3');
  await expect(page.getByTestId('yaml-view')).toContainText('kind: Snapshot');
  // Find: Ctrl+F in the YAML goes to the find bar; Enter jumps to the hit and selects it.
  await page.getByLabel('Snapshot YAML').click();
  await page.keyboard.press('Control+f');
  await expect(page.getByLabel('find in snapshot')).toBeFocused();
  await page.keyboard.type('gpu-count');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('find-status')).toHaveText('1 of 1 hits');
  await expect(page.getByTestId('yaml-view').locator('.cm-selectionBackground')).not.toHaveCount(0);
  await expect(page.getByTestId('yaml-view').locator('.cm-line', { hasText: 'gpu-count' })).toBeInViewport();
  await page.screenshot({ path: `${SCREENSHOTS}/3-snapshot-viewer.png`, fullPage: true });
  // The saved file equals the snapshot, and so does the export.
  const id = (await page.getByTestId('snapshot-id').textContent()) as string;
  expect(id).toMatch(/^aicr-admin-gpu-node-[12]-\d{8}T\d{6}Z\.yaml$/);
  const saved = readFileSync(path.join(process.env.AICR_E2E_LIBRARY as string, id), 'utf8');
  const download = page.waitForEvent('download');
  await page.getByTestId('export-yaml').click();
  const exported = readFileSync(await (await download).path(), 'utf8');
  expect(exported).toBe(saved);
  expect(saved).toContain('source-node: gpu-node-');
  expect(await objectsOfRun(await shownRunId(page))).toEqual([]);
  expect(warnings).toEqual([]);
});

test('a big snapshot shows its first lines at once; find and export wait for the whole of it', async ({ page }) => {
  const id = 'aicr-admin-big-node-20261128T000000Z.yaml';
  const rows = Array.from({ length: 40_000 }, (_, i) => `            attribute-${i}: "${'x'.repeat(60)}"`);
  const yaml = `kind: Snapshot\napiVersion: aicr.nvidia.com/v1alpha1\nmetadata:\n    source-node: big-node\nmeasurements:\n    - type: SystemD\n      subtypes:\n        - subtype: big.service\n          data:\n${rows.join('\n')}\n            the-last-line: true\n`;
  writeFileSync(path.join(process.env.AICR_E2E_LIBRARY as string, id), yaml);
  const small = 'aicr-admin-small-node-20261128T000001Z.yaml';
  writeFileSync(path.join(process.env.AICR_E2E_LIBRARY as string, small), 'kind: Snapshot\napiVersion: aicr.nvidia.com/v1alpha1\nmetadata:\n    source-node: small-node\nmeasurements: []\n');
  // The reply with the whole text is held back until the test lets it through.
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.routeWebSocket(/\/api$/, (ws) => {
    const server = ws.connectToServer();
    let wholeRead: number | undefined;
    let holding = false;
    ws.onMessage((message) => {
      const call = typeof message === 'string' ? (JSON.parse(message) as { id: number; call: string; params: { headBytes?: number } }) : undefined;
      if (call?.call === 'readSnapshot' && call.params.headBytes === undefined) wholeRead = call.id;
      server.send(message);
    });
    server.onMessage((message) => {
      if (typeof message === 'string' && wholeRead !== undefined && (JSON.parse(message) as { id?: number }).id === wholeRead) holding = true;
      if (!holding) return ws.send(message);
      // The reply, then its text as a binary frame.
      void released.then(() => ws.send(message));
      if (typeof message !== 'string') holding = false;
    });
  });
  await open(page);
  await page.locator('.library button', { hasText: id }).click();
  const view = page.getByTestId('yaml-view');
  await expect(view).toContainText('kind: Snapshot');
  await expect(page.getByTestId('snapshot-reading')).toContainText('reading the rest of 3.5 MB');
  await expect(page.getByTestId('export-yaml')).toBeDisabled();
  await page.getByLabel('find in snapshot').fill('the-last-line');
  await expect(page.getByTestId('find-status')).toHaveText('reading the snapshot…');
  // What the reader scrolled to stays in view when the rest comes.
  await view.scrollIntoViewIfNeeded();
  await view.evaluate((element) => (element.scrollTop = 6_000));
  const lineInView = () =>
    view.evaluate((element) => {
      const box = element.getBoundingClientRect();
      return document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)?.closest('.cm-line')?.textContent;
    });
  await expect.poll(lineInView).toMatch(/attribute-\d+:/);
  const before = await lineInView();
  release();
  await expect(page.getByTestId('snapshot-reading')).toHaveCount(0);
  expect(await lineInView()).toBe(before);
  await expect(page.getByTestId('find-status')).toHaveText('1 hits');
  await page.getByLabel('find in snapshot').press('Enter');
  await expect(page.getByTestId('find-status')).toHaveText('1 of 1 hits');
  await expect(view.locator('.cm-line', { hasText: 'the-last-line' })).toBeInViewport();
  await expect(page.getByTestId('snapshot-summary')).toContainText('big-node');
  const download = page.waitForEvent('download');
  await page.getByTestId('export-yaml').click();
  expect(readFileSync(await (await download).path(), 'utf8')).toBe(yaml);

  // Another snapshot: the find bar starts over and searches its text, not the big one's.
  await page.locator('.library button', { hasText: small }).click();
  await expect(page.getByTestId('snapshot-summary')).toContainText('small-node');
  await expect(page.getByLabel('find in snapshot')).toHaveValue('');
  await page.getByLabel('find in snapshot').fill('the-last-line');
  await expect(page.getByTestId('find-status')).toHaveText('no hits');
  await page.getByLabel('find in snapshot').fill('small-node');
  await expect(page.getByTestId('find-status')).toHaveText('1 hits');
});

test('the restricted user sees the denied checks and Run disabled', async ({ page }) => {
  await open(page, 'aicr-restricted');
  await expect(page.getByTestId('permissions-summary')).toHaveText('8 of 22 required permissions are missing');
  await expect(page.locator('.checks li.denied').first()).toContainText('create roles in aicr-restricted');
  await expect(page.getByTestId('run')).toBeDisabled();
  await expect(page.getByTestId('run-disabled-reason')).toContainText('a required permission is missing');
  await page.screenshot({ path: `${SCREENSHOTS}/4-restricted-permissions.png` });
});

test('a failing agent shows the error and its last log lines', async ({ page }) => {
  await open(page);
  await runImage(page, 'registry.example/aicr:fail');
  await expect(page.getByTestId('run-outcome')).toHaveText('failed');
  await expect(page.getByTestId('run-error')).toContainText('job failed');
  await expect(page.getByTestId('run-error')).toContainText('[agent] command failed');
});

test('a log flood ends with the terminal holding its last lines in order, as many as the scrollback keeps, in colour', async ({ page }) => {
  const FLOOD = 50_000;
  await open(page);
  await runImage(page, `registry.example/aicr:logs-${FLOOD}`);
  await expect(page.getByTestId('run-outcome')).toHaveText('done', { timeout: 60_000 });
  // The terminal may still be working through the end of the flood; the snapshot opens once it has.
  await expect(page.getByTestId('snapshot-summary')).toBeVisible({ timeout: 60_000 });
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download' }).click();
  const lines = readFileSync(await (await download).path(), 'utf8').trimEnd().split('\n');
  // The scrollback (20,000 lines) and a screenful: the flood's first lines are gone, none after them.
  expect(lines.length).toBeGreaterThan(20_000);
  expect(lines.length).toBeLessThan(20_100);
  const numbers = lines.flatMap((line) => /measurement batch: line=(\d+) of=/.exec(line)?.[1] ?? []).map(Number);
  expect(numbers.at(-1)).toBe(FLOOD);
  expect(numbers.length).toBeGreaterThan(19_900); // the rest are the agent's lines after the flood
  expect(numbers[0]).toBeGreaterThan(FLOOD - 20_100);
  expect(numbers).toEqual(Array.from({ length: numbers.length }, (_v, i) => (numbers[0] as number) + i));
  // The agent's lines are green on screen (each sets its colour and resets it).
  await expect(logs(page).locator('span.xterm-fg-2').first()).toBeVisible();
  // The scrollbar shows the view at the end of 20,000 lines, and the mouse wheel scrolls back through them.
  const firstShown = async () => Number(/line=(\d+) of=/.exec((await logs(page).textContent()) ?? '')?.[1] ?? Number.NaN);
  const sliderTop = async () => (await page.getByTestId('log-terminal').locator('.scrollbar.vertical .slider').boundingBox())?.y ?? Number.NaN;
  const [atEnd, sliderAtEnd] = [await firstShown(), await sliderTop()];
  await page.getByTestId('log-terminal').hover();
  for (let notch = 0; notch < 40; notch++) await page.mouse.wheel(0, -120);
  await expect.poll(firstShown).toBeLessThan(atEnd - 100);
  await expect.poll(sliderTop).toBeLessThan(sliderAtEnd);
});

test('a slow run cancelled leaves nothing in the cluster', async ({ page }) => {
  await open(page);
  await runImage(page, 'registry.example/aicr:slow-60');
  await expect(logs(page)).toContainText('[agent] collecting');
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('run-outcome')).toHaveText('cancelled');
  await expect.poll(async () => objectsOfRun(await shownRunId(page)), { timeout: 30_000 }).toEqual([]);
});

test('the unreachable context is marked without holding up the others', async ({ page }) => {
  await page.goto(process.env.AICR_E2E_URL as string);
  await expect(page.getByTestId('probe-aicr-unreachable')).toContainText('cannot reach Kubernetes API server');
  await expect(page.locator('[data-context="aicr-unreachable"] .dot')).toHaveClass(/unreachable/);
  await expect(page.getByTestId('probe-aicr-exec')).toContainText('v1.');
});

test('two runs on two contexts at once', async ({ page }) => {
  await open(page);
  await runImage(page, 'registry.example/aicr:slow-3');
  await expect(page.getByTestId('run-outcome')).toHaveText('running');
  const first = await shownRunId(page);
  await open(page, 'aicr-exec');
  await expect(page.getByTestId('permissions-summary')).toHaveText('All 22 required permissions are granted');
  await runImage(page);
  await expect.poll(() => shownRunId(page)).not.toBe(first);
  const second = await shownRunId(page);
  for (const runId of [first, second]) {
    await page.getByLabel('shown run').selectOption(runId);
    await expect(page.getByLabel('shown run')).toHaveValue(runId);
    await expect(page.getByTestId('run-outcome')).toHaveText('done');
  }
});

test('leftovers of earlier runs are offered for cleanup when the context opens', async ({ page }) => {
  // A run that kept its resources, through the CLI.
  const { execFileSync } = await import('node:child_process');
  const namespace = `leftover-${Date.now().toString(36)}`;
  let stderr = '';
  try {
    execFileSync(process.execPath, ['bin/aicr-studio.js', 'snapshot', '--kubeconfig', process.env.AICR_E2E_KUBECONFIG as string, '--context', 'aicr-admin', '-n', namespace, '--no-cleanup', '-o', '/dev/null'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    stderr = String((err as { stderr?: Buffer }).stderr);
  }
  expect(stderr).toBe('');
  await open(page);
  const leftovers = page.getByRole('region', { name: 'Left by earlier runs' });
  const entry = leftovers.locator('li', { hasText: `in ${namespace}` });
  await expect(entry).toContainText('finished · 7 objects');
  const runId = ((await entry.locator('strong').textContent()) as string).trim();
  await entry.getByRole('button', { name: 'Clean up' }).click();
  await expect(entry).toHaveCount(0);
  await expect.poll(() => objectsOfRun(runId), { timeout: 30_000 }).toEqual([]);
});

test('no serious accessibility violations on the main screens', async ({ page }) => {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  await open(page);
  await runImage(page);
  await expect(page.getByTestId('snapshot-summary')).toBeVisible();
  const results = await new AxeBuilder({ page }).exclude('.xterm').analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
});
