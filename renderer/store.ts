/**
 * The renderer's state (zustand): contexts and what is known of them, the form, the permission
 * checks, runs with their non-log events, and the snapshot library. Log lines never go through here:
 * the terminal takes them straight from the transport.
 */
import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { ClusterInventory, ContextProbe, ContextSummary, LeftoverSummary, PermissionCheckResult, RunSummary, SnapshotEntry, SnapshotText } from '../shared/contract.ts';
import { describeError } from '../shared/errors.ts';
import { labelSuggestions, type LabelSuggestions } from '../shared/label-suggestions.ts';
import { terminalFor } from './terminals.ts';
import { api } from './transport.ts';
import { agentSettingsOf, loadSettings, saveSettings, type FormSettings } from './settings.ts';

/** About 1,500 lines of YAML: more than a screen, and read and shown in a few milliseconds. */
const SNAPSHOT_HEAD_BYTES = 64 * 1024;

export interface RunRecord {
  summary: RunSummary;
  /** Non-log events in order, with the time they arrived. */
  events: { at: number; type: string; [key: string]: unknown }[];
}

/** A cluster's inventory as the form uses it: with the selector's suggestions, worked out once. */
export type FormInventory = ClusterInventory & { suggestions: LabelSuggestions };

interface State {
  contexts: ContextSummary[];
  selected?: string;
  probes: Record<string, ContextProbe | 'probing'>;
  inventory: Record<string, FormInventory>;
  leftovers: Record<string, LeftoverSummary[]>;
  settings?: FormSettings;
  checks?: PermissionCheckResult[];
  checking: boolean;
  runs: Record<string, RunRecord>;
  shownRun?: string;
  snapshots: SnapshotEntry[];
  /** The snapshot shown: its head first when it is big (`complete` false), then all of it. */
  viewing?: SnapshotText;
  error?: string;
  init(): Promise<void>;
  reloadContexts(): Promise<void>;
  select(context: string): Promise<void>;
  updateSettings(patch: Partial<FormSettings>): void;
  checkPermissions(): Promise<void>;
  startRun(): Promise<void>;
  cancelRun(runId: string): Promise<void>;
  showRun(runId: string): void;
  openSnapshot(id: string): Promise<void>;
  refreshSnapshots(): Promise<void>;
  removeLeftovers(runId: string): Promise<void>;
  dismissError(): void;
}

export const useStudio = create<State>((set, get) => {
  const fail = (err: unknown) => set({ error: describeError(err) });

  api.onEvent((event) => {
    if (event.type === 'run-summary') {
      const existing = get().runs[event.run.runId];
      set({ runs: { ...get().runs, [event.run.runId]: { summary: event.run, events: existing?.events ?? [] } } });
      const terminal = terminalFor(event.run.runId); // runs started elsewhere (another window) get their terminal too
      const { snapshotId } = event.run;
      if (snapshotId && event.run.outcome === 'done') {
        void get().refreshSnapshots();
        // Once the terminal has shown the last lines: opening a snapshot while xterm still works
        // through a flood's backlog stopped the log view for the viewer's first render.
        void terminal.feed.drained().then(async () => {
          if (get().shownRun === event.run.runId) await get().openSnapshot(snapshotId);
        });
      }
      return;
    }
    if (event.type === 'contexts-changed') {
      void get().reloadContexts();
      return;
    }
    if (event.event.type === 'log') return;
    const { runId } = event.event;
    // A run's first events can arrive before its summary (the run starts before startRun answers).
    const run = get().runs[runId] ?? { summary: { runId, context: '', namespace: '', startedAt: new Date().toISOString(), outcome: 'running', phase: 'starting' }, events: [] };
    set({ runs: { ...get().runs, [runId]: { ...run, events: [...run.events, { ...event.event, at: Date.now() }] } } });
  });

  const probe = (name: string) => {
    set({ probes: { ...get().probes, [name]: 'probing' } });
    // Each context on its own: a dead cluster never holds up the others.
    api.call('probeContext', { context: name }).then(
      (result) => set({ probes: { ...get().probes, [name]: result } }),
      (err: unknown) => set({ probes: { ...get().probes, [name]: { reachable: false, error: { code: 'INTERNAL', message: describeError(err), summary: describeError(err), guidance: '', details: {}, causes: [] } } } }),
    );
  };

  /** Lists the contexts; returns those not known before (to be probed), forgets a selected one that is gone. */
  const loadContexts = async (): Promise<string[]> => {
    const contexts = await api.call('listContexts', {});
    const known = new Set(get().contexts.map((c) => c.name));
    set({ contexts });
    if (get().selected && !contexts.some((c) => c.name === get().selected)) set({ selected: undefined, settings: undefined, checks: undefined });
    return contexts.filter((c) => !known.has(c.name)).map((c) => c.name);
  };

  return {
    contexts: [],
    probes: {},
    inventory: {},
    leftovers: {},
    checking: false,
    runs: {},
    snapshots: [],
    async reloadContexts() {
      try {
        for (const name of await loadContexts()) probe(name);
      } catch (err) {
        fail(err);
      }
    },
    async init() {
      try {
        const added = await loadContexts();
        const { contexts } = get();
        const current = contexts.find((c) => c.current) ?? contexts[0];
        // The form's context first: its cluster inventory is the slowest answer on a big cluster, and
        // probes (TLS handshakes, credential plugins) would hold up main before it.
        const selecting = current ? get().select(current.name) : undefined;
        const loading = Promise.all([
          api.call('listRuns', {}).then((runs) => set({ runs: { ...Object.fromEntries(runs.map((r) => [r.runId, { summary: r, events: [] }])), ...get().runs } })),
          get().refreshSnapshots(),
        ]);
        for (const name of added) probe(name);
        await Promise.all([selecting, loading]);
      } catch (err) {
        fail(err);
      }
    },
    async select(name) {
      const context = get().contexts.find((c) => c.name === name);
      if (!context) return;
      set({ selected: name, settings: loadSettings(name, context.namespace), checks: undefined });
      void api.call('clusterInventory', { context: name }).then((inv) => set({ inventory: { ...get().inventory, [name]: { ...inv, suggestions: labelSuggestions(inv.nodes) } } }), () => undefined);
      void api.call('listLeftovers', { context: name }).then((l) => set({ leftovers: { ...get().leftovers, [name]: l } }), () => undefined);
      await get().checkPermissions();
    },
    updateSettings(patch) {
      const { selected, settings } = get();
      if (!selected || !settings) return;
      const next = { ...settings, ...patch };
      saveSettings(selected, next);
      set({ settings: next });
    },
    async checkPermissions() {
      const { selected, settings } = get();
      if (!selected || !settings) return;
      set({ checking: true });
      try {
        const checks = await api.call('checkPermissions', { context: selected, settings: agentSettingsOf(settings) });
        if (get().selected === selected) set({ checks });
      } catch (err) {
        set({ checks: undefined });
        fail(err);
      } finally {
        set({ checking: false });
      }
    },
    async startRun() {
      const { selected, settings } = get();
      if (!selected || !settings) return;
      try {
        const run = await api.call('startRun', { context: selected, settings: agentSettingsOf(settings), timeoutMs: settings.timeoutMinutes * 60_000, cleanup: !settings.keepResources });
        set({ runs: { ...get().runs, [run.runId]: { summary: run, events: get().runs[run.runId]?.events ?? [] } }, shownRun: run.runId, viewing: undefined });
      } catch (err) {
        fail(err);
      }
    },
    async cancelRun(runId) {
      try {
        await api.call('cancelRun', { runId });
      } catch (err) {
        fail(err);
      }
    },
    showRun(runId) {
      set({ shownRun: runId });
    },
    async openSnapshot(id) {
      try {
        // A screenful first, so a snapshot of many megabytes is on screen at once; then all of it.
        const head = await api.call('readSnapshot', { id, headBytes: SNAPSHOT_HEAD_BYTES });
        set({ viewing: head });
        if (head.complete) return;
        const whole = await api.call('readSnapshot', { id });
        // Unless another snapshot (or this one anew) was opened meanwhile.
        if (get().viewing === head) set({ viewing: whole });
      } catch (err) {
        fail(err);
      }
    },
    async refreshSnapshots() {
      set({ snapshots: await api.call('listSnapshots', {}) });
    },
    async removeLeftovers(runId) {
      const { selected } = get();
      if (!selected) return;
      try {
        await api.call('removeLeftovers', { context: selected, runId });
        set({ leftovers: { ...get().leftovers, [selected]: await api.call('listLeftovers', { context: selected }) } });
      } catch (err) {
        fail(err);
      }
    },
    dismissError() {
      set({ error: undefined });
    },
  };
});

/**
 * The named parts of the state, for a component: it re-renders when one of them changes, not on
 * every update of the store (a reply for another context must not redraw a 5,000-node form).
 */
export function useStudioState<K extends keyof State>(...keys: K[]): Pick<State, K> {
  return useStudio(useShallow((state: State) => Object.fromEntries(keys.map((key) => [key, state[key]])) as Pick<State, K>));
}
