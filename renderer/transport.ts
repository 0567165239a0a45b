/**
 * How the renderer reaches main: the preload's `window.aicrStudio` in Electron, a WebSocket in
 * browser mode (the page's own origin; the access token travels in its cookie). Both implement the
 * contract's StudioApi; the renderer never sees anything else.
 */
import type { AppEvent, CallName, CallParams, CallResult, PreloadApi, StudioApi } from '../shared/contract.ts';
import { fromPlainError, type PlainError } from '../shared/errors.ts';

declare global {
  interface Window {
    aicrStudioPreload?: PreloadApi;
  }
}

type Outcome = { ok: true; result: unknown } | { ok: false; error: PlainError };

/** Electron: the preload's one function per call; outcomes arrive as plain data. */
function preloadApi(preload: PreloadApi): StudioApi {
  return {
    async call<N extends CallName>(name: N, params: CallParams<N>): Promise<CallResult<N>> {
      const outcome = (await (preload[name] as (p: CallParams<N>) => Promise<unknown>)(params)) as Outcome;
      if (!outcome.ok) throw fromPlainError(outcome.error);
      return outcome.result as CallResult<N>;
    },
    onEvent: (listener) => preload.onEvent(listener),
  };
}

/** `textFollows`: the result's field of that name arrives as the next frame, binary UTF-8 (a snapshot's text). */
type Reply = Outcome & { id: number; textFollows?: string };

function webSocketApi(url: string): StudioApi {
  const listeners = new Set<(event: AppEvent) => void>();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  let awaitingText: Reply | undefined;
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('cannot connect to aicr-studio (is `aicr-studio serve` still running?)')), { once: true });
  });
  socket.addEventListener('message', (message) => {
    if (message.data instanceof ArrayBuffer) {
      const reply = awaitingText;
      awaitingText = undefined;
      if (reply?.ok && reply.textFollows) (reply.result as Record<string, unknown>)[reply.textFollows] = new TextDecoder().decode(message.data);
      if (reply) settle(reply);
      return;
    }
    const data = JSON.parse(String(message.data)) as Reply | { event: AppEvent };
    if ('event' in data) {
      for (const listener of listeners) listener(data.event);
      return;
    }
    if (data.textFollows) awaitingText = data;
    else settle(data);
  });
  const settle = (data: Reply) => {
    const waiter = pending.get(data.id);
    pending.delete(data.id);
    if (data.ok) waiter?.resolve(data.result);
    else waiter?.reject(fromPlainError(data.error));
  };
  socket.addEventListener('close', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('the connection to aicr-studio closed'));
    pending.clear();
  });
  return {
    async call<N extends CallName>(name: N, params: CallParams<N>): Promise<CallResult<N>> {
      await opened;
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        socket.send(JSON.stringify({ id, call: name, params }));
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Calls awaiting their answer, and who waits for there to be none. */
let callsAwaited = 0;
const allAnsweredWaiters = new Set<() => void>();

function counted(inner: StudioApi): StudioApi {
  return {
    async call<N extends CallName>(name: N, params: CallParams<N>): Promise<CallResult<N>> {
      callsAwaited++;
      try {
        return await inner.call(name, params);
      } finally {
        callsAwaited--;
        if (callsAwaited === 0) for (const waiter of [...allAnsweredWaiters]) waiter();
      }
    },
    onEvent: (listener) => inner.onEvent(listener),
  };
}

export function callsAwaitingAnswer(): number {
  return callsAwaited;
}

/**
 * Resolves once no call awaits its answer (at once if none does), or after `maxWaitMs`: a cluster
 * that does not answer must not hold back for long what waits on this.
 */
export function allAnswered(maxWaitMs: number): Promise<void> {
  if (callsAwaited === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      allAnsweredWaiters.delete(done);
      resolve();
    };
    const timer = setTimeout(done, maxWaitMs);
    allAnsweredWaiters.add(done);
  });
}

export const api: StudioApi = counted(window.aicrStudioPreload ? preloadApi(window.aicrStudioPreload) : webSocketApi(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`));
