import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CALL_NAMES, callChannel } from '../../shared/call-names.ts';
import { callSchemas } from '../../shared/contract.ts';
import type { CallOutcome } from '../../electron/service/handlers.ts';
import { createHandlers } from '../../electron/service/handlers.ts';
import { bindIpc, type IpcMainPort, type IpcSender } from '../../electron/service/ipc-bridge.ts';
import { watchKubeconfig } from '../../electron/service/kubeconfig-watch.ts';
import { loginShellPath, mergedPath } from '../../electron/service/login-path.ts';
import { ContextRegistry } from '../../electron/service/contexts.ts';
import { SnapshotLibrary } from '../../electron/service/library.ts';
import { RunManager } from '../../electron/service/runs.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'aicr-desktop-'));
const kubeconfig = path.join(dir, 'config');
const writeConfig = (contexts: string[]) =>
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
      users: [{ name: 'u', user: { token: 'SECRET-TOKEN' } }],
      contexts: contexts.map((name) => ({ name, context: { cluster: 'c', user: 'u' } })),
      'current-context': contexts[0],
    }),
  );
writeConfig(['one', 'two']);

/** An in-memory stand-in for ipcMain with a renderer on the other end: what Electron would do, minus Electron. */
function memoryIpc() {
  const handlers = new Map<string, (sender: IpcSender, params: unknown) => Promise<CallOutcome>>();
  const port: IpcMainPort = { handle: (channel, listener) => void handlers.set(channel, listener), removeHandler: (channel) => void handlers.delete(channel) };
  const invoke = (channel: string, params: unknown, sender: IpcSender = { contentsId: 1, frameUrl: 'file:///app/index.html' }) => {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(sender, params);
  };
  return { port, handlers, invoke };
}

describe('the IPC adapter', () => {
  const contexts = new ContextRegistry({ kubeconfigPath: kubeconfig });
  const library = new SnapshotLibrary(path.join(dir, 'library'));
  const handlers = createHandlers({ contexts, runs: new RunManager(contexts, library), library });
  const trusted = (sender: IpcSender) => sender.contentsId === 1 && sender.frameUrl === 'file:///app/index.html';

  it('has one channel per call of the contract, and the list of names matches the schemas', () => {
    expect([...CALL_NAMES].sort()).toEqual(Object.keys(callSchemas).sort());
    const ipc = memoryIpc();
    const unbind = bindIpc(ipc.port, handlers, trusted);
    expect([...ipc.handlers.keys()].sort()).toEqual(CALL_NAMES.map(callChannel).sort());
    unbind();
    expect(ipc.handlers.size).toBe(0);
  });
  it('answers the app window with plain data, never credentials', async () => {
    const ipc = memoryIpc();
    bindIpc(ipc.port, handlers, trusted);
    const outcome = await ipc.invoke(callChannel('listContexts'), {});
    expect(outcome.ok && (outcome.result as { name: string }[]).map((c) => c.name)).toEqual(['one', 'two']);
    expect(JSON.stringify(outcome)).not.toContain('SECRET-TOKEN');
    const bad = await ipc.invoke(callChannel('cancelRun'), { runId: '../x' });
    expect(!bad.ok && bad.error.code).toBe('INVALID_REQUEST');
    expect(!bad.ok && bad.error.message).toContain('runId');
  });
  it('refuses other frames and windows before anything runs', async () => {
    const ipc = memoryIpc();
    bindIpc(ipc.port, handlers, trusted);
    for (const sender of [{ contentsId: 2, frameUrl: 'file:///app/index.html' }, { contentsId: 1, frameUrl: 'https://evil.example/' }]) {
      const outcome = await ipc.invoke(callChannel('listContexts'), {}, sender);
      expect(!outcome.ok && outcome.error.code).toBe('UNAUTHORIZED');
    }
  });
});

describe('desktop start-up helpers', () => {
  it("takes PATH from the user's login shell, banners and all, and keeps the current entries", async () => {
    const shell = path.join(dir, 'fake-shell');
    writeFileSync(shell, '#!/bin/sh\necho "Welcome banner"\nPATH=/opt/homebrew/bin:/usr/bin\neval "$2"\n', { mode: 0o755 });
    expect(await loginShellPath(shell)).toBe('/opt/homebrew/bin:/usr/bin');
    expect(mergedPath('/opt/homebrew/bin:/usr/bin', '/usr/bin:/bin')).toBe('/opt/homebrew/bin:/usr/bin:/bin');
    const hanging = path.join(dir, 'hanging-shell');
    writeFileSync(hanging, '#!/bin/sh\nsleep 30\n', { mode: 0o755 });
    const started = Date.now();
    expect(await loginShellPath(hanging, 300)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
  it('notices kubeconfig changes, including a replace by rename', async () => {
    let changes = 0;
    const stop = watchKubeconfig({ kubeconfigPath: kubeconfig }, () => changes++);
    try {
      const next = path.join(dir, 'config.new');
      writeFileSync(next, '{}');
      renameSync(next, kubeconfig);
      await new Promise((r) => setTimeout(r, 800));
      expect(changes).toBe(1);
    } finally {
      stop();
      writeConfig(['one', 'two']);
    }
  });
});
