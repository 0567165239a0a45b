/**
 * List-then-watch with the guarantees client-node's Watch leaves to the caller: resume from the last
 * resourceVersion (bookmarks keep it fresh), re-list on 410 Gone, re-watch when a stream ends or the
 * API server goes away (restarts included), an inactivity watchdog for silently dead connections, and
 * cancellation through an AbortSignal.
 *
 * The initial state comes as a streaming list where the server offers it (sendInitialEvents: the
 * objects as ADDED events, then a bookmark marking their end, on the watch stream itself), which saves
 * the list request. A server that refuses it, or sends no end-of-list bookmark in time (one too old
 * to know the parameter), gets list + watch from then on.
 */
import type http from 'node:http';
import { KubeApiError, isGone, isTransient } from './errors.ts';
import type { KubeClient } from './client.ts';
import { LineSplitter } from './line-splitter.ts';

export interface WatchedObject {
  metadata: { name?: string; namespace?: string; resourceVersion?: string };
}

export interface WatchTarget {
  /** Collection path, e.g. /apis/batch/v1/namespaces/default/jobs. */
  path: string;
  fieldSelector?: string;
  labelSelector?: string;
}

export type WatchChange<T> = { type: 'SYNCED' } | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T };

/**
 * Called after every list (SYNCED) and every event with the current set of objects; returning anything
 * but undefined ends the watch with that value, throwing ends it with the error.
 */
export type WatchHandler<T, R> = (change: WatchChange<T>, objects: ReadonlyMap<string, T>) => R | undefined;

export interface WatchOptions {
  signal: AbortSignal;
  /** Re-watch when no event or bookmark arrives for this long (the server also ends streams every timeoutSeconds). */
  inactivityMs?: number;
  /** Told about every reconnect so a UI can say "reconnecting". */
  onReconnect?: (reason: unknown) => void;
  /** Told about a watch event line that is not valid JSON; the line is skipped and the watch goes on. */
  onBadEvent?: (problem: string) => void;
  /** Start watching from this resourceVersion instead of listing first (a caller resuming a watch). */
  resourceVersion?: string;
}

const SERVER_WATCH_TIMEOUT_SECONDS = 60;
const DEFAULT_INACTIVITY_MS = 90_000;
const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 2_000;
/** A watch event is one object; the biggest real ones (a Node with many images) are well below this. */
const MAX_EVENT_BYTES = 16 * 1024 * 1024;

interface ListResponse<T> {
  metadata: { resourceVersion: string };
  items: T[];
}

interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T & { code?: number; reason?: string; message?: string; metadata: { annotations?: Record<string, string> } };
}

class InactivityError extends Error {}

/** The bookmark annotation that ends the initial events of a streaming list. */
const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';
/** A server that knows streaming lists sends the end bookmark right after the current objects. */
const INITIAL_EVENTS_END_WAIT_MS = 10_000;
/** Clients whose server refused or ignored a streaming list: they list first. */
const listsFirst = new WeakSet<KubeClient>();

class NoStreamingList extends Error {}

/** The API server rejects sendInitialEvents (the WatchList feature is off there). */
const refusesStreamingList = (err: unknown): boolean => err instanceof KubeApiError && (err.status === 400 || err.status === 422);

/** A handler's own failure: ends the watch as is, never mistaken for a connection problem. */
class HandlerFailure extends Error {}

function objectKey(o: WatchedObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Newline-delimited JSON events from a watch response, with an inactivity watchdog; bad lines are reported and skipped. */
async function* readEvents<T>(response: http.IncomingMessage, inactivityMs: number, onBadEvent?: (problem: string) => void): AsyncGenerator<WatchEvent<T>> {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => response.destroy(new InactivityError(`no watch event for ${inactivityMs}ms`)), inactivityMs);
  };
  arm();
  // One byte more than the limit, so an oversized event arrives as a cut piece that fails to parse.
  const splitter = new LineSplitter(MAX_EVENT_BYTES + 1);
  try {
    for await (const chunk of response) {
      arm();
      for (const raw of splitter.push(chunk as Buffer)) {
        const line = raw.trim();
        if (line === '') continue;
        let event: WatchEvent<T>;
        try {
          event = JSON.parse(line) as WatchEvent<T>;
        } catch {
          onBadEvent?.(`skipped a watch event that is not valid JSON (${Buffer.byteLength(line)} bytes)`);
          continue;
        }
        if (typeof event?.type !== 'string' || typeof event.object !== 'object' || event.object === null) {
          onBadEvent?.('skipped a watch event without type or object');
          continue;
        }
        yield event;
      }
    }
  } finally {
    clearTimeout(timer);
    response.destroy();
  }
}

export async function watchUntil<T extends WatchedObject, R>(
  client: KubeClient,
  target: WatchTarget,
  handler: WatchHandler<T, R>,
  options: WatchOptions,
): Promise<R> {
  try {
    return await runWatch(client, target, handler, options);
  } catch (err) {
    throw err instanceof HandlerFailure ? err.cause : err;
  }
}

async function runWatch<T extends WatchedObject, R>(
  client: KubeClient,
  target: WatchTarget,
  handler: WatchHandler<T, R>,
  options: WatchOptions,
): Promise<R> {
  const { signal } = options;
  const selectors = { fieldSelector: target.fieldSelector, labelSelector: target.labelSelector };
  const objects = new Map<string, T>();
  let resourceVersion: string | undefined = options.resourceVersion;
  let backoff = MIN_BACKOFF_MS;

  const decide = (change: WatchChange<T>): R | undefined => {
    try {
      return handler(change, objects);
    } catch (err) {
      throw new HandlerFailure('watch handler failed', { cause: err });
    }
  };

  const retryAfter = async (err: unknown) => {
    if (err instanceof HandlerFailure) throw err;
    if (signal.aborted) throw signal.reason;
    if (!isTransient(err) && !(err instanceof InactivityError)) throw err;
    options.onReconnect?.(err);
    await sleep(backoff, signal);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  };

  for (;;) {
    signal.throwIfAborted();
    const streamingList = resourceVersion === undefined && !listsFirst.has(client);
    if (resourceVersion === undefined && !streamingList) {
      let list: ListResponse<T>;
      try {
        list = await client.request<ListResponse<T>>(target.path, { query: selectors, signal });
      } catch (err) {
        await retryAfter(err);
        continue;
      }
      objects.clear();
      for (const item of list.items) objects.set(objectKey(item), item);
      resourceVersion = list.metadata.resourceVersion;
      const result = decide({ type: 'SYNCED' });
      if (result !== undefined) return result;
    }

    let response: http.IncomingMessage;
    try {
      const from = streamingList ? { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' } : { resourceVersion };
      response = await client.stream(target.path, {
        query: { ...selectors, watch: true, ...from, allowWatchBookmarks: true, timeoutSeconds: SERVER_WATCH_TIMEOUT_SECONDS },
        signal,
      });
    } catch (err) {
      if (streamingList && refusesStreamingList(err)) listsFirst.add(client);
      else if (isGone(err)) resourceVersion = undefined;
      else await retryAfter(err);
      continue;
    }

    // During a streaming list, the objects gather here until the end bookmark makes them the state.
    let initial: Map<string, T> | undefined = streamingList ? new Map() : undefined;
    const inactivityMs = options.inactivityMs ?? DEFAULT_INACTIVITY_MS;
    const endWatchdog = streamingList ? setTimeout(() => response.destroy(new NoStreamingList()), Math.min(INITIAL_EVENTS_END_WAIT_MS, inactivityMs)) : undefined;
    try {
      for await (const event of readEvents<T>(response, inactivityMs, options.onBadEvent)) {
        backoff = MIN_BACKOFF_MS;
        if (event.type === 'ERROR') {
          if (event.object.code === 410) {
            resourceVersion = undefined; // our resourceVersion was compacted away: start over from a fresh list
            break;
          }
          throw new KubeApiError(event.object.code ?? 500, event.object.reason ?? '', event.object.message ?? 'watch error');
        }
        if (initial) {
          if (event.type === 'BOOKMARK' && event.object.metadata.annotations?.[INITIAL_EVENTS_END] === 'true') {
            clearTimeout(endWatchdog);
            objects.clear();
            for (const [key, object] of initial) objects.set(key, object);
            initial = undefined;
            resourceVersion = event.object.metadata.resourceVersion;
            const result = decide({ type: 'SYNCED' });
            if (result !== undefined) return result;
          } else if (event.type === 'DELETED') initial.delete(objectKey(event.object));
          else if (event.type !== 'BOOKMARK') initial.set(objectKey(event.object), event.object);
          continue;
        }
        resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
        if (event.type === 'BOOKMARK') continue;
        if (event.type === 'DELETED') objects.delete(objectKey(event.object));
        else objects.set(objectKey(event.object), event.object);
        const result = decide({ type: event.type, object: event.object });
        if (result !== undefined) return result;
      }
    } catch (err) {
      if (err instanceof NoStreamingList) listsFirst.add(client);
      else await retryAfter(err);
      // Paused already (or listing first now): an unfinished streaming list starts over at once, as its
      // resourceVersion was never taken.
      initial = undefined;
    } finally {
      clearTimeout(endWatchdog);
    }
    // A stream that ended cleanly before its initial state was complete starts over, after a pause.
    if (initial) {
      resourceVersion = undefined;
      await sleep(backoff, signal);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }
}
