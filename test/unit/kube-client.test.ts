import http from 'node:http';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../electron/kube/client.ts';
import { isNetworkError, isTlsFailure, KubeApiError, KubeNetworkError, KubeTlsError } from '../../electron/kube/errors.ts';
import type { ClusterEntry, UserEntry } from '../../electron/kube/kubeconfig.ts';
import { watchUntil } from '../../electron/kube/watch.ts';
import { listNodes } from '../../electron/kube/node-list.ts';
import { fromNodeTable } from '../../shared/node-table.ts';

// A server that accepts connections and never says a word: what a half-broken VPN or proxy looks like.
const held = new Set<net.Socket>();
const silent = net.createServer((socket) => held.add(socket));
await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));

/** A plain-HTTP server answering with whatever the test sets (kubectl proxy speaks http://). */
let handler: http.RequestListener = (_req, res) => res.end('{}');
const plain = http.createServer((req, res) => handler(req, res));
await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
const plainUrl = `http://127.0.0.1:${(plain.address() as net.AddressInfo).port}`;

afterAll(async () => {
  for (const socket of held) socket.destroy();
  plain.closeAllConnections();
  await Promise.all([new Promise((r) => silent.close(r)), new Promise((r) => plain.close(r))]);
});

const port = (server: net.Server) => (server.address() as net.AddressInfo).port;

function clientFor(server: string, cluster: Partial<ClusterEntry> = {}, user: Partial<UserEntry> = {}): KubeClient {
  return new KubeClient({
    name: 'ctx',
    cluster: { name: 'c', server, insecureSkipTlsVerify: true, ...cluster },
    user: { name: 'u', token: 'secret', impersonateGroups: [], ...user },
  });
}

describe('KubeClient transport failures', () => {
  it('a server that never answers is a network error, not a cancellation', async () => {
    const error = await clientFor(`https://127.0.0.1:${port(silent)}`).request('/version', { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeNetworkError);
    expect((error as Error).message).toContain('i/o timeout');
    expect(isNetworkError(error)).toBe(true);
  });
  it("the caller's own cancellation stays a cancellation", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user cancelled')), 100);
    const error = await clientFor(`https://127.0.0.1:${port(silent)}`).request('/version', { signal: controller.signal, timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('user cancelled');
    expect(isNetworkError(error)).toBe(false);
  });
  it('a proxy that accepts and never answers is bounded by the caller signal, streams included', async () => {
    const client = clientFor('https://10.255.255.1:6443', { proxyUrl: `http://127.0.0.1:${port(silent)}` });
    const started = Date.now();
    const error = await client.stream('/api/v1/pods', { signal: AbortSignal.timeout(500) }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((error as Error).name).toBe('TimeoutError');
  });
  it('requests go through the configured proxy (HTTP CONNECT and SOCKS), never around it', async () => {
    const asked: string[] = [];
    // An HTTP proxy that notes what it is asked to connect to and refuses it.
    const connectProxy = http.createServer();
    connectProxy.on('connect', (req: http.IncomingMessage, socket: net.Socket) => {
      asked.push(`CONNECT ${req.url}`);
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    });
    // A SOCKS server that notes its greeting and hangs up.
    const socks = net.createServer((socket) => socket.once('data', (greeting) => (asked.push(`SOCKS ${greeting[0]}`), socket.destroy())));
    await Promise.all([connectProxy, socks].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
    try {
      for (const proxyUrl of [`http://127.0.0.1:${port(connectProxy)}`, `socks5h://127.0.0.1:${port(socks)}`]) {
        const error = await clientFor('https://kube.example:6443', { proxyUrl }).request('/version', { timeoutMs: 2_000 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
      }
      expect(asked).toEqual(['CONNECT kube.example:6443', 'SOCKS 5']);
    } finally {
      await Promise.all([connectProxy, socks].map((server) => new Promise((resolve) => server.close(resolve))));
    }
  });
  it('a closed port is refused at once', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = port(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await clientFor(`https://127.0.0.1:${closedPort}`).request('/version').catch((e: unknown) => e);
    expect((error as KubeNetworkError).code).toBe('ECONNREFUSED');
    expect((error as Error).message).toMatch(/^GET https:\/\/127\.0\.0\.1:\d+\/version: connect ECONNREFUSED/);
  });
  it('user:password in the server URL never appears in messages', async () => {
    const client = clientFor(`https://admin:PLANTED-PASSWORD@127.0.0.1:${port(silent)}`);
    expect(client.server).toBe(`https://127.0.0.1:${port(silent)}`);
    const error = await client.request('/version', { timeoutMs: 200 }).catch((e: unknown) => e);
    expect((error as Error).message).not.toContain('PLANTED-PASSWORD');
    expect((error as Error).message).toContain('i/o timeout');
  });
  it('an untrusted certificate is a TLS problem, not a network outage', async () => {
    const { createServer } = await import('node:https');
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/aicr-tls-`);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-subj', '/CN=other', '-days', '1'], { stdio: 'ignore' });
    const tls = createServer({ key: readFileSync(`${dir}/key.pem`), cert: readFileSync(`${dir}/cert.pem`) }, (_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    try {
      const error = await clientFor(`https://127.0.0.1:${port(tls)}`, { insecureSkipTlsVerify: false }).request('/version').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubeTlsError);
      expect(isTlsFailure(error)).toBe(true);
      expect(isNetworkError(error)).toBe(false);
    } finally {
      tls.close();
    }
  });
});

describe('KubeClient over http:// (kubectl proxy)', () => {
  it('works, and sends the credential', async () => {
    let authorization: string | undefined;
    handler = (req, res) => {
      authorization = req.headers.authorization;
      res.end(JSON.stringify({ gitVersion: 'v1.37.2' }));
    };
    expect(await clientFor(plainUrl).request('/version')).toEqual({ gitVersion: 'v1.37.2' });
    expect(authorization).toBe('Bearer secret');
  });
  it('a huge error body is cut, not buffered', async () => {
    handler = (_req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      const chunk = Buffer.alloc(1024 * 1024, 'e');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    };
    const before = process.memoryUsage().rss;
    const error = await clientFor(plainUrl).request('/version').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).status).toBe(500);
    expect((error as Error).message.length).toBeLessThanOrEqual(500);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });
  it('a Status error keeps its reason and loses control sequences', async () => {
    handler = (_req, res) => {
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', reason: 'Forbidden', message: 'no\x1b]0;title\x07 way' }));
    };
    const error = (await clientFor(plainUrl).request('/api').catch((e: unknown) => e)) as KubeApiError;
    expect([error.status, error.reason, error.message]).toEqual([403, 'Forbidden', 'no way']);
  });
  it('one bad watch line is reported and skipped', async () => {
    handler = (req, res) => {
      if (!req.url?.includes('watch=true')) return res.end(JSON.stringify({ metadata: { resourceVersion: '1' }, items: [] }));
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"2"}}}\n');
      res.write('this is not json\n');
      res.write('{"type":"ADDED","object":{"metadata":{"name":"b","resourceVersion":"3"}}}\n');
      // Asked for a streaming list, the stream's objects are its initial state, which a bookmark ends.
      if (req.url.includes('sendInitialEvents=true')) res.write('{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"3","annotations":{"k8s.io/initial-events-end":"true"}}}}\n');
    };
    const problems: string[] = [];
    const names = await watchUntil<{ metadata: { name: string } }, string[]>(
      clientFor(plainUrl),
      { path: '/api/v1/namespaces/x/pods' },
      (_change, objects) => (objects.size === 2 ? [...objects.values()].map((o) => o.metadata.name) : undefined),
      { signal: AbortSignal.timeout(5_000), onBadEvent: (p) => problems.push(p) },
    );
    expect(names).toEqual(['a', 'b']);
    expect(problems).toEqual(['skipped a watch event that is not valid JSON (16 bytes)']);
  });
});

describe('KubeClient compression and encodings', () => {
  it('asks for gzip on requests and reads a compressed answer, but never on streams', async () => {
    const encodings: (string | undefined)[] = [];
    handler = (req, res) => {
      encodings.push(req.headers['accept-encoding'] as string | undefined);
      if (req.url?.includes('follow')) return res.end('a log line\n');
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ items: [{ name: 'é'.repeat(100_000) }] })));
    };
    const client = clientFor(plainUrl);
    expect(await client.request('/api/v1/nodes')).toEqual({ items: [{ name: 'é'.repeat(100_000) }] });
    (await client.stream('/api/v1/namespaces/x/pods/p/log', { query: { follow: true } })).resume();
    expect(encodings).toEqual(['gzip', undefined]);
  });
  it('a compressed answer counts as what it unpacks to: a gzip bomb of an error body is cut', async () => {
    handler = (_req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' });
      res.end(gzipSync(Buffer.alloc(50 * 1024 * 1024, 'e')));
    };
    const error = await clientFor(plainUrl).request('/version').catch((e: unknown) => e);
    expect((error as KubeApiError).status).toBe(500);
    expect((error as Error).message).toBe('e'.repeat(500));
  });
  it('an empty answer marked compressed is empty, not an error', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': '0' });
      res.end();
    };
    expect(await clientFor(plainUrl).request('/api/v1/namespaces/x', { method: 'DELETE' })).toBeUndefined();
  });
  it('a corrupt compressed answer is a network error that says so', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      res.end(gzipSync('{"items":[]}').subarray(0, 12));
    };
    const error = await clientFor(plainUrl).request('/api/v1/nodes').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeNetworkError);
    expect((error as Error).message).toMatch(/^reading response: /);
  });
  it('the node list asks for protobuf and reads JSON when the server answers with it', async () => {
    let accept: string | undefined;
    handler = (req, res) => {
      accept = req.headers.accept;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ items: [{ metadata: { name: 'n1', labels: { a: 'b' } }, spec: { taints: [{ key: 'k', effect: 'NoSchedule', timeAdded: '2026-11-28T00:00:00Z' }] }, status: { capacity: { 'nvidia.com/gpu': '4' } } }] }));
    };
    expect(fromNodeTable(await listNodes(clientFor(plainUrl), AbortSignal.timeout(5_000)))).toEqual([{ name: 'n1', labels: { a: 'b' }, taints: [{ key: 'k', effect: 'NoSchedule' }], gpus: 4 }]);
    expect(accept).toBe('application/vnd.kubernetes.protobuf, application/json');
  });
  it('a protobuf answer the node list cannot read is asked for again as JSON', async () => {
    const accepts: (string | undefined)[] = [];
    handler = (req, res) => {
      accepts.push(req.headers.accept);
      if (req.headers.accept?.includes('protobuf')) {
        res.writeHead(200, { 'Content-Type': 'application/vnd.kubernetes.protobuf' });
        return res.end('not protobuf at all');
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ items: [{ metadata: { name: 'n1' } }] }));
    };
    expect(fromNodeTable(await listNodes(clientFor(plainUrl), AbortSignal.timeout(5_000)))).toEqual([{ name: 'n1', labels: {}, taints: [], gpus: 0 }]);
    expect(accepts).toEqual(['application/vnd.kubernetes.protobuf, application/json', 'application/json']);
  });
});
