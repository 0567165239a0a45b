/**
 * The renderer's stores and components in happy-dom, with the preload replaced by a scripted one
 * (what main answers is proven by the integration and end-to-end tests).
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent, CallName, ClusterInventory, ContextSummary, PermissionCheckResult, PreloadApi, RunSummary } from '../../shared/contract.ts';
import { toNodeTable } from '../../shared/node-table.ts';

const contexts: ContextSummary[] = [
  { name: 'prod', cluster: 'c', user: 'admin', namespace: 'default', server: 'https://prod', file: '/k', current: true },
  { name: 'lab', cluster: 'l', user: 'me', namespace: 'gpu', server: 'https://lab', file: '/k', current: false },
];
const inventory: ClusterInventory = {
  nodes: toNodeTable([
    { name: 'gpu-1', labels: { nodeGroup: 'gpu' }, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }], gpus: 8 },
    { name: 'cpu-1', labels: { nodeGroup: 'system' }, taints: [], gpus: 0 },
  ]),
  namespaces: ['default', 'gpu'],
  runtimeClasses: ['nvidia'],
};
let checks: PermissionCheckResult[] = [];
const listeners = new Set<(event: AppEvent) => void>();
const calls: { name: CallName; params: unknown }[] = [];
const answers: Partial<Record<CallName, (params: never) => unknown>> = {
  listContexts: () => contexts,
  probeContext: () => ({ reachable: true, serverVersion: 'v1.37.2', username: 'admin' }),
  clusterInventory: () => inventory,
  checkPermissions: () => checks,
  listRuns: () => [],
  listSnapshots: () => [],
  listLeftovers: () => [],
};

beforeAll(() => {
  const preload = Object.fromEntries(
    Object.keys(answers).map((name) => [name, async (params: unknown) => (calls.push({ name: name as CallName, params }), { ok: true, result: answers[name as CallName]?.(params as never) })]),
  ) as unknown as PreloadApi;
  preload.onEvent = (listener) => (listeners.add(listener), () => listeners.delete(listener));
  window.aicrStudioPreload = preload;
});
afterEach(cleanup);

const emit = (event: AppEvent) => act(() => listeners.forEach((l) => l(event)));
const check = (allowed: boolean, resource = 'roles'): PermissionCheckResult => ({ verb: 'create', resource, namespace: 'default', purpose: `create the agent's ${resource}`, allowed, reason: '' });

async function renderApp() {
  const { App } = await import('../../renderer/App.tsx');
  render(<App />);
  await screen.findByText('prod');
  await act(async () => {});
}

describe('the app', () => {
  it('lists contexts with what the probes found and selects the current one', async () => {
    checks = [check(true)];
    await renderApp();
    expect(screen.getByTestId('probe-prod').textContent).toBe('v1.37.2 · admin');
    expect(screen.getByRole('button', { pressed: true }).textContent).toContain('prod');
    expect(screen.getByTestId('permissions-summary').textContent).toBe('All 1 required permissions are granted');
  });

  it('a denied permission disables Run and says why', async () => {
    checks = [check(true), check(false, 'clusterroles')];
    await renderApp();
    expect(screen.getByTestId('permissions-summary').textContent).toBe('1 of 2 required permissions are missing');
    expect((screen.getByTestId('run') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('run-disabled-reason').textContent).toContain('a required permission is missing');
  });

  it('validates fields inline with the shared validators and counts matching nodes live', async () => {
    checks = [check(true)];
    await renderApp();
    const namespace = screen.getByRole('combobox', { name: 'Namespace' });
    fireEvent.change(namespace, { target: { value: 'Bad_NS' } });
    expect(namespace.getAttribute('aria-invalid')).toBe('true');
    expect((screen.getByTestId('run') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(namespace, { target: { value: 'default' } });
    expect(screen.getByTestId('node-match').textContent).toContain('2 of 2 nodes match the selector; 2 can host the agent');
    // The selector's suggestions, from the nodes' labels.
    const options = (list: string) => [...document.querySelectorAll(`#${list} option`)].map((o) => o.getAttribute('value'));
    expect(options('label-suggestions')).toEqual(['nodeGroup']);
    expect(options('label-pairs')).toEqual(['nodeGroup=gpu', 'nodeGroup=system']);
    const selector = screen.getByTestId('selector-input');
    fireEvent.change(selector, { target: { value: 'nodeGroup=gpu' } });
    fireEvent.keyDown(selector, { key: 'Enter' });
    expect(screen.getByTestId('node-match').textContent).toContain('1 of 2 nodes match the selector; 1 can host the agent');
    // Settings are remembered per context.
    expect(JSON.parse(localStorage.getItem('aicr-studio.settings.prod') ?? '{}').nodeSelector).toEqual({ nodeGroup: 'gpu' });
  });

  it('shows a run from its events, even those that come before its summary', async () => {
    checks = [check(true)];
    await renderApp();
    const { useStudio } = await import('../../renderer/store.ts');
    emit({ type: 'run-event', event: { runId: 'k3x9q2ab', seq: 1, type: 'phase', phase: 'checking-permissions' } });
    const summary: RunSummary = { runId: 'k3x9q2ab', context: 'prod', namespace: 'default', startedAt: new Date().toISOString(), outcome: 'running', phase: 'deploying' };
    emit({ type: 'run-summary', run: summary });
    emit({ type: 'run-event', event: { runId: 'k3x9q2ab', seq: 2, type: 'warning', message: 'no node selector given: targeting GPU nodes' } });
    act(() => useStudio.getState().showRun('k3x9q2ab'));
    expect(screen.getByTestId('run-outcome').textContent).toBe('running');
    expect(screen.getByRole('status').textContent).toContain('targeting GPU nodes');
    expect(useStudio.getState().runs.k3x9q2ab?.events.map((e) => e.type)).toEqual(['phase', 'warning']);
    emit({ type: 'run-summary', run: { ...summary, outcome: 'failed', error: { code: 'INTERNAL', message: '[INTERNAL] job failed', summary: 'job failed', guidance: '', details: { logTail: '[agent] boom\n' }, causes: [] } } });
    expect(screen.getByTestId('run-error').textContent).toContain('[agent] boom');
  });

  it('re-lists contexts when the kubeconfig changes', async () => {
    checks = [check(true)];
    await renderApp();
    contexts.push({ name: 'new-cluster', cluster: 'n', user: 'u', namespace: 'default', server: 'https://n', file: '/k', current: false });
    emit({ type: 'contexts-changed' });
    expect(await screen.findByText('new-cluster')).toBeTruthy();
  });

  it('the form is not drawn again for updates it does not show (probes, runs, leftovers)', async () => {
    checks = [check(true)];
    const { Profiler } = await import('react');
    const { AgentForm } = await import('../../renderer/components/AgentForm.tsx');
    const { useStudio } = await import('../../renderer/store.ts');
    let renders = 0;
    render(
      <Profiler id="form" onRender={() => renders++}>
        <AgentForm />
      </Profiler>,
    );
    await act(() => useStudio.getState().init());
    await screen.findByText(/of 2 nodes match/);
    const before = renders;
    act(() => useStudio.setState({ probes: { lab: 'probing' }, leftovers: { lab: [] }, runs: {} }));
    expect(renders).toBe(before);
    act(() => useStudio.getState().updateSettings({ debug: true }));
    expect(renders).toBe(before + 1);
  });
});
