/** The current context's inventory read ahead at start-up: handed out once, while fresh; never stale. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ContextRegistry } from '../../electron/service/contexts.ts';
import { fromNodeTable } from '../../shared/node-table.ts';

let nodeLists = 0;
const server = http.createServer((req, res) => {
  if (req.url?.startsWith('/api/v1/nodes')) nodeLists++;
  const items = req.url?.startsWith('/api/v1/nodes') ? [{ metadata: { name: `node-${nodeLists}` } }] : [];
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({ metadata: {}, items }));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
afterAll(() => server.close());

const dir = mkdtempSync(path.join(tmpdir(), 'aicr-inventory-'));
const kubeconfig = path.join(dir, 'config');
writeFileSync(
  kubeconfig,
  JSON.stringify({
    clusters: [{ name: 'c', cluster: { server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } }],
    users: [{ name: 'u', user: {} }],
    contexts: [{ name: 'current', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'current',
  }),
);
const signal = () => AbortSignal.timeout(5_000);

describe('the inventory read ahead', () => {
  it('is what the window gets first, without a second node list; later reads are fresh', async () => {
    nodeLists = 0;
    const contexts = new ContextRegistry({ kubeconfigPath: kubeconfig });
    contexts.readAheadCurrentInventory();
    expect(fromNodeTable((await contexts.inventory('current', signal())).nodes).map((n) => n.name)).toEqual(['node-1']);
    expect(nodeLists).toBe(1);
    expect(fromNodeTable((await contexts.inventory('current', signal())).nodes).map((n) => n.name)).toEqual(['node-2']);
  });

  it('is not handed out when it is older than 15 s', async () => {
    nodeLists = 0;
    const contexts = new ContextRegistry({ kubeconfigPath: kubeconfig });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      contexts.readAheadCurrentInventory();
      await vi.waitFor(() => expect(nodeLists).toBe(1));
      vi.setSystemTime(Date.now() + 16_000);
      expect(fromNodeTable((await contexts.inventory('current', signal())).nodes).map((n) => n.name)).toEqual(['node-2']);
    } finally {
      vi.useRealTimers();
    }
  });
});
