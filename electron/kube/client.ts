/**
 * A small REST client for one kubeconfig context. client-node supplies the kubeconfig model and the
 * credentials (certificates, tokens, exec plugins, proxies); requests are made here so every call can be
 * cancelled with an AbortSignal, reuses one keep-alive connection pool, streams (watch, pods/log)
 * report drops, and errors carry the API server's Status.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, KubeCredentialError, KubeNetworkError } from './errors.ts';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  /** Defaults to application/json; PATCH callers pick merge-patch or apply-patch. */
  contentType?: string;
  signal?: AbortSignal;
  /** Per-request ceiling for non-streaming calls; a hung server must not hang the caller. */
  timeoutMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** An endpoint that swallows packets (VPN down, firewall) should fail fast, as an unreachable one. */
const CONNECT_TIMEOUT_MS = 10_000;

function buildQuery(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export class KubeClient {
  readonly contextName: string;
  readonly server: string;
  private readonly kc: KubeConfig;
  private keepAliveAgent: https.Agent | undefined;
  private keepAliveTls = '';

  constructor(kc: KubeConfig, contextName: string) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error(`context ${contextName} has no cluster`);
    this.kc = kc;
    this.contextName = contextName;
    this.server = cluster.server.replace(/\/+$/, '');
  }

  /** JSON request; resolves with the decoded body, rejects with KubeApiError / KubeNetworkError / AbortError. */
  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const response = await this.send(path, { ...options, signal });
      const text = await readBody(response, signal);
      if (response.statusCode === undefined || response.statusCode >= 400) throw apiErrorFrom(response.statusCode ?? 0, text);
      return (text === '' ? undefined : JSON.parse(text)) as T;
    } catch (err) {
      // Our own deadline means the server did not answer: a network failure, not the caller's cancellation.
      if (timeout.aborted && !options.signal?.aborted) {
        throw new KubeNetworkError(`${options.method ?? 'GET'} ${this.server}${path}: i/o timeout (no answer within ${timeoutMs / 1000}s)`, 'ETIMEDOUT', err);
      }
      throw err;
    }
  }

  /** Opens a streaming GET (watch, follow logs); the caller owns the returned response and must consume or destroy it. */
  async stream(path: string, options: Pick<RequestOptions, 'query' | 'signal'>): Promise<http.IncomingMessage> {
    const response = await this.send(path, { ...options, method: 'GET' });
    if (response.statusCode === undefined || response.statusCode >= 400) {
      const text = await readBody(response, options.signal);
      throw apiErrorFrom(response.statusCode ?? 0, text);
    }
    return response;
  }

  private async requestOptions(): Promise<https.RequestOptions> {
    const options: https.RequestOptions = { headers: {} };
    try {
      await this.kc.applyToHTTPSOptions(options);
    } catch (err) {
      throw new KubeCredentialError(`cannot get credentials for context "${this.contextName}": ${(err as Error).message}`, err);
    }
    if (!this.kc.getCurrentCluster()?.proxyUrl) options.agent = this.agentFor(options);
    return options;
  }

  /** One keep-alive pool per TLS identity; rebuilt if an exec plugin hands out a new client certificate. */
  private agentFor(options: https.RequestOptions): https.Agent {
    const tls = {
      ca: options.ca,
      cert: options.cert,
      key: options.key,
      servername: options.servername,
      rejectUnauthorized: options.rejectUnauthorized,
    };
    const identity = JSON.stringify([String(tls.cert ?? ''), String(tls.key ?? ''), tls.servername, tls.rejectUnauthorized]);
    if (!this.keepAliveAgent || identity !== this.keepAliveTls) {
      this.keepAliveAgent?.destroy();
      this.keepAliveAgent = new https.Agent({ ...tls, keepAlive: true });
      this.keepAliveTls = identity;
    }
    return this.keepAliveAgent;
  }

  private async send(path: string, options: RequestOptions): Promise<http.IncomingMessage> {
    options.signal?.throwIfAborted();
    const base = await this.requestOptions();
    const url = new URL(`${this.server}${path}${buildQuery(options.query)}`);
    const method = options.method ?? 'GET';
    const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const headers: http.OutgoingHttpHeaders = { ...(base.headers as http.OutgoingHttpHeaders), Accept: 'application/json' };
    if (payload !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, { ...base, method, headers, signal: options.signal }, resolve);
      req.on('socket', (socket) => {
        if (!socket.connecting) return; // a kept-alive connection
        const timer = setTimeout(() => req.destroy(Object.assign(new Error(`dial tcp ${url.host}: i/o timeout`), { code: 'ETIMEDOUT' })), CONNECT_TIMEOUT_MS);
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (options.signal?.aborted) reject(options.signal.reason);
        else reject(new KubeNetworkError(`${method} ${url.origin}${url.pathname}: ${err.message}`, err.code, err));
      });
      req.end(payload);
    });
  }
}

async function readBody(response: http.IncomingMessage, signal?: AbortSignal): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of response) chunks.push(chunk as Buffer);
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw new KubeNetworkError(`reading response: ${(err as Error).message}`, (err as NodeJS.ErrnoException).code, err);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function apiErrorFrom(status: number, body: string): KubeApiError {
  try {
    const parsed = JSON.parse(body) as { kind?: string; reason?: string; message?: string; details?: unknown };
    if (parsed.kind === 'Status') return new KubeApiError(status, parsed.reason ?? '', parsed.message ?? body, parsed.details);
  } catch {
    // Not a Status object: fall through and report the raw body.
  }
  return new KubeApiError(status, '', body.trim() || `HTTP ${status}`);
}
