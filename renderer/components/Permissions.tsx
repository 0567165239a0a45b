import { useStudioState } from '../store.ts';

/** Each check allowed or denied with its reason; Run stays disabled while a required one is denied. */
export function Permissions() {
  const { checks, checking, checkPermissions } = useStudioState('checks', 'checking', 'checkPermissions');
  const denied = checks?.filter((c) => !c.allowed) ?? [];
  return (
    <section aria-labelledby="permissions-title" className="panel">
      <header className="panel-header">
        <h2 id="permissions-title">Permissions</h2>
        <button type="button" onClick={() => void checkPermissions()} disabled={checking}>
          {checking ? 'Checking…' : 'Re-check'}
        </button>
      </header>
      {checks && (
        <p className={denied.length ? 'bad' : 'good'} data-testid="permissions-summary">
          {denied.length ? `${denied.length} of ${checks.length} required permissions are missing` : `All ${checks.length} required permissions are granted`}
        </p>
      )}
      <ul className="checks">
        {checks?.map((c, i) => (
          <li key={i} className={c.allowed ? 'allowed' : 'denied'} data-allowed={c.allowed}>
            <span aria-hidden="true">{c.allowed ? '✓' : '✗'}</span> {c.subject ? 'agent: ' : ''}
            {c.verb} {c.resource} {c.namespace ? `in ${c.namespace}` : '(cluster-wide)'} <span className="muted">— to {c.purpose}</span>
            {!c.allowed && c.reason && <span className="muted"> ({c.reason})</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
