/**
 * Browser mode: the contract over HTTP + WebSocket on 127.0.0.1, for hosts without a desktop and for
 * the end-to-end tests. Locked down: loopback only; a random per-launch token on every request and
 * WebSocket (given once in the printed URL, then kept in an HttpOnly, SameSite=Strict cookie); exact
 * Host and Origin checks against DNS rebinding and other sites; the same schemas as IPC. The
 * kubeconfig is fixed when the server starts: clients name contexts, never paths or commands.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppEvent } from '../../shared/contract.ts';
import { contentSecurityPolicy } from '../shell/security.ts';
import { createHandlers, dispatch, type Services } from '../service/handlers.ts';

export interface ServeOptions {
  services: Services;
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
}

export interface RunningServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const COOKIE = 'aicr_token';
const MAX_MESSAGE_BYTES = 1024 * 1024;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

function sameToken(given: string | undefined, token: string): boolean {
  if (!given || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

function cookieToken(req: http.IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = randomBytes(32).toString('hex');
  const handlers = createHandlers(options.services);
  const root = path.resolve(options.rendererDir);
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const hostAllowed = (req: http.IncomingMessage) => allowedHosts().includes(req.headers.host ?? '');

  const server = http.createServer((req, res) => {
    const refuse = (status: number, text: string) => res.writeHead(status, { 'Content-Type': 'text/plain', ...SECURITY_HEADERS }).end(`${text}\n`);
    if (!hostAllowed(req)) return refuse(421, 'wrong Host');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const queryToken = url.searchParams.get('token') ?? undefined;
    if (sameToken(queryToken, token)) {
      // Trade the token in the URL for a cookie and drop it from the address bar (and from history).
      return res
        .writeHead(303, { Location: '/', 'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`, ...SECURITY_HEADERS })
        .end();
    }
    if (!sameToken(cookieToken(req), token)) return refuse(401, 'open the URL aicr-studio serve printed (it carries the access token)');
    if (req.method !== 'GET') return refuse(405, 'method not allowed');
    void serveFile(root, url.pathname, res, refuse);
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const origin = req.headers.origin ?? '';
    const allowed = hostAllowed(req) && allowedHosts().some((h) => origin === `http://${h}`) && sameToken(cookieToken(req), token) && req.url === '/api';
    if (!allowed) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => connect(ws));
  });

  function connect(ws: WebSocket): void {
    const inFlight = new AbortController();
    const send = (message: unknown) => {
      if (ws.readyState !== ws.OPEN) return false;
      ws.send(JSON.stringify(message));
      return true;
    };
    const unsubscribe = options.services.runs.subscribe((event: AppEvent) => send({ event }));
    ws.on('message', (data) => {
      let message: { id?: unknown; call?: unknown; params?: unknown };
      try {
        message = JSON.parse(String(data)) as typeof message;
      } catch {
        send({ error: 'messages must be JSON' });
        return;
      }
      void dispatch(handlers, message.call, message.params, inFlight.signal).then((outcome) => {
        // A snapshot's text skips JSON (escaping 20 MB of YAML costs main more than reading it): the
        // reply says so, and the text follows as the next frame, a binary one.
        const result = outcome.ok ? (outcome.result as { yaml?: unknown }) : undefined;
        if (message.call === 'readSnapshot' && typeof result?.yaml === 'string' && ws.readyState === ws.OPEN) {
          const { yaml, ...rest } = result;
          send({ id: message.id, ok: true, result: rest, textFollows: 'yaml' });
          ws.send(Buffer.from(yaml));
          return;
        }
        send({ id: message.id, ...outcome });
      });
    });
    ws.on('close', () => {
      unsubscribe();
      inFlight.abort();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serveFile(root: string, pathname: string, res: http.ServerResponse, refuse: (status: number, text: string) => void): Promise<void> {
  const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  const file = path.resolve(root, relative);
  if (file !== root && !file.startsWith(`${root}${path.sep}`)) return refuse(404, 'not found');
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', ...SECURITY_HEADERS }).end(body);
  } catch {
    refuse(404, 'not found');
  }
}
