/**
 * The one contract between the main process and the renderer: every call (with the runtime schema
 * its parameters must pass before a handler runs) and every event. The Electron IPC transport and
 * the browser-mode WebSocket transport are two thin adapters over the same handlers. Contexts are
 * named, never given as paths or commands: a client cannot make main read a file or run a plugin of
 * its choosing.
 */
import { z } from 'zod';
import type { CallNameList } from './call-names.ts';
import type { PlainError } from './errors.ts';
import type { NodeTable } from './node-table.ts';

const contextName = z.string().min(1).max(253);
const runId = z.string().regex(/^[a-z][a-z0-9]{7}$/, 'must be a run ID (8 characters)');
const labelMap = z.record(z.string().max(317), z.string().max(63));
const resourceList = z.record(z.string().min(1).max(253), z.string().min(1).max(64));

/** What the form sends: an AgentConfig without run ID (every run gets a fresh one), checked again by validateAgentConfig. */
export const agentSettings = z.object({
  namespace: z.string().max(63),
  serviceAccountName: z.string().max(253),
  jobName: z.string().max(63),
  image: z.string().max(512),
  imagePullSecrets: z.array(z.string().max(253)).max(32),
  nodeSelector: labelMap,
  tolerations: z
    .array(
      z.object({
        key: z.string().max(317).optional(),
        operator: z.enum(['Equal', 'Exists']),
        value: z.string().max(63).optional(),
        effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
      }),
    )
    .max(64),
  output: z.string().max(320),
  debug: z.boolean(),
  privileged: z.boolean(),
  requireGPU: z.boolean(),
  runtimeClassName: z.string().max(253),
  maxNodesPerEntry: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  os: z.string().max(32),
  requests: resourceList.optional(),
  limits: resourceList.optional(),
});
export type AgentSettings = z.infer<typeof agentSettings>;

const noParams = z.object({}).strict();
const onContext = z.object({ context: contextName }).strict();

export const callSchemas = {
  listContexts: noParams,
  probeContext: onContext,
  clusterInventory: onContext,
  checkPermissions: z.object({ context: contextName, settings: agentSettings }).strict(),
  startRun: z
    .object({
      context: contextName,
      settings: agentSettings,
      timeoutMs: z.number().int().min(1_000).max(2 ** 31 - 1),
      cleanup: z.boolean(),
    })
    .strict(),
  cancelRun: z.object({ runId }).strict(),
  listRuns: noParams,
  ackLogs: z
    .object({
      runId,
      lines: z.number().int().min(0).max(1e9),
      /** Lines the run's terminal keeps, sent while it follows the end: main may pass over lines that many later lines push out. */
      keepLines: z.number().int().min(1).max(1e7).optional(),
    })
    .strict(),
  listLeftovers: onContext,
  removeLeftovers: z.object({ context: contextName, runId }).strict(),
  listSnapshots: noParams,
  readSnapshot: z
    .object({
      id: z.string().regex(/^[A-Za-z0-9._-]{1,255}\.yaml$/, 'must be a snapshot file name from listSnapshots'),
      /** Only the first lines, up to about this many bytes: a screenful to show while the rest is read. */
      headBytes: z.number().int().min(1).max(16 * 1024 * 1024).optional(),
    })
    .strict(),
} as const satisfies Record<CallNameList, z.ZodType>;

export type CallName = keyof typeof callSchemas;
export type CallParams<N extends CallName> = z.infer<(typeof callSchemas)[N]>;

export interface ContextSummary {
  name: string;
  cluster: string;
  user: string;
  namespace: string;
  /** Without user:password. */
  server: string;
  file: string;
  current: boolean;
}

export interface ContextProbe {
  reachable: boolean;
  serverVersion?: string;
  /** Who the API server says the user is (SelfSubjectReview). */
  username?: string;
  groups?: string[];
  error?: PlainError;
}

export interface NodeSummary {
  name: string;
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: string }[];
  gpus: number;
}

/** What the form suggests from a cluster; its nodes as a table (node-table.ts), each label pair once. */
export interface ClusterInventory {
  nodes: NodeTable;
  namespaces: string[];
  runtimeClasses: string[];
}

export interface PermissionCheckResult {
  verb: string;
  resource: string;
  namespace: string;
  subject?: string;
  purpose: string;
  allowed: boolean;
  reason: string;
}

export type RunOutcome = 'running' | 'done' | 'failed' | 'cancelled';

export interface RunSummary {
  runId: string;
  context: string;
  namespace: string;
  startedAt: string;
  endedAt?: string;
  outcome: RunOutcome;
  phase: string;
  error?: PlainError;
  /** The library entry of the snapshot this run captured. */
  snapshotId?: string;
}

export interface LeftoverSummary {
  runId: string;
  namespace: string;
  createdAt: string;
  jobActive: boolean;
  objects: string[];
}

export interface SnapshotEntry {
  id: string;
  context: string;
  node: string;
  timestamp: string;
  bytes: number;
}

/** A snapshot's text, or its head when `complete` is false; `bytes` is the whole file's size. */
export interface SnapshotText {
  id: string;
  yaml: string;
  bytes: number;
  complete: boolean;
}

export interface CallResults {
  listContexts: ContextSummary[];
  probeContext: ContextProbe;
  clusterInventory: ClusterInventory;
  checkPermissions: PermissionCheckResult[];
  startRun: RunSummary;
  cancelRun: RunSummary;
  listRuns: RunSummary[];
  ackLogs: null;
  listLeftovers: LeftoverSummary[];
  removeLeftovers: string[];
  listSnapshots: SnapshotEntry[];
  readSnapshot: SnapshotText;
}

/** Events from main: a run's progress (RunEvent of the core, as plain data) and its summary when it changes. */
export type AppEvent =
  | { type: 'run-event'; event: { runId: string; seq: number; type: string; [key: string]: unknown } }
  | { type: 'run-summary'; run: RunSummary }
  /** The kubeconfig files changed: contexts may have come or gone. */
  | { type: 'contexts-changed' };

export type CallResult<N extends CallName> = CallResults[N];

/** What the Electron preload exposes: one function per call, and one subscription for events. */
export type PreloadApi = { [N in CallName]: (params: CallParams<N>) => Promise<unknown> } & {
  onEvent(listener: (event: AppEvent) => void): () => void;
};

/** What both transports give the renderer: every call by name, one subscription for events. */
export interface StudioApi {
  call<N extends CallName>(name: N, params: CallParams<N>): Promise<CallResult<N>>;
  onEvent(listener: (event: AppEvent) => void): () => void;
}

