/**
 * The watch loop's own mechanics, driven by a scripted HTTP server (states the real API server
 * produces only by chance: streams ending, silence, 410 inside a stream). The real 410 and API-server
 * restarts are proven on the real control plane (integration tests).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../electron/kube/client.ts';
import { watchUntil, type WatchChange } from '../../electron/kube/watch.ts';
import { rejection } from '../rejection.ts';

type Script = (req: http.IncomingMessage, res: http.ServerResponse, call: number) => void;
let script: Script = (_req, res) => res.end();
let calls: string[] = [];
/** Most scripts play a server without streaming lists, which refuses them as the API server does with WatchList off. */
let refuseStreamingLists = true;
const isStreamingList = (req: http.IncomingMessage) => req.url?.includes('sendInitialEvents=true') ?? false;
const server = http.createServer((req, res) => {
  if (refuseStreamingLists && isStreamingList(req)) {
    res.writeHead(422, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 422, reason: 'Invalid', message: 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled' }));
    return;
  }
  calls.push(req.url ?? '');
  script(req, res, calls.length);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/** A fresh client per run: what a client learnt about the server's streaming lists stays with it. */
const newClient = () =>
  new KubeClient({
    name: 'ctx',
    cluster: { name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, insecureSkipTlsVerify: false },
    user: { name: 'u', impersonateGroups: [] },
  });
const list = (rv: string, names: string[] = []) => JSON.stringify({ metadata: { resourceVersion: rv }, items: names.map((name) => ({ metadata: { name, resourceVersion: rv } })) });
const event = (type: string, name: string, rv: string, annotations?: Record<string, string>) => `${JSON.stringify({ type, object: { metadata: { name, resourceVersion: rv, ...(annotations ? { annotations } : {}) } } })}\n`;
const endOfList = (rv: string) => event('BOOKMARK', '', rv, { 'k8s.io/initial-events-end': 'true' });
const isWatch = (req: http.IncomingMessage) => req.url?.includes('watch=true') ?? false;
const isStreamingListUrl = (url: string) => url.includes('sendInitialEvents=true');
const param = (url: string, key: string) => new URL(url, 'http://x').searchParams.get(key);

function run(
  stopWhen: (change: WatchChange<{ metadata: { name?: string } }>, names: string[]) => boolean,
  options: { inactivityMs?: number; signal?: AbortSignal; onReconnect?: () => void; streamingLists?: boolean } = {},
) {
  calls = [];
  refuseStreamingLists = !options.streamingLists;
  const changes: string[] = [];
  const result = watchUntil<{ metadata: { name?: string; resourceVersion?: string } }, string[]>(
    newClient(),
    { path: '/api/v1/namespaces/ns/pods' },
    (change, objects) => {
      changes.push(change.type);
      const names = [...objects.values()].map((o) => o.metadata.name ?? '');
      return stopWhen(change, names) ? names : undefined;
    },
    { signal: options.signal ?? AbortSignal.timeout(5_000), ...(options.inactivityMs ? { inactivityMs: options.inactivityMs } : {}), ...(options.onReconnect ? { onReconnect: options.onReconnect } : {}) },
  );
  return { result, changes };
}

describe('the watch loop', () => {
  it('lists, then watches from the list resourceVersion, and resumes from the last one seen when a stream ends', async () => {
    script = (req, res, call) => {
      if (!isWatch(req)) return res.end(list('10', ['a']));
      if (call === 2) return res.end(event('ADDED', 'b', '11') + event('BOOKMARK', '', '15'));
      res.end(event('ADDED', 'c', '16'));
    };
    const { result, changes } = run((_c, names) => names.length === 3);
    expect(await result).toEqual(['a', 'b', 'c']);
    expect(changes).toEqual(['SYNCED', 'ADDED', 'ADDED']);
    expect(calls.slice(1).map((u) => param(u, 'resourceVersion'))).toEqual(['10', '15']);
  });

  it('a 410 inside the stream starts over from a fresh list', async () => {
    script = (req, res, call) => {
      if (!isWatch(req)) return res.end(list(call === 1 ? '10' : '50', call === 1 ? ['a'] : ['a', 'z']));
      res.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } })}\n`);
    };
    const { result, changes } = run((change, names) => change.type === 'SYNCED' && names.includes('z'));
    expect(await result).toEqual(['a', 'z']);
    expect(changes).toEqual(['SYNCED', 'SYNCED']);
  });

  it('a 410 answer to the watch request also re-lists', async () => {
    script = (req, res, call) => {
      if (!isWatch(req)) return res.end(list(String(call), call === 1 ? [] : ['fresh']));
      res.writeHead(410, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 410, reason: 'Gone', message: 'gone' }));
    };
    expect(await run((_c, names) => names.includes('fresh')).result).toEqual(['fresh']);
  });

  it('a silent stream is abandoned after the inactivity limit and watched again', async () => {
    let reconnects = 0;
    script = (req, res, call) => {
      if (!isWatch(req)) return res.end(list('10'));
      if (call === 2) return res.write(''); // headers sent, then silence
      res.end(event('ADDED', 'late', '11'));
    };
    const { result } = run((_c, names) => names.includes('late'), { inactivityMs: 200, onReconnect: () => reconnects++ });
    expect(await result).toEqual(['late']);
    expect(reconnects).toBe(1);
  });

  it('server errors are retried; a handler error ends the watch as it is', async () => {
    script = (req, res, call) => {
      if (call === 1) return res.writeHead(503).end('{"kind":"Status","code":503,"message":"busy"}');
      if (!isWatch(req)) return res.end(list('10', ['a']));
      res.write(event('ADDED', 'b', '11'));
    };
    const bug = new Error('handler bug');
    const { result } = run((change) => {
      if (change.type === 'ADDED') throw bug;
      return false;
    });
    expect(await rejection(result)).toBe(bug);
  });

  it('cancellation ends a waiting watch at once with its reason', async () => {
    script = (req, res) => (isWatch(req) ? res.write('') : res.end(list('10')));
    const controller = new AbortController();
    const { result } = run(() => false, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 100);
    const started = Date.now();
    expect((await rejection(result)).message).toBe('stop');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  describe('streaming lists (sendInitialEvents)', () => {
    it('take the initial state from the watch stream itself: no list request, resumed from the end bookmark', async () => {
      script = (req, res, call) => {
        if (!isWatch(req)) throw new Error('no list request expected');
        if (call === 1) return res.end(event('ADDED', 'a', '7') + event('ADDED', 'b', '9') + endOfList('12') + event('ADDED', 'c', '13'));
        res.end(event('ADDED', 'd', '14'));
      };
      const { result, changes } = run((_c, names) => names.length === 4, { streamingLists: true });
      expect(await result).toEqual(['a', 'b', 'c', 'd']);
      // The handler sees the state only once it is complete.
      expect(changes).toEqual(['SYNCED', 'ADDED', 'ADDED']);
      expect(param(calls[0] as string, 'resourceVersionMatch')).toBe('NotOlderThan');
      expect(calls.slice(1).map((u) => param(u, 'resourceVersion'))).toEqual(['13']);
    });

    it('a stream that ends before the end bookmark starts over', async () => {
      script = (_req, res, call) => {
        if (call === 1) return res.end(event('ADDED', 'partial', '7'));
        res.end(event('ADDED', 'a', '8') + endOfList('8'));
      };
      const { result, changes } = run((change) => change.type === 'SYNCED', { streamingLists: true });
      expect(await result).toEqual(['a']);
      expect(changes).toEqual(['SYNCED']);
      expect(calls.map((u) => param(u, 'sendInitialEvents'))).toEqual(['true', 'true']);
    });

    it('a server that ignores the parameter (no end bookmark) gets list + watch', async () => {
      script = (req, res) => {
        if (isStreamingList(req)) return res.write(event('ADDED', 'a', '10')); // a plain watch: objects, no end marker
        if (!isWatch(req)) return res.end(list('10', ['a']));
        res.end(event('ADDED', 'b', '11'));
      };
      const { result, changes } = run((_c, names) => names.length === 2, { streamingLists: true, inactivityMs: 300 });
      expect(await result).toEqual(['a', 'b']);
      expect(changes).toEqual(['SYNCED', 'ADDED']);
      expect(calls.map((u) => (isStreamingListUrl(u) ? 'streaming list' : param(u, 'watch') ? 'watch' : 'list'))).toEqual(['streaming list', 'list', 'watch']);
    });
  });
});
