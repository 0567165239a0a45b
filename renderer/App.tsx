import { lazy, Suspense, useEffect } from 'react';
import { AgentForm } from './components/AgentForm.tsx';
import { Permissions } from './components/Permissions.tsx';
import { RunView } from './components/RunView.tsx';
import { Sidebar } from './components/Sidebar.tsx';
import { useStudio } from './store.ts';

// The viewer brings CodeMirror and the YAML parser: loaded shortly after the window is up (or when a
// snapshot is opened before that), not before the first paint.
const VIEWER_PRELOAD_DELAY_MS = 500;
const loadViewer = () => import('./components/SnapshotViewer.tsx');
const SnapshotViewer = lazy(() => loadViewer().then((m) => ({ default: m.SnapshotViewer })));

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
  const { init, error, dismissError, selected, viewing } = useStudio();
  useEffect(() => {
    void init();
  }, [init]);
  useShortcuts();
  useEffect(() => {
    const later = setTimeout(() => void loadViewer(), VIEWER_PRELOAD_DELAY_MS);
    return () => clearTimeout(later);
  }, []);
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
        {viewing && (
          <Suspense fallback={<p className="muted">Opening the snapshot…</p>}>
            <SnapshotViewer />
          </Suspense>
        )}
      </main>
    </div>
  );
}
