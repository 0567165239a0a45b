/**
 * Browser mode over its real transport (HTTP + WebSocket) against the real control plane: the
 * lock-down (token, Host, Origin), the contract's validation, and runs driven the way the renderer
 * drives them.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppEvent, CallName, CallParams, CallResult, RunSummary } from '../../shared/contract.ts';
import type { PlainError } from '../../shared/errors.ts';
import { startServer } from '../../electron/serve/server.ts';
import { ContextRegistry } from '../../electron/service/contexts.ts';
import { fromNodeTable } from '../../shared/node-table.ts';
import { SnapshotLibrary } from '../../electron/service/library.ts';
import { RunManager } from '../../electron/service/runs.ts';
import { agentSettingsOf, defaultSettings } from '../../renderer/settings.ts';
import { startBrowserMode } from '../cluster/browser-mode.ts';
import { cluster, CONTEXTS, objectsOfRun, uniqueNamespace } from './helpers.ts';

const rendererDir = mkdtempSync(path.join(tmpdir(), 'aicr-renderer-'));
writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>aicr-studio</title>');
mkdirSync(path.join(rendererDir, 'assets'));
const libraryDir = mkdtempSync(path.join(tmpdir(), 'aicr-library-'));
const contexts = new ContextRegistry({ kubeconfigPath: cluster().kubeconfig });
const library = new SnapshotLibrary(libraryDir);
const runs = new RunManager(contexts, library);
const server = await startServer({ services: { contexts, runs, library }, rendererDir, port: 0 });
const origin = `http://127.0.0.1:${server.port}`;
const cookie = `aicr_token=${server.token}`;
afterAll(() => server.close());

/** A client speaking the renderer's protocol. */
async function connect(headers: Record<string, string> = { Origin: origin, Cookie: cookie }, port = server.port) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  let nextId = 1;
  const events: AppEvent[] = [];
  const waiting = new Map<number, (reply: { ok: boolean; result?: unknown; error?: PlainError }) => void>();
  // A reply with textFollows gets that field from the next frame, a binary one (a snapshot's text).
  let awaitingText: { id?: number; ok: boolean; result?: Record<string, unknown>; textFollows?: string } | undefined;
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      const reply = awaitingText as NonNullable<typeof awaitingText>;
      awaitingText = undefined;
      (reply.result as Record<string, unknown>)[reply.textFollows as string] = String(data);
      waiting.get(reply.id ?? -1)?.(reply as never);
      return;
    }
    const message = JSON.parse(String(data)) as { id?: number; event?: AppEvent; ok: boolean; textFollows?: string };
    if (message.textFollows) awaitingText = message;
    else if (message.event) {
      events.push(message.event);
      // The renderer acknowledges log lines as its terminal takes them.
      if (message.event.type === 'run-event' && message.event.event.type === 'log') {
        ws.send(JSON.stringify({ id: 0, call: 'ackLogs', params: { runId: message.event.event.runId, lines: (message.event.event.lines as string[]).length } }));
      }
    } else waiting.get(message.id ?? -1)?.(message as never);
  });
  const raw = (call: string, params: unknown) =>
    new Promise<{ ok: boolean; result?: unknown; error?: PlainError }>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, call, params }));
    });
  return {
    ws,
    events,
    raw,
    async call<N extends CallName>(name: N, params: CallParams<N>): Promise<CallResult<N>> {
      const reply = await raw(name, params);
      if (!reply.ok) throw new Error(reply.error?.message);
      return reply.result as CallResult<N>;
    },
    /** Resolves with the run's summary once it has ended. */
    ended: (runId: string, timeoutMs = 60_000) =>
      new Promise<RunSummary>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`run ${runId} did not end`)), timeoutMs);
        const check = () => {
          const last = events.filter((e): e is Extract<AppEvent, { type: 'run-summary' }> => e.type === 'run-summary' && e.run.runId === runId).at(-1);
          if (last && last.run.outcome !== 'running') {
            clearTimeout(timer);
            resolve(last.run);
          } else setTimeout(check, 50);
        };
        check();
      }),
  };
}

const gpuSettings = (overrides: Partial<ReturnType<typeof defaultSettings>> = {}) =>
  agentSettingsOf({ ...defaultSettings(uniqueNamespace('browser')), nodeSelector: { nodeGroup: 'customer-gpu' }, ...overrides });

describe('browser mode is locked down', () => {
  it('HTTP needs the token (URL once, then the cookie) and the exact Host', async () => {
    expect((await fetch(`${origin}/`)).status).toBe(401);
    const exchange = await fetch(server.url, { redirect: 'manual' });
    expect(exchange.status).toBe(303);
    expect(exchange.headers.get('set-cookie')).toContain('HttpOnly; SameSite=Strict');
    const page = await fetch(`${origin}/`, { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    // DNS rebinding: a foreign name resolving to 127.0.0.1 is refused even with the token.
    const rebound = await new Promise<number>((resolve) => {
      import('node:http').then(({ request }) => request({ host: '127.0.0.1', port: server.port, path: '/', headers: { Host: `evil.example:${server.port}`, Cookie: cookie } }, (res) => resolve(res.statusCode ?? 0)).end());
    });
    expect(rebound).toBe(421);
    expect((await fetch(`${origin}/../../etc/passwd`, { headers: { Cookie: cookie } })).status).toBe(404);
  });

  it('WebSockets need the cookie and this origin', async () => {
    await expect(connect({ Origin: origin })).rejects.toThrow('HTTP 403');
    await expect(connect({ Origin: 'http://evil.example', Cookie: cookie })).rejects.toThrow('HTTP 403');
    await expect(connect({ Cookie: cookie })).rejects.toThrow('HTTP 403');
    const client = await connect();
    expect((await client.call('listContexts', {})).map((c) => c.name)).toEqual([CONTEXTS.admin, CONTEXTS.restricted, CONTEXTS.exec, CONTEXTS.unreachable]);
    client.ws.close();
  });

  it('every call is checked against the contract before anything runs', async () => {
    const client = await connect();
    const bad = await client.raw('startRun', { context: CONTEXTS.admin, settings: { namespace: 'x' }, timeoutMs: 10, cleanup: true });
    expect(bad.error?.code).toBe('INVALID_REQUEST');
    expect(bad.error?.message).toContain('settings.serviceAccountName');
    expect(bad.error?.message).toContain('timeoutMs');
    expect((await client.raw('readKubeconfig', { path: '/root/.kube/config' })).error?.message).toContain('unknown call "readKubeconfig"');
    expect((await client.raw('readSnapshot', { id: '../../etc/passwd' })).error?.code).toBe('INVALID_REQUEST');
    expect((await client.raw('listContexts', { kubeconfig: '/tmp/other' })).error?.code).toBe('INVALID_REQUEST');
    const invalidSettings = await client.raw('startRun', { context: CONTEXTS.admin, settings: gpuSettings({ namespace: 'Bad_NS' }), timeoutMs: 60_000, cleanup: true });
    expect(invalidSettings.error?.message).toContain('namespace:');
    expect((await client.raw('probeContext', { context: 'no-such-context' })).result).toMatchObject({ reachable: false });
    client.ws.close();
  });
});

describe('browser mode drives real runs', () => {
  it('probes contexts without waiting on dead ones; the restricted user sees denied checks', async () => {
    const client = await connect();
    const started = Date.now();
    const [admin, unreachable] = await Promise.all([client.call('probeContext', { context: CONTEXTS.admin }), client.call('probeContext', { context: CONTEXTS.unreachable })]);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(admin).toMatchObject({ reachable: true, serverVersion: expect.stringMatching(/^v1\./), username: 'aicr-admin' });
    expect(unreachable.reachable).toBe(false);
    expect(unreachable.error?.code).toBe('SERVICE_UNAVAILABLE');
    const checks = await client.call('checkPermissions', { context: CONTEXTS.restricted, settings: gpuSettings({ namespace: 'aicr-restricted' }) });
    expect(checks.filter((c) => !c.allowed).map((c) => c.resource)).toEqual(['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings', 'roles', 'rolebindings', 'clusterroles', 'clusterrolebindings']);
    const inventory = await client.call('clusterInventory', { context: CONTEXTS.admin });
    expect(fromNodeTable(inventory.nodes).map((n) => [n.name, n.gpus])).toEqual([
      ['cpu-node-1', 0],
      ['gpu-node-1', 8],
      ['gpu-node-2', 8],
    ]);
    expect(inventory.runtimeClasses).toContain('nvidia');
    client.ws.close();
  });

  it('two runs on two contexts at once: logs arrive in batches, snapshots land in the library', async () => {
    const client = await connect();
    const [a, b] = await Promise.all([
      client.call('startRun', { context: CONTEXTS.admin, settings: gpuSettings({ image: 'registry.example/aicr:logs-5000' }), timeoutMs: 60_000, cleanup: true }),
      client.call('startRun', { context: CONTEXTS.exec, settings: gpuSettings(), timeoutMs: 60_000, cleanup: true }),
    ]);
    const [endA, endB] = await Promise.all([client.ended(a.runId), client.ended(b.runId)]);
    expect([endA.outcome, endB.outcome]).toEqual(['done', 'done']);
    const logBatches = client.events.flatMap((e) => (e.type === 'run-event' && e.event.type === 'log' && e.event.runId === a.runId ? [e.event.lines as string[]] : []));
    expect(logBatches.flat().filter((l) => l.includes('collecting measurement batch'))).toHaveLength(5000);
    expect(logBatches.length).toBeLessThan(500); // batched, not one message per line
    const snapshots = await client.call('listSnapshots', {});
    expect(snapshots.map((s) => s.id)).toEqual(expect.arrayContaining([endA.snapshotId, endB.snapshotId]));
    const saved = await client.call('readSnapshot', { id: endA.snapshotId! });
    expect(saved.yaml).toContain('kind: Snapshot');
    expect(saved).toMatchObject({ complete: true, bytes: Buffer.byteLength(saved.yaml) });
    const head = await client.call('readSnapshot', { id: endA.snapshotId!, headBytes: 64 });
    expect(head).toMatchObject({ complete: false, bytes: saved.bytes });
    expect(saved.yaml.startsWith(head.yaml)).toBe(true);
    expect(head.yaml).toMatch(/\n$/);
    expect(head.yaml.length).toBeLessThanOrEqual(64);
    expect(endA.snapshotId).toMatch(/^aicr-admin-gpu-node-[12]-\d{8}T\d{6}Z\.yaml$/);
    for (const run of [a, b]) expect(await objectsOfRun(run.runId)).toEqual([]);
    client.ws.close();
  });

  it('a cancelled run ends cancelled and leaves nothing; a failed one carries its error and log tail', async () => {
    const client = await connect();
    const slow = await client.call('startRun', { context: CONTEXTS.admin, settings: gpuSettings({ image: 'registry.example/aicr:slow-60' }), timeoutMs: 120_000, cleanup: true });
    await new Promise<void>((resolve) => {
      const check = () => (client.events.some((e) => e.type === 'run-event' && e.event.runId === slow.runId && e.event.type === 'log') ? resolve() : setTimeout(check, 50));
      check();
    });
    await client.call('cancelRun', { runId: slow.runId });
    expect((await client.ended(slow.runId)).outcome).toBe('cancelled');
    expect(await objectsOfRun(slow.runId)).toEqual([]);

    const failing = await client.call('startRun', { context: CONTEXTS.admin, settings: gpuSettings({ image: 'registry.example/aicr:fail' }), timeoutMs: 60_000, cleanup: true });
    const ended = await client.ended(failing.runId);
    expect(ended.outcome).toBe('failed');
    expect(ended.error?.message).toContain('job failed');
    expect(String(ended.error?.details.logTail)).toContain('[agent] command failed');
    client.ws.close();
  });
});

describe('stopping browser mode', () => {
  it('Ctrl-C with a run in progress cancels it and cleans up before exiting', async () => {
    const served = await startBrowserMode(cluster().kubeconfig, mkdtempSync(path.join(tmpdir(), 'aicr-library-')), rendererDir);
    const url = new URL(served.url);
    const client = await connect({ Origin: url.origin, Cookie: `aicr_token=${url.searchParams.get('token')}` }, Number(url.port));
    const run = await client.call('startRun', { context: CONTEXTS.admin, settings: gpuSettings({ image: 'registry.example/aicr:slow-60' }), timeoutMs: 120_000, cleanup: true });
    await new Promise<void>((resolve) => {
      const check = () => (client.events.some((e) => e.type === 'run-event' && e.event.runId === run.runId && e.event.type === 'log') ? resolve() : setTimeout(check, 50));
      check();
    });
    await served.stop();
    expect(await objectsOfRun(run.runId)).toEqual([]);
  });
});
