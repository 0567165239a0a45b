import { defaultKeymap } from '@codemirror/commands';
import { yaml as yamlLanguage } from '@codemirror/lang-yaml';
import { foldGutter, syntaxHighlighting, defaultHighlightStyle, foldKeymap } from '@codemirror/language';
import { highlightSelectionMatches } from '@codemirror/search';
import { EditorState } from '@codemirror/state';
import { drawSelection, EditorView, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { formatSnapshot } from '../../shared/snapshot.ts';
import { downloadText } from '../download.ts';
import { FindBar } from '../snapshot/FindBar.tsx';
import { useSnapshotSummary } from '../snapshot/use-summary.ts';
import { useStudio } from '../store.ts';

/**
 * Above this size (in characters, about bytes for YAML) the text is shown plain: the YAML parser
 * behind highlighting and folding must read everything before a position to style it, which for a
 * snapshot of many megabytes makes opening it and moving through it take seconds.
 */
const SYNTAX_LIMIT_CHARS = 2 * 1024 * 1024;

function YamlView({ text, plain, onView, findInput }: { text: string; plain: boolean; onView: (view: EditorView | undefined) => void; findInput: RefObject<HTMLInputElement | null> }) {
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
          // Focusable although read-only, so keyboard users reach find (Ctrl+F) and folding.
          EditorView.contentAttributes.of({ 'aria-label': 'Snapshot YAML', 'aria-readonly': 'true', tabindex: '0' }),
          lineNumbers(),
          // Drawn, so a hit stays marked while the find bar has the focus.
          drawSelection(),
          plain ? [] : [foldGutter(), yamlLanguage(), syntaxHighlighting(defaultHighlightStyle, { fallback: true })],
          highlightSelectionMatches(),
          keymap.of([{ key: 'Mod-f', run: () => (findInput.current?.focus(), true) }, ...foldKeymap, ...defaultKeymap]),
        ],
      }),
    });
    onView(view);
    return () => {
      onView(undefined);
      view.destroy();
    };
  }, [text, plain, onView, findInput]);
  return <div ref={host} className="yaml-view" data-testid="yaml-view" />;
}

export function SnapshotViewer() {
  const { viewing } = useStudio();
  if (!viewing) return null;
  // One viewer per snapshot: the find bar's hit and the editor belong to the snapshot they were made for.
  return <Viewer key={viewing.id} id={viewing.id} yaml={viewing.yaml} />;
}

function Viewer({ id, yaml }: { id: string; yaml: string }) {
  const summary = useSnapshotSummary(yaml);
  const [view, setView] = useState<EditorView>();
  const findInput = useRef<HTMLInputElement>(null);
  const plain = yaml.length > SYNTAX_LIMIT_CHARS;
  const base = id.replace(/\.yaml$/, '');
  return (
    <section className="panel" aria-labelledby="snapshot-title">
      <header className="panel-header">
        <h2 id="snapshot-title">Snapshot</h2>
        <span className="muted" data-testid="snapshot-id">
          {id}
        </span>
        <button type="button" onClick={() => void navigator.clipboard.writeText(yaml)}>
          Copy
        </button>
        <button type="button" onClick={() => downloadText(`${base}.yaml`, yaml, 'application/yaml')} data-testid="export-yaml">
          Export YAML
        </button>
        <button type="button" disabled={!summary || 'problem' in summary} onClick={() => downloadText(`${base}.json`, formatSnapshot(yaml, 'json'), 'application/json')}>
          Export JSON
        </button>
      </header>
      {summary === undefined && <p className="muted">Reading the snapshot…</p>}
      {summary && 'problem' in summary && <p className="error">{summary.problem}</p>}
      {summary && 'items' in summary && (
        <dl className="summary" data-testid="snapshot-summary">
          {summary.items.map((s) => (
            <div key={s.label}>
              <dt>{s.label}</dt>
              <dd>{s.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {plain && <p className="muted">About {(yaml.length / 1024 / 1024).toFixed(1)} MB: shown as plain text (no highlighting or folding) so that it opens and moves quickly.</p>}
      <FindBar view={view} input={findInput} />
      <YamlView text={yaml} plain={plain} onView={setView} findInput={findInput} />
    </section>
  );
}
