/**
 * A small REST client for one kubeconfig context. Every call can be cancelled with an AbortSignal and
 * is bounded in time at each step (connect, proxy CONNECT, TLS handshake, response headers, body);
 * connections are pooled with keep-alive; bodies are capped; errors carry the API server's Status and
 * say what really failed (network, TLS trust, credentials). Messages never show a URL's user:password.
 */
import type * as Http from 'node:http';
import type * as ProxyAgents from './proxy-agents.ts';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ErrorCode, newError } from '../../shared/errors.ts';
import { redactUrl, stripControlSequences } from '../../shared/terminal-text.ts';
import { ContextAuth, type TlsSettings } from './auth.ts';
import { isTlsTrustCode, isUnauthenticated, KubeApiError, KubeNetworkError, KubeTlsError } from './errors.ts';
import type { ResolvedContext } from './kubeconfig.ts';

// Node's own modules, not ES module imports: importing node:http as an ES module evaluates all of its
// exports, and its lazy WebSocket export loads Node's fetch implementation (undici) with it, 20-40 ms
// of every command's start-up (measured with `node --input-type=module -e`).
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

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
  /** For {@link KubeClient.requestBytes}: the media types the caller reads, in order of preference (default JSON). */
  accept?: string;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** An endpoint that swallows packets (VPN down, firewall) should fail fast, as an unreachable one. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Connect, proxy CONNECT, TLS handshake and response headers together; streams included. */
const RESPONSE_HEADERS_TIMEOUT_MS = 30_000;
/** An error answer is a Status object of a few hundred bytes; anything bigger is cut, not buffered. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Far above any list this app reads (5,000 nodes are ~30 MB), far below what would exhaust memory. */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

function buildQuery(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

type AgentKind = Http.Agent;

export interface EncodedAnswer {
  statusCode: number;
  /** The Content-Type header, parameters included. */
  contentType: string;
  /** Decompressed. */
  body: Buffer;
}

interface SendOptions extends RequestOptions {
  /**
   * Ask for a gzip-compressed answer, as client-go does: the API server compresses answers over
   * 128 KB, a big list to a twentieth, which matters over a real network and still pays on loopback.
   * Not for streams: a watch or log stream must not wait for a compressor's buffer.
   */
  compressed?: boolean;
}

export class KubeClient {
  readonly contextName: string;
  /** The server URL without any user:password, safe to show. */
  readonly server: string;
  private readonly baseUrl: URL;
  private readonly proxyUrl: string | undefined;
  /** Loaded with the first request through a proxy (see proxy-agents.ts). */
  private proxyAgents: typeof ProxyAgents | undefined;
  private readonly auth: ContextAuth;
  private tls: TlsSettings | undefined;
  private agent: AgentKind | undefined;
  private agentIdentity = '';

  constructor(context: ResolvedContext) {
    this.contextName = context.name;
    this.server = redactUrl(context.cluster.server).replace(/\/+$/, '');
    let url: URL;
    try {
      url = new URL(context.cluster.server);
    } catch {
      throw newError(ErrorCode.InvalidRequest, `cluster "${context.cluster.name}" has an invalid server URL "${this.server}"; fix it in the kubeconfig`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw newError(ErrorCode.InvalidRequest, `cluster "${context.cluster.name}" server must be an http:// or https:// URL, not ${url.protocol}`);
    }
    url.username = '';
    url.password = '';
    this.baseUrl = url;
    this.proxyUrl = context.cluster.proxyUrl;
    this.auth = new ContextAuth(context);
  }

  /** JSON request; resolves with the decoded body, rejects with KubeApiError / KubeNetworkError / KubeTlsError / the abort reason. */
  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const answer = await this.requestBytes(path, options);
    const text = answer.body.toString('utf8');
    try {
      return (text === '' ? undefined : JSON.parse(text)) as T;
    } catch {
      throw new KubeApiError(answer.statusCode, '', `${options.method ?? 'GET'} ${this.server}${path}: the server answered with something that is not JSON`);
    }
  }

  /** A request whose answer the caller decodes (a protobuf list): the body's bytes and media type. */
  async requestBytes(path: string, options: RequestOptions = {}): Promise<EncodedAnswer> {
    try {
      return await this.requestOnce(path, options);
    } catch (err) {
      // A plugin credential can expire early (revoked, clock skew): run the plugin once more, as client-go does.
      if (!isUnauthenticated(err) || !this.auth.usesExecPlugin) throw err;
      this.auth.invalidate();
      return this.requestOnce(path, options);
    }
  }

  private async requestOnce(path: string, options: RequestOptions): Promise<EncodedAnswer> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const response = await this.send(path, { ...options, signal, compressed: true });
      const failed = response.statusCode === undefined || response.statusCode >= 400;
      const body = await readBody(response, failed ? MAX_ERROR_BODY_BYTES : MAX_BODY_BYTES, signal);
      if (failed) throw apiErrorFrom(response.statusCode ?? 0, body.toString('utf8'));
      return { statusCode: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? '', body };
    } catch (err) {
      // Our own deadline means the server did not answer: a network failure, not the caller's cancellation.
      if (timeout.aborted && !options.signal?.aborted) {
        throw new KubeNetworkError(`${options.method ?? 'GET'} ${this.server}${path}: i/o timeout (no answer within ${timeoutMs / 1000}s)`, 'ETIMEDOUT', err);
      }
      throw err;
    }
  }

  /** Opens a streaming GET (watch, follow logs); the caller owns the returned response and must consume or destroy it. */
  async stream(path: string, options: Pick<RequestOptions, 'query' | 'signal'>): Promise<Http.IncomingMessage> {
    const response = await this.send(path, { ...options, method: 'GET' });
    if (response.statusCode === undefined || response.statusCode >= 400) {
      const text = (await readBody(response, MAX_ERROR_BODY_BYTES, options.signal)).toString('utf8');
      throw apiErrorFrom(response.statusCode ?? 0, text);
    }
    return response;
  }

  /** One keep-alive pool per TLS identity; rebuilt if an exec plugin hands out a new client certificate. */
  private agentFor(cert: Buffer | undefined, key: Buffer | undefined): AgentKind {
    this.tls ??= this.auth.tls();
    const identity = `${cert?.toString('base64') ?? ''}|${key?.toString('base64') ?? ''}`;
    if (this.agent && identity === this.agentIdentity) return this.agent;
    this.agent?.destroy();
    const tls = { ...this.tls, ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
    const https_ = this.baseUrl.protocol === 'https:';
    const common = { keepAlive: true };
    if (this.proxyUrl) {
      // send() loads them before it asks for an agent; never connect around a configured proxy.
      if (!this.proxyAgents) throw new Error('the proxy agents are not loaded');
      this.agent = this.proxyAgents.proxyAgent(this.proxyUrl, https_, tls, { ...common, connectTimeoutMs: CONNECT_TIMEOUT_MS });
    } else this.agent = https_ ? new https.Agent({ ...tls, ...common }) : new http.Agent(common);
    this.agentIdentity = identity;
    return this.agent;
  }

  private async send(path: string, options: SendOptions): Promise<Http.IncomingMessage> {
    options.signal?.throwIfAborted();
    const credentials = await this.auth.credentials(options.signal);
    if (this.proxyUrl) this.proxyAgents ??= await import('./proxy-agents.ts');
    // Cancelled while credentials were fetched: an abort listener added now would never fire.
    options.signal?.throwIfAborted();
    const url = new URL(`${this.baseUrl.pathname.replace(/\/+$/, '')}${path}${buildQuery(options.query)}`, this.baseUrl);
    const method = options.method ?? 'GET';
    const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const headers: Http.OutgoingHttpHeaders = { ...credentials.headers, Accept: options.accept ?? 'application/json', 'User-Agent': 'aicr-studio' };
    if (options.compressed) headers['Accept-Encoding'] = 'gzip';
    if (payload !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const transport = url.protocol === 'http:' ? http : https;
    const where = `${method} ${this.server}${url.pathname}`;
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(headersTimer);
        options.signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const req = transport.request(
        url,
        // `timeout` also bounds a proxy's CONNECT (the proxy agent passes it on).
        { method, headers, agent: this.agentFor(credentials.cert, credentials.key), timeout: RESPONSE_HEADERS_TIMEOUT_MS },
        (response) =>
          settle(() => {
            req.setTimeout(0); // from here on, body reads are bounded by the caller (request timeout, watch watchdog)
            const signal = options.signal;
            if (signal) {
              // Cancelling ends a body being read (watch and log streams included).
              const endBody = () => response.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
              signal.addEventListener('abort', endBody, { once: true });
              response.once('close', () => signal.removeEventListener('abort', endBody));
            }
            resolve(response);
          }),
      );
      const fail = (err: NodeJS.ErrnoException) =>
        settle(() => {
          req.destroy();
          if (options.signal?.aborted) reject(options.signal.reason);
          else if (isTlsTrustCode(err.code)) reject(new KubeTlsError(`${where}: TLS: ${err.message}`, err.code, err));
          else reject(new KubeNetworkError(`${where}: ${err.message}`, err.code, err));
        });
      // Not left to the request: while a proxy agent is still connecting, a destroyed request reports nothing.
      const onAbort = () => fail(new Error('aborted'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const headersTimer = setTimeout(() => fail(Object.assign(new Error(`i/o timeout (no response within ${RESPONSE_HEADERS_TIMEOUT_MS / 1000}s)`), { code: 'ETIMEDOUT' })), RESPONSE_HEADERS_TIMEOUT_MS);
      req.on('timeout', () => fail(Object.assign(new Error(`i/o timeout (no response within ${RESPONSE_HEADERS_TIMEOUT_MS / 1000}s)`), { code: 'ETIMEDOUT' })));
      req.on('socket', (socket) => {
        if (!socket.connecting) return; // a kept-alive connection
        const timer = setTimeout(() => fail(Object.assign(new Error(`dial tcp ${url.host}: i/o timeout`), { code: 'ETIMEDOUT' })), CONNECT_TIMEOUT_MS);
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      req.on('error', fail);
      req.end(payload);
    });
  }
}

/**
 * The body's bytes, decompressed, at most `limit` bytes of them (the limit counts decompressed bytes,
 * so a small compressed answer cannot unpack into more than the caller accepts).
 */
async function readBody(response: Http.IncomingMessage, limit: number, signal?: AbortSignal): Promise<Buffer> {
  // An empty answer (204, 304, Content-Length: 0) has nothing to decompress, whatever its headers say.
  const empty = response.statusCode === 204 || response.statusCode === 304 || response.headers['content-length'] === '0';
  const source: Readable = response.headers['content-encoding'] === 'gzip' && !empty ? pipeline(response, createGunzip(), () => undefined) : response;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      const buffer = chunk as Buffer;
      if (size + buffer.length > limit) {
        chunks.push(buffer.subarray(0, limit - size));
        response.destroy();
        source.destroy();
        if (limit === MAX_BODY_BYTES) throw new KubeNetworkError(`response larger than ${limit} bytes; refusing to buffer it`, 'E2BIG', undefined);
        break;
      }
      chunks.push(buffer);
      size += buffer.length;
    }
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    if (err instanceof KubeNetworkError) throw err;
    throw new KubeNetworkError(`reading response: ${(err as Error).message}`, (err as NodeJS.ErrnoException).code, err);
  }
  return Buffer.concat(chunks);
}

/** The API server's Status as an error; a non-Status body is shown trimmed and without control sequences. */
export function apiErrorFrom(status: number, body: string): KubeApiError {
  try {
    const parsed = JSON.parse(body) as { kind?: string; reason?: string; message?: string; details?: unknown };
    if (parsed.kind === 'Status') return new KubeApiError(status, parsed.reason ?? '', stripControlSequences(parsed.message ?? `HTTP ${status}`), parsed.details);
  } catch {
    // Not a Status object (a proxy's HTML page, a cut body): report the start of the raw text.
  }
  const text = stripControlSequences(body).trim().slice(0, 500);
  return new KubeApiError(status, status === 401 ? 'Unauthorized' : '', text || `HTTP ${status}`);
}
