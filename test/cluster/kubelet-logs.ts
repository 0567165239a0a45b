/**
 * The simulated kubelet's container logs and the HTTPS endpoint the API server proxies pods/log to:
 * GET /containerLogs/{namespace}/{pod}/{container} with follow, tailLines, sinceTime, sinceSeconds,
 * timestamps and limitBytes, as the real kubelet serves it.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { timestampNanos } from '../../electron/agent/log-timestamps.ts';
import { drainedOrClosed } from '../../electron/cli/terminal.ts';

interface LogEntry {
  nanos: bigint;
  timestamp: string;
  line: string;
}

class ContainerLog extends EventEmitter {
  readonly entries: LogEntry[] = [];
  finished = false;
}

/** RFC 3339 with nanoseconds, trailing zeros trimmed (Go's RFC3339Nano). */
function formatNanos(nanos: bigint): string {
  const ms = Number(nanos / 1_000_000n);
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${new Date(ms).toISOString().slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

export class LogStore {
  private readonly logs = new Map<string, ContainerLog>();
  private lastNanos = 0n;

  private key(namespace: string, pod: string, container: string): string {
    return `${namespace}/${pod}/${container}`;
  }

  open(namespace: string, pod: string, container: string): void {
    this.logs.set(this.key(namespace, pod, container), new ContainerLog());
  }

  get(namespace: string, pod: string, container: string): ContainerLog | undefined {
    return this.logs.get(this.key(namespace, pod, container));
  }

  append(namespace: string, pod: string, container: string, line: string): void {
    const log = this.get(namespace, pod, container);
    if (!log || log.finished) return;
    // Strictly increasing timestamps, as a container runtime's are, so readers can resume by time.
    let nanos = BigInt(Date.now()) * 1_000_000n;
    if (nanos <= this.lastNanos) nanos = this.lastNanos + 1n;
    this.lastNanos = nanos;
    const entry = { nanos, timestamp: formatNanos(nanos), line };
    log.entries.push(entry);
    log.emit('entry', entry);
  }

  finish(namespace: string, pod: string, container: string): void {
    const log = this.get(namespace, pod, container);
    if (!log || log.finished) return;
    log.finished = true;
    log.emit('finished');
  }

  remove(namespace: string, pod: string): void {
    for (const key of [...this.logs.keys()]) {
      const log = this.logs.get(key);
      if (log && key.startsWith(`${namespace}/${pod}/`)) {
        log.finished = true; // its followers end
        log.emit('finished');
        this.logs.delete(key);
      }
    }
  }
}

export interface PodLookup {
  /** Why the container has no logs yet (the kubelet's 400), or undefined when it is unknown (404). */
  waitingReason(namespace: string, pod: string, container: string): string | undefined;
}

function sinceNanos(params: URLSearchParams): bigint | undefined {
  const sinceTime = params.get('sinceTime');
  const sinceSeconds = params.get('sinceSeconds');
  const candidates = [
    sinceTime ? timestampNanos(sinceTime) : undefined,
    sinceSeconds ? BigInt(Date.now() - Number(sinceSeconds) * 1000) * 1_000_000n : undefined,
  ].filter((n): n is bigint => n !== undefined);
  // Like the kubelet, the later of the two wins.
  return candidates.length === 0 ? undefined : candidates.reduce((a, b) => (a > b ? a : b));
}

/** Resolves once the log has a new line or is finished, or the response is closed (the reader went away). */
function appendedOrFinished(log: ContainerLog, res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      log.off('entry', done);
      log.off('finished', done);
      res.off('close', done);
      resolve();
    };
    log.on('entry', done);
    log.on('finished', done);
    res.on('close', done);
  });
}

export async function startKubeletServer(store: LogStore, pods: PodLookup, tls: { cert: string; key: string; ca: string }): Promise<{ port: number; close: () => Promise<void> }> {
  const server = https.createServer(
    { cert: readFileSync(tls.cert), key: readFileSync(tls.key), ca: readFileSync(tls.ca), requestCert: true, rejectUnauthorized: true },
    (req, res) => void serveLog(req, res).catch(() => res.destroy()),
  );
  async function serveLog(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const match = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !match) {
      res.writeHead(404).end('not found');
      return;
    }
    const [namespace, pod, container] = match.slice(1).map(decodeURIComponent) as [string, string, string];
    const log = store.get(namespace, pod, container);
    if (!log) {
      const waiting = pods.waitingReason(namespace, pod, container);
      if (waiting) res.writeHead(400).end(`container "${container}" in pod "${pod}" is waiting to start: ${waiting}`);
      else res.writeHead(404).end(`pod ${namespace}/${pod} container ${container} not found`);
      return;
    }
    const params = url.searchParams;
    const follow = params.get('follow') === 'true';
    const timestamps = params.get('timestamps') === 'true';
    const limitBytes = params.has('limitBytes') ? Number(params.get('limitBytes')) : Infinity;
    const tailLines = params.has('tailLines') ? Number(params.get('tailLines')) : undefined;
    const since = sinceNanos(params);

    let written = 0;
    const write = (entry: LogEntry): boolean => {
      if (since !== undefined && entry.nanos < since) return true;
      const text = `${timestamps ? `${entry.timestamp} ` : ''}${entry.line}\n`;
      const bytes = Buffer.from(text);
      const room = limitBytes - written;
      res.write(bytes.length <= room ? bytes : bytes.subarray(0, room));
      written += Math.min(bytes.length, room);
      return written < limitBytes;
    };
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    const fromSince = since === undefined ? 0 : log.entries.findIndex((e) => e.nanos >= since);
    const first = fromSince === -1 ? log.entries.length : Math.max(fromSince, tailLines === undefined ? 0 : log.entries.length - tailLines);
    // Line by line, as the kubelet's log reader writes each line into a response it flushes after
    // every write, and waiting while the reader is behind, as its blocking writes do. Lines added
    // meanwhile are part of the backlog: a follower reads them from the log (the kubelet's file) at
    // its own pace, never from a queue in memory (written as they were appended, a flood's million
    // lines waited in the response's buffer as a million writes).
    let closed = false;
    res.once('close', () => (closed = true));
    for (let next = first; ; ) {
      for (; next < log.entries.length; next++) {
        if (!write(log.entries[next] as LogEntry)) {
          res.end();
          return;
        }
        if (res.writableNeedDrain) await drainedOrClosed(res);
        if (res.destroyed) return;
      }
      if (!follow || log.finished) {
        res.end();
        return;
      }
      await appendedOrFinished(log, res);
      if (closed) return;
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
