import { useEffect, useState, type ComponentType } from 'react';
import { describeError } from '../shared/errors.ts';
import { doInBackground } from './background-work.ts';
import { AgentForm } from './components/AgentForm.tsx';
import { Permissions } from './components/Permissions.tsx';
import { RunView } from './components/RunView.tsx';
import { Sidebar } from './components/Sidebar.tsx';
import { useStudio, useStudioState } from './store.ts';

/**
 * The viewer's component once its chunk is loaded. The viewer brings CodeMirror and the YAML parser:
 * loaded in the background once the window is up (or at once when a snapshot is opened before that).
 * Not React.lazy with Suspense: React holds back content that suspended for a few hundred
 * milliseconds before revealing it, even when the chunk was loaded long before.
 */
function useViewerComponent(needed: boolean): ComponentType | undefined {
  const [viewer, setViewer] = useState<{ component: ComponentType }>();
  useEffect(() => {
    if (viewer) return;
    let current = true;
    const load = () => {
      if (!current) return;
      void import('./components/SnapshotViewer.tsx').then(
        (m) => current && setViewer({ component: m.SnapshotViewer }),
        (err: unknown) => current && needed && useStudio.setState({ error: `the snapshot viewer could not be loaded: ${describeError(err)}` }),
      );
    };
    if (needed) load();
    else doInBackground(load);
    return () => {
      current = false;
    };
  }, [needed, viewer]);
  return viewer?.component;
}

/** Keyboard shortcuts for the main actions: Ctrl+Enter runs, Escape cancels the shown run. */
function useShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const { shownRun, runs, cancelRun } = useStudio.getState();
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) (document.querySelector('[data-testid="run"]') as HTMLButtonElement | null)?.click();
      if (e.key === 'Escape' && shownRun && runs[shownRun]?.summary.outcome === 'running') void cancelRun(shownRun);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function App() {
  const { init, error, dismissError, selected, viewing } = useStudioState('init', 'error', 'dismissError', 'selected', 'viewing');
  useEffect(() => {
    void init();
  }, [init]);
  useShortcuts();
  const SnapshotViewer = useViewerComponent(viewing !== undefined);
  return (
    <div className="app">
      <Sidebar />
      <main>
        <h1 className="title">aicr-studio{selected ? <span className="muted"> · {selected}</span> : null}</h1>
        {error && (
          <div className="error" role="alert">
            <pre>{error}</pre>
            <button type="button" onClick={dismissError}>
              Dismiss
            </button>
          </div>
        )}
        <div className="columns">
          <AgentForm />
          <Permissions />
        </div>
        <RunView />
        {viewing && (SnapshotViewer ? <SnapshotViewer /> : <p className="muted">Opening the snapshot…</p>)}
      </main>
    </div>
  );
}
