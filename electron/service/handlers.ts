/**
 * The handlers behind the contract, shared by the Electron IPC adapter and browser mode: each call's
 * parameters are checked against its schema before anything happens, and every failure comes back as
 * plain error data naming the field or the cause.
 */
import { assertValidAgentConfig } from '../../shared/agent-config.ts';
import { callSchemas, type CallName, type CallParams, type CallResult } from '../../shared/contract.ts';
import { ErrorCode, newError, toPlainError, type PlainError } from '../../shared/errors.ts';
import { listLeftoverRuns, removeLeftoverRun } from '../agent/leftovers.ts';
import { describeObject } from '../agent/owned.ts';
import { checkPermissions } from '../agent/permissions.ts';
import type { ContextRegistry } from './contexts.ts';
import type { SnapshotLibrary } from './library.ts';
import { agentConfigFrom, type RunManager } from './runs.ts';

export interface Services {
  contexts: ContextRegistry;
  runs: RunManager;
  library: SnapshotLibrary;
}

type Handlers = { [N in CallName]: (params: CallParams<N>, signal: AbortSignal) => Promise<CallResult<N>> };

/** The settings as a config the core accepts; INVALID_REQUEST naming each bad field otherwise. */
function validConfig(settings: CallParams<'checkPermissions'>['settings']) {
  const config = agentConfigFrom(settings);
  assertValidAgentConfig(config);
  return config;
}

export function createHandlers({ contexts, runs, library }: Services): Handlers {
  return {
    listContexts: async () => contexts.list(),
    probeContext: ({ context }, signal) => contexts.probe(context, signal),
    clusterInventory: ({ context }, signal) => contexts.inventory(context, signal),
    checkPermissions: async ({ context, settings }, signal) =>
      (await checkPermissions(contexts.client(context), validConfig(settings), signal)).map((c) => ({
        verb: c.verb,
        resource: c.subresource ? `${c.resource}/${c.subresource}` : c.resource,
        namespace: c.namespace,
        ...(c.subject ? { subject: c.subject } : {}),
        purpose: c.purpose,
        allowed: c.allowed,
        reason: c.reason,
      })),
    // The Deployer validates the settings before the run starts.
    startRun: async ({ context, settings, timeoutMs, cleanup }) => runs.start(context, settings, timeoutMs, cleanup),
    cancelRun: async ({ runId }) => runs.cancel(runId),
    listRuns: async () => runs.list(),
    ackLogs: async ({ runId, lines, keepLines }) => {
      runs.ack(runId, lines, keepLines);
      return null;
    },
    listLeftovers: async ({ context }, signal) =>
      (await listLeftoverRuns(contexts.client(context), {}, signal)).map((r) => ({
        runId: r.runId,
        namespace: r.namespace,
        createdAt: r.createdAt,
        jobActive: r.jobActive,
        objects: r.objects.map(describeObject),
      })),
    removeLeftovers: async ({ context, runId }, signal) => {
      const client = contexts.client(context);
      const run = (await listLeftoverRuns(client, {}, signal)).find((r) => r.runId === runId);
      if (!run) throw newError(ErrorCode.NotFound, `no objects of run ${runId} found in context ${context}`);
      const result = await removeLeftoverRun(client, run, signal);
      return result.deleted.map(describeObject);
    },
    listSnapshots: () => library.list(),
    readSnapshot: async ({ id, headBytes }) => ({ id, ...(await library.read(id, headBytes)) }),
  };
}

export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: PlainError };

/**
 * Runs one call from a transport: an unknown name or parameters that fail the schema are refused with
 * INVALID_REQUEST naming the field; nothing reaches a handler unchecked.
 */
export async function dispatch(handlers: Handlers, name: unknown, params: unknown, signal: AbortSignal): Promise<CallOutcome> {
  try {
    if (typeof name !== 'string' || !Object.hasOwn(callSchemas, name)) throw newError(ErrorCode.InvalidRequest, `unknown call "${String(name).slice(0, 64)}"`);
    const call = name as CallName;
    const parsed = callSchemas[call].safeParse(params ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(parameters)'}: ${i.message}`).join('\n');
      throw newError(ErrorCode.InvalidRequest, `invalid parameters for ${call}:\n${issues}`);
    }
    const handler = handlers[call] as (p: unknown, s: AbortSignal) => Promise<unknown>;
    return { ok: true, result: await handler(parsed.data, signal) };
  } catch (err) {
    return { ok: false, error: toPlainError(err) };
  }
}
