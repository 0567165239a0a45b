import { defaultKeymap } from '@codemirror/commands';
import { yaml as yamlLanguage } from '@codemirror/lang-yaml';
import { foldGutter, syntaxHighlighting, defaultHighlightStyle, foldKeymap } from '@codemirror/language';
import { highlightSelectionMatches } from '@codemirror/search';
import { EditorState, type Extension } from '@codemirror/state';
import { drawSelection, EditorView, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { SnapshotText } from '../../shared/contract.ts';
import { formatSnapshot } from '../../shared/snapshot.ts';
import { downloadText } from '../download.ts';
import { FindBar } from '../snapshot/FindBar.tsx';
import { useSnapshotSummary } from '../snapshot/use-summary.ts';
import { useStudioState } from '../store.ts';

/**
 * Above this size the text is shown plain: the YAML parser behind highlighting and folding must read
 * everything before a position to style it, which for a snapshot of many megabytes makes opening it
 * and moving through it take seconds.
 */
const SYNTAX_LIMIT_BYTES = 2 * 1024 * 1024;

interface YamlViewProps {
  text: string;
  plain: boolean;
  onView: (view: EditorView | undefined) => void;
  /** Told each text once the editor holds it. */
  onShown: (text: string) => void;
  findInput: RefObject<HTMLInputElement | null>;
}

function YamlView({ text, plain, onView, onShown, findInput }: YamlViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<{ view: EditorView; text: string; extensions: Extension }>(undefined);
  useEffect(() => {
    if (!host.current) return;
    const extensions = [
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
    ];
    const view = new EditorView({ parent: host.current, state: EditorState.create({ extensions }) });
    editor.current = { view, text: '', extensions };
    onView(view);
    return () => {
      onView(undefined);
      view.destroy();
      editor.current = undefined;
    };
  }, [plain, onView, findInput]);
  // The text as it arrives: a big snapshot's head first, then all of it. A new state rather than an
  // appending change: CodeMirror takes a change of many megabytes seconds to apply to a view, a new
  // state of the same size a few hundred milliseconds. The selection is carried over; the scroll
  // position is the host's (the editor grows inside it) and stays.
  useEffect(() => {
    const current = editor.current;
    if (!current || current.text === text) return;
    const { view } = current;
    const appended = text.startsWith(current.text);
    view.setState(EditorState.create({ doc: text, extensions: current.extensions, selection: appended ? view.state.selection : undefined }));
    current.text = text;
    onShown(text);
    // `plain` too: an editor made anew for it starts empty.
  }, [text, plain, onShown]);
  return <div ref={host} className="yaml-view" data-testid="yaml-view" />;
}

export function SnapshotViewer() {
  const { viewing } = useStudioState('viewing');
  if (!viewing) return null;
  // One viewer per snapshot: the find bar's hit and the editor belong to the snapshot they were made for.
  return <Viewer key={viewing.id} snapshot={viewing} />;
}

function Viewer({ snapshot }: { snapshot: SnapshotText }) {
  const { id, yaml, bytes, complete } = snapshot;
  // Summary, find, copy and export are about the whole snapshot, so they wait for all of it.
  const summary = useSnapshotSummary(complete ? yaml : undefined);
  const [view, setView] = useState<EditorView>();
  const [shown, setShown] = useState('');
  const findInput = useRef<HTMLInputElement>(null);
  const plain = bytes > SYNTAX_LIMIT_BYTES;
  const megabytes = (bytes / 1024 / 1024).toFixed(1);
  const base = id.replace(/\.yaml$/, '');
  return (
    <section className="panel" aria-labelledby="snapshot-title">
      <header className="panel-header">
        <h2 id="snapshot-title">Snapshot</h2>
        <span className="muted" data-testid="snapshot-id">
          {id}
        </span>
        <button type="button" disabled={!complete} onClick={() => void navigator.clipboard.writeText(yaml)}>
          Copy
        </button>
        <button type="button" disabled={!complete} onClick={() => downloadText(`${base}.yaml`, yaml, 'application/yaml')} data-testid="export-yaml">
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
      {plain && <p className="muted">About {megabytes} MB: shown as plain text (no highlighting or folding) so that it opens and moves quickly.</p>}
      {!complete && (
        <p className="muted" data-testid="snapshot-reading">
          Showing the first lines; reading the rest of {megabytes} MB…
        </p>
      )}
      <FindBar view={complete && shown === yaml ? view : undefined} input={findInput} />
      <YamlView text={yaml} plain={plain} onView={setView} onShown={setShown} findInput={findInput} />
    </section>
  );
}
