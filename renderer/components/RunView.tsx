import { useEffect, useRef, useState } from 'react';
import { downloadText } from '../download.ts';
import { useStudioState, type RunRecord } from '../store.ts';
import { setFollow as setTerminalFollow, showTerminal, terminalFor, terminalText } from '../terminals.ts';

const PHASES = ['checking-permissions', 'deploying', 'waiting-for-pod', 'running', 'retrieving-snapshot', 'cleaning-up'] as const;
const LABELS: Record<string, string> = {
  'checking-permissions': 'Permissions',
  deploying: 'Deploy',
  'waiting-for-pod': 'Scheduling',
  running: 'Agent running',
  'retrieving-snapshot': 'Snapshot',
  'cleaning-up': 'Cleanup',
};

function Timeline({ run }: { run: RunRecord }) {
  const seen = run.events.filter((e) => e.type === 'phase').map((e) => ({ phase: String(e.phase), at: e.at }));
  const started = Date.parse(run.summary.startedAt);
  return (
    <ol className="timeline" aria-label="Phases">
      {PHASES.map((phase) => {
        const hit = seen.find((s) => s.phase === phase);
        return (
          <li key={phase} className={hit ? 'reached' : ''}>
            {LABELS[phase]}
            {hit && <span className="muted"> +{((hit.at - started) / 1000).toFixed(1)}s</span>}
          </li>
        );
      })}
      <li className={`outcome ${run.summary.outcome}`} data-testid="run-outcome">
        {run.summary.outcome}
      </li>
    </ol>
  );
}

function LogTerminal({ runId }: { runId: string }) {
  const slot = useRef<HTMLDivElement>(null);
  const [query, setQuery] = useState('');
  const entry = terminalFor(runId);
  const [follow, setFollow] = useState(entry.follow);
  useEffect(() => {
    if (!slot.current) return;
    showTerminal(entry, slot.current);
    const onResize = () => entry.fit.fit();
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, [entry]);
  useEffect(() => setTerminalFollow(entry, follow), [entry, follow]);
  return (
    <section aria-label="Agent logs" className="logs">
      <div className="toolbar">
        <input aria-label="search logs" placeholder="Search logs" value={query} onChange={(e) => setQuery(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && entry.search.findNext(query)} />
        <button type="button" onClick={() => entry.search.findNext(query)}>
          Find
        </button>
        <label className="inline">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <button type="button" onClick={() => void navigator.clipboard.writeText(entry.terminal.hasSelection() ? entry.terminal.getSelection() : terminalText(entry))}>
          Copy
        </button>
        <button type="button" onClick={() => downloadText(`aicr-agent-${runId}.log`, terminalText(entry))}>
          Download
        </button>
      </div>
      <div ref={slot} className="terminal-slot" data-testid="log-terminal" />
    </section>
  );
}

/** The run's objects as they were created and removed, and the Kubernetes events of its Job and pod. */
function KubeEvents({ run }: { run: RunRecord }) {
  const rows = run.events.filter((e) => e.type === 'kube-event' || e.type === 'resource');
  if (rows.length === 0) return null;
  return (
    <details className="kube-events">
      <summary>
        Objects and events ({rows.length})
      </summary>
      <ul data-testid="kube-events">
        {rows.map((e, i) => (
          <li key={i} className={e.warning ? 'bad' : ''}>
            {e.type === 'resource' ? `${String(e.kind)} ${e.namespace ? `${String(e.namespace)}/` : ''}${String(e.name)}: ${String(e.action)}` : `${String(e.object)}: ${String(e.reason)} — ${String(e.message)}`}
          </li>
        ))}
      </ul>
    </details>
  );
}

export function RunView() {
  const { runs, shownRun, cancelRun, showRun, openSnapshot } = useStudioState('runs', 'shownRun', 'cancelRun', 'showRun', 'openSnapshot');
  const panel = useRef<HTMLElement>(null);
  // A run just started or chosen comes into view (its terminal renders only while visible).
  useEffect(() => {
    panel.current?.scrollIntoView({ block: 'start' });
  }, [shownRun]);
  const list = Object.values(runs).sort((a, b) => b.summary.startedAt.localeCompare(a.summary.startedAt));
  const run = shownRun ? runs[shownRun] : undefined;
  if (list.length === 0) return null;
  const warnings = run?.events.filter((e) => e.type === 'warning').map((e) => String(e.message)) ?? [];
  const pod = run?.events.filter((e) => e.type === 'pod').at(-1)?.pod as { name?: string; node?: string; phase?: string; reason?: string } | undefined;
  return (
    <section className="panel" aria-labelledby="runs-title" ref={panel}>
      <header className="panel-header">
        <h2 id="runs-title">Runs</h2>
        <select aria-label="shown run" value={shownRun ?? ''} onChange={(e) => showRun(e.target.value)}>
          {!shownRun && <option value="">(choose a run)</option>}
          {list.map((r) => (
            <option key={r.summary.runId} value={r.summary.runId}>
              {r.summary.runId} · {r.summary.context} · {r.summary.outcome}
            </option>
          ))}
        </select>
        {run?.summary.outcome === 'running' && (
          <button type="button" className="danger" onClick={() => void cancelRun(run.summary.runId)} title="Cancel the run and clean up (Esc)" data-testid="cancel">
            Cancel
          </button>
        )}
        {run?.summary.snapshotId && (
          <button type="button" onClick={() => void openSnapshot(run.summary.snapshotId as string)}>
            Show snapshot
          </button>
        )}
      </header>
      {run && (
        <>
          <Timeline run={run} />
          <p className="muted" data-testid="pod-status">
            {pod ? `pod ${pod.name} on ${pod.node ?? '(not scheduled yet)'}: ${pod.phase}${pod.reason ? ` (${pod.reason})` : ''}` : `run ${run.summary.runId} in ${run.summary.namespace}`}
          </p>
          {warnings.map((w, i) => (
            <p className="warning" key={i} role="status">
              {w}
            </p>
          ))}
          {run.summary.error && (
            <div className="error" role="alert" data-testid="run-error">
              <strong>{run.summary.error.summary.split('\n')[0]}</strong>
              {run.summary.error.guidance && <pre>{run.summary.error.guidance}</pre>}
              <pre>{run.summary.error.message}</pre>
              {typeof run.summary.error.details.logTail === 'string' && <pre className="log-tail">{run.summary.error.details.logTail}</pre>}
            </div>
          )}
          <KubeEvents run={run} />
          <LogTerminal runId={run.summary.runId} key={run.summary.runId} />
        </>
      )}
    </section>
  );
}
