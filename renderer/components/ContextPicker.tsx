import { useStudioState } from '../store.ts';

/** Every context with cluster, user and namespace; reachability, version and identity fill in as probes answer. */
export function ContextPicker() {
  const { contexts, selected, probes, select } = useStudioState('contexts', 'selected', 'probes', 'select');
  return (
    <nav aria-label="Contexts" className="contexts">
      <h2>Contexts</h2>
      {contexts.length === 0 && <p className="muted">No contexts in the kubeconfig.</p>}
      <ul>
        {contexts.map((c) => {
          const probe = probes[c.name];
          const status = probe === undefined || probe === 'probing' ? 'probing' : probe.reachable ? 'reachable' : 'unreachable';
          return (
            <li key={c.name}>
              <button type="button" title={`${c.server}\ndefined in ${c.file}`} className={`context ${c.name === selected ? 'selected' : ''}`} aria-pressed={c.name === selected} data-context={c.name} onClick={() => void select(c.name)}>
                <span className={`dot ${status}`} aria-label={status} title={status} />
                <span className="context-name">{c.name}</span>
                <span className="context-meta">
                  {c.cluster} · {c.user} · ns {c.namespace}
                </span>
                <span className="context-meta" data-testid={`probe-${c.name}`}>
                  {probe === undefined || probe === 'probing'
                    ? 'checking…'
                    : probe.reachable
                      ? `${probe.serverVersion ?? ''}${probe.username ? ` · ${probe.username}` : ''}`
                      : (probe.error?.summary.split('\n')[0] ?? 'unreachable')}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
