import { useStudioState } from '../store.ts';
import { ContextPicker } from './ContextPicker.tsx';

function Leftovers() {
  const { selected, leftovers, removeLeftovers } = useStudioState('selected', 'leftovers', 'removeLeftovers');
  const list = selected ? (leftovers[selected] ?? []) : [];
  if (list.length === 0) return null;
  return (
    <section aria-labelledby="leftovers-title" className="leftovers">
      <h2 id="leftovers-title">Left by earlier runs</h2>
      <ul>
        {list.map((l) => (
          <li key={l.runId}>
            <strong>{l.runId}</strong> in {l.namespace} · {l.jobActive ? 'Job still active' : 'finished'} · {l.objects.length} objects
            <button type="button" onClick={() => void removeLeftovers(l.runId)} title={l.objects.join('\n')}>
              Clean up
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Library() {
  const { snapshots, openSnapshot, viewing } = useStudioState('snapshots', 'openSnapshot', 'viewing');
  return (
    <section aria-labelledby="library-title" className="library">
      <h2 id="library-title">Saved snapshots</h2>
      {snapshots.length === 0 && <p className="muted">None yet.</p>}
      <ul>
        {snapshots.map((s) => (
          <li key={s.id}>
            <button type="button" className={viewing?.id === s.id ? 'selected' : ''} onClick={() => void openSnapshot(s.id)}>
              {s.id}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Sidebar() {
  return (
    <aside className="sidebar">
      <ContextPicker />
      <Leftovers />
      <Library />
    </aside>
  );
}
