import { defaultKeymap } from '@codemirror/commands';
import { yaml as yamlLanguage } from '@codemirror/lang-yaml';
import { foldGutter, syntaxHighlighting, defaultHighlightStyle, foldKeymap } from '@codemirror/language';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useMemo, useRef } from 'react';
import { formatSnapshot, parseSnapshot, subtypeData, type Snapshot } from '../../shared/snapshot.ts';
import { downloadText } from '../download.ts';
import { useStudio } from '../store.ts';

interface Summary {
  label: string;
  value: string;
}

/** The facts a cluster admin looks for first. */
function summarize(snapshot: Snapshot): Summary[] {
  const gpu = (key: string) => {
    for (const s of snapshot.measurements.find((m) => m.type === 'GPU')?.subtypes ?? []) if (s.data[key] !== undefined) return String(s.data[key]);
    return '—';
  };
  const os = subtypeData(snapshot, 'OS', 'release');
  return [
    { label: 'Source node', value: snapshot.metadata['source-node'] || '—' },
    { label: 'Timestamp', value: snapshot.metadata.timestamp ?? '—' },
    { label: 'Agent version', value: snapshot.metadata.version ?? '—' },
    { label: 'GPU', value: gpu('gpu.model') },
    { label: 'GPU count', value: gpu('gpu-count') },
    { label: 'Driver', value: gpu('driver') },
    { label: 'CUDA', value: gpu('cuda-version') },
    { label: 'Kubernetes', value: String(subtypeData(snapshot, 'K8s', 'server')?.version ?? '—') },
    { label: 'OS', value: String(os?.PRETTY_NAME ?? os?.ID ?? '—') },
  ];
}

function YamlView({ text }: { text: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: text,
        extensions: [
          EditorState.readOnly.of(true),
          EditorView.editable.of(false),
          // Focusable although read-only, so keyboard users reach search (Ctrl+F) and folding.
          EditorView.contentAttributes.of({ 'aria-label': 'Snapshot YAML', 'aria-readonly': 'true', tabindex: '0' }),
          lineNumbers(),
          foldGutter(),
          yamlLanguage(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          search({ top: true }),
          highlightSelectionMatches(),
          keymap.of([...searchKeymap, ...foldKeymap, ...defaultKeymap]),
        ],
      }),
    });
    return () => view.destroy();
  }, [text]);
  return <div ref={host} className="yaml-view" data-testid="yaml-view" />;
}

export function SnapshotViewer() {
  const { viewing } = useStudio();
  const parsed = useMemo(() => {
    if (!viewing) return undefined;
    try {
      return { snapshot: parseSnapshot(viewing.yaml) };
    } catch (err) {
      return { problem: (err as Error).message };
    }
  }, [viewing]);
  if (!viewing) return null;
  const base = viewing.id.replace(/\.yaml$/, '');
  return (
    <section className="panel" aria-labelledby="snapshot-title">
      <header className="panel-header">
        <h2 id="snapshot-title">Snapshot</h2>
        <span className="muted" data-testid="snapshot-id">
          {viewing.id}
        </span>
        <button type="button" onClick={() => void navigator.clipboard.writeText(viewing.yaml)}>
          Copy
        </button>
        <button type="button" onClick={() => downloadText(`${base}.yaml`, viewing.yaml, 'application/yaml')} data-testid="export-yaml">
          Export YAML
        </button>
        <button type="button" disabled={!parsed?.snapshot} onClick={() => downloadText(`${base}.json`, formatSnapshot(viewing.yaml, 'json'), 'application/json')}>
          Export JSON
        </button>
      </header>
      {parsed?.problem && <p className="error">{parsed.problem}</p>}
      {parsed?.snapshot && (
        <dl className="summary" data-testid="snapshot-summary">
          {summarize(parsed.snapshot).map((s) => (
            <div key={s.label}>
              <dt>{s.label}</dt>
              <dd>{s.value}</dd>
            </div>
          ))}
        </dl>
      )}
      <YamlView text={viewing.yaml} />
    </section>
  );
}
