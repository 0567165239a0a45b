import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../electron/kube/client.ts';
import { isNetworkError, KubeNetworkError } from '../../electron/kube/errors.ts';

// A server that accepts connections and never says a word: what a half-broken VPN or proxy looks like.
const held = new Set<net.Socket>();
const silent = net.createServer((socket) => held.add(socket));
await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
afterAll(() => {
  for (const socket of held) socket.destroy();
  return new Promise<void>((resolve) => silent.close(() => resolve()));
});

function clientFor(server: string): KubeClient {
  return new KubeClient({
    name: 'ctx',
    cluster: { name: 'c', server, insecureSkipTlsVerify: true },
    user: { name: 'u', token: 'secret', impersonateGroups: [] },
  });
}

describe('KubeClient transport failures', () => {
  it('a server that never answers is a network error, not a cancellation', async () => {
    const { port } = silent.address() as net.AddressInfo;
    const error = await clientFor(`https://127.0.0.1:${port}`).request('/version', { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeNetworkError);
    expect((error as Error).message).toContain('i/o timeout');
    expect(isNetworkError(error)).toBe(true);
  });
  it("the caller's own cancellation stays a cancellation", async () => {
    const { port } = silent.address() as net.AddressInfo;
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user cancelled')), 100);
    const error = await clientFor(`https://127.0.0.1:${port}`).request('/version', { signal: controller.signal, timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('user cancelled');
    expect(isNetworkError(error)).toBe(false);
  });
  it('a closed port is refused at once', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await clientFor(`https://127.0.0.1:${port}`).request('/version').catch((e: unknown) => e);
    expect((error as KubeNetworkError).code).toBe('ECONNREFUSED');
    expect((error as Error).message).toMatch(/^GET https:\/\/127\.0\.0\.1:\d+\/version: connect ECONNREFUSED/);
  });
});
