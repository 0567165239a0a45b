import { useMemo, useState } from 'react';
import { defaultAgentConfig, validateAgentConfig } from '../../shared/agent-config.ts';
import type { LabelSuggestions } from '../../shared/label-suggestions.ts';
import { nodeCounts } from '../../shared/node-counts.ts';
import { OS_KINDS } from '../../shared/os-kind.ts';
import { parseResourceList } from '../../shared/quantity.ts';
import type { Toleration } from '../../shared/tolerations.ts';
import { agentSettingsOf, type FormSettings } from '../settings.ts';
import { useStudioState } from '../store.ts';

type GpuMode = 'auto' | 'require-gpu' | 'runtime-class';

const gpuModeOf = (s: FormSettings): GpuMode => (s.requireGPU ? 'require-gpu' : s.runtimeClassName ? 'runtime-class' : 'auto');
const listText = (list: Record<string, string> | undefined) => Object.entries(list ?? {}).map(([k, v]) => `${k}=${v}`).join(',');

/** Field problems from the shared validators, keyed by the form field they belong to. */
function fieldErrors(settings: FormSettings): Record<string, string> {
  const config = defaultAgentConfig({ ...agentSettingsOf(settings), os: settings.os as never, runId: 'a0000000' });
  const errors: Record<string, string> = {};
  for (const e of validateAgentConfig(config)) errors[e.field.split(/[.[]/)[0] ?? e.field] ??= e.message;
  return errors;
}

function ResourceField({ label, value, onChange }: { label: 'requests' | 'limits'; value: Record<string, string> | undefined; onChange: (v: Record<string, string> | undefined) => void }) {
  const [text, setText] = useState(listText(value));
  const [problem, setProblem] = useState<string>();
  return (
    <label>
      {label === 'requests' ? 'Requests' : 'Limits'} <span className="muted">(e.g. cpu=500m,memory=1Gi; empty = defaults)</span>
      <input
        name={label}
        value={text}
        aria-invalid={problem !== undefined}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(parseResourceList(e.target.value));
            setProblem(undefined);
          } catch (err) {
            setProblem((err as Error).message.replace(/^\[[A-Z_]+\] /, ''));
          }
        }}
      />
      {problem && <span className="field-error">{problem}</span>}
    </label>
  );
}

/**
 * The selector's suggestion lists as elements, built once per inventory: React then passes over up to
 * a thousand options on every other render of the form instead of comparing them one by one.
 */
function suggestionDatalists({ keys, pairs }: LabelSuggestions) {
  return {
    keys: <datalist id="label-suggestions">{keys.map((k) => <option key={k} value={k} />)}</datalist>,
    pairs: <datalist id="label-pairs">{pairs.map((l) => <option key={l} value={l} />)}</datalist>,
  };
}

export function AgentForm() {
  const { settings, selected, inventory, updateSettings, startRun, checks, checkPermissions } = useStudioState('settings', 'selected', 'inventory', 'updateSettings', 'startRun', 'checks', 'checkPermissions');
  const errors = useMemo(() => (settings ? fieldErrors(settings) : {}), [settings]);
  const inv = selected ? inventory[selected] : undefined;
  const suggestionLists = useMemo(() => suggestionDatalists(inv?.suggestions ?? { keys: [], pairs: [] }), [inv]);
  const nodeSelector = settings?.nodeSelector;
  const tolerations = settings?.tolerations;
  // Over every node: worked out when the nodes, the selector or the tolerations change, not on each keystroke elsewhere.
  const { matching: matchingCount, hosting: hostingCount, taintsOfMatching } = useMemo(
    () => (inv ? nodeCounts(inv.nodes, nodeSelector ?? {}, tolerations ?? []) : { matching: 0, hosting: 0, taintsOfMatching: [] }),
    [inv, nodeSelector, tolerations],
  );
  if (!settings || !selected) return null;
  const selectorRows = Object.entries(settings.nodeSelector);
  const tolerateAll = settings.tolerations.some((t) => !t.key && t.operator === 'Exists' && !t.effect);
  const denied = checks?.some((c) => !c.allowed) ?? true;
  const invalid = Object.keys(errors).length > 0;
  const gpuMode = gpuModeOf(settings);
  const set = (patch: Partial<FormSettings>, recheck = false) => {
    updateSettings(patch);
    if (recheck) void checkPermissions();
  };
  const setSelector = (rows: [string, string][]) => set({ nodeSelector: Object.fromEntries(rows.filter(([k]) => k !== '')) });
  const why = invalid ? 'fix the highlighted fields first' : checks === undefined ? 'checking permissions…' : denied ? 'a required permission is missing (see Permissions)' : '';

  return (
    <form
      className="panel agent-form"
      aria-labelledby="form-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (!why) void startRun();
      }}
    >
      <header className="panel-header">
        <h2 id="form-title">Agent</h2>
        <button type="submit" className="primary" disabled={why !== ''} title={why || 'Run the snapshot agent (Ctrl+Enter)'} data-testid="run">
          Run
        </button>
      </header>
      {why && <p className="muted" data-testid="run-disabled-reason">Run is disabled: {why}.</p>}
      <div className="grid">
        <label>
          Namespace
          <input name="namespace" list="namespaces" value={settings.namespace} aria-invalid={errors.namespace !== undefined} onChange={(e) => set({ namespace: e.target.value })} onBlur={() => void checkPermissions()} />
          <datalist id="namespaces">{inv?.namespaces.map((n) => <option key={n} value={n} />)}</datalist>
          {errors.namespace && <span className="field-error">{errors.namespace}</span>}
        </label>
        <label>
          Image
          <input name="image" value={settings.image} aria-invalid={errors.image !== undefined} onChange={(e) => set({ image: e.target.value })} />
          {errors.image && <span className="field-error">{errors.image}</span>}
        </label>
        <label>
          Job name prefix
          <input name="jobName" value={settings.jobName} aria-invalid={errors.jobName !== undefined} onChange={(e) => set({ jobName: e.target.value })} />
          {errors.jobName && <span className="field-error">{errors.jobName}</span>}
        </label>
        <label>
          ServiceAccount prefix
          <input name="serviceAccountName" value={settings.serviceAccountName} aria-invalid={errors.serviceAccountName !== undefined} onChange={(e) => set({ serviceAccountName: e.target.value })} />
          {errors.serviceAccountName && <span className="field-error">{errors.serviceAccountName}</span>}
        </label>
        <label>
          Image pull secrets <span className="muted">(comma separated)</span>
          <input name="imagePullSecrets" value={settings.imagePullSecrets.join(',')} onChange={(e) => set({ imagePullSecrets: e.target.value.split(',').map((s) => s.trim()).filter(Boolean) })} />
          {errors.imagePullSecrets && <span className="field-error">{errors.imagePullSecrets}</span>}
        </label>
        <label>
          Timeout (minutes)
          <input name="timeout" type="number" min={1} max={35_000} value={settings.timeoutMinutes} onChange={(e) => set({ timeoutMinutes: Math.max(1, Number(e.target.value) || 5) })} />
        </label>
      </div>

      <fieldset>
        <legend>Node selector</legend>
        {selectorRows.map(([key, value], i) => (
          <div className="row" key={i}>
            <input aria-label="label key" list="label-suggestions" value={key} onChange={(e) => setSelector(selectorRows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))} />
            <span>=</span>
            <input aria-label="label value" value={value} onChange={(e) => setSelector(selectorRows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))} />
            <button type="button" aria-label="remove" onClick={() => setSelector(selectorRows.filter((_r, j) => j !== i))}>
              ✕
            </button>
          </div>
        ))}
        {suggestionLists.keys}
        <div className="row">
          <input aria-label="new node selector (key=value)" placeholder="key=value, e.g. nodeGroup=gpu" list="label-pairs" data-testid="selector-input" onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            const [k, ...v] = e.currentTarget.value.split('=');
            if (k) setSelector([...selectorRows, [k.trim(), v.join('=').trim()]]);
            e.currentTarget.value = '';
          }} />
          {suggestionLists.pairs}
        </div>
        {errors.nodeSelector && <span className="field-error">{errors.nodeSelector}</span>}
        <p className="muted" data-testid="node-match">
          {inv ? `${matchingCount} of ${inv.nodes.nodes.length} nodes match the selector; ${hostingCount} can host the agent (taints tolerated)` : 'reading nodes…'}
          {selectorRows.length === 0 && gpuMode === 'auto' ? ' — without a selector, GPU nodes are targeted automatically' : ''}
        </p>
      </fieldset>

      <fieldset>
        <legend>Tolerations</legend>
        <label className="inline">
          <input type="checkbox" checked={tolerateAll} onChange={(e) => set({ tolerations: e.target.checked ? [{ operator: 'Exists' }] : [] })} /> Tolerate every taint (the default)
        </label>
        {!tolerateAll && (
          <>
            <ul>
              {settings.tolerations.map((t, i) => (
                <li key={i}>
                  {t.key}
                  {t.operator === 'Equal' ? `=${t.value ?? ''}` : ''}:{t.effect ?? '(any effect)'}{' '}
                  <button type="button" aria-label="remove toleration" onClick={() => set({ tolerations: settings.tolerations.filter((_t, j) => j !== i) })}>
                    ✕
                  </button>
                </li>
              ))}
            </ul>
            {taintsOfMatching.length > 0 && (
              <button
                type="button"
                onClick={() => set({ tolerations: taintsOfMatching.map((t): Toleration => ({ key: t.key, operator: 'Exists', effect: t.effect as Toleration['effect'] })) })}
              >
                Tolerate the taints of the matching nodes ({taintsOfMatching.map((t) => `${t.key}:${t.effect}`).join(', ')})
              </button>
            )}
          </>
        )}
      </fieldset>

      <fieldset>
        <legend>GPU</legend>
        {(['auto', 'require-gpu', 'runtime-class'] as const).map((mode) => (
          <label className="inline" key={mode}>
            <input
              type="radio"
              name="gpu-mode"
              checked={gpuMode === mode}
              onChange={() => set({ requireGPU: mode === 'require-gpu', runtimeClassName: mode === 'runtime-class' ? (inv?.runtimeClasses[0] ?? 'nvidia') : '' })}
            />
            {mode === 'auto' ? 'Target GPU nodes automatically' : mode === 'require-gpu' ? 'Request one nvidia.com/gpu' : 'Use a RuntimeClass'}
          </label>
        ))}
        {gpuMode === 'runtime-class' && (
          <select aria-label="RuntimeClass" value={settings.runtimeClassName} onChange={(e) => set({ runtimeClassName: e.target.value })}>
            {[...new Set([settings.runtimeClassName, ...(inv?.runtimeClasses ?? [])])].map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        )}
        {errors.requireGPU && <span className="field-error">{errors.requireGPU}</span>}
      </fieldset>

      <fieldset>
        <legend>Mode and details</legend>
        <label className="inline">
          <input type="checkbox" checked={settings.privileged} onChange={(e) => set({ privileged: e.target.checked })} /> Privileged (collects GPU and SystemD data; needs a namespace that allows privileged pods)
        </label>
        <label>
          Node OS
          <select value={settings.os} onChange={(e) => set({ os: e.target.value })}>
            <option value="">(any)</option>
            {OS_KINDS.map((os) => (
              <option key={os}>{os}</option>
            ))}
          </select>
        </label>
        <ResourceField key={`${selected}-requests`} label="requests" value={settings.requests} onChange={(v) => set({ requests: v })} />
        <ResourceField key={`${selected}-limits`} label="limits" value={settings.limits} onChange={(v) => set({ limits: v })} />
        {(errors.requests ?? errors.limits) && <span className="field-error">{errors.requests ?? errors.limits}</span>}
        <label>
          Max nodes per topology entry <span className="muted">(0 = unlimited)</span>
          <input type="number" min={0} value={settings.maxNodesPerEntry} onChange={(e) => set({ maxNodesPerEntry: Math.max(0, Math.floor(Number(e.target.value) || 0)) })} />
        </label>
        <label className="inline">
          <input type="checkbox" checked={settings.debug} onChange={(e) => set({ debug: e.target.checked })} /> Debug logging
        </label>
        <label className="inline">
          <input type="checkbox" checked={settings.keepResources} onChange={(e) => set({ keepResources: e.target.checked })} /> Keep the agent's resources after the run
        </label>
        {settings.keepResources && <p className="warning">The ClusterRoleBinding stays too: the agent's ServiceAccount keeps cluster-wide read access until you clean up.</p>}
      </fieldset>
    </form>
  );
}
