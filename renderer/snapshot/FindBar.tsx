/**
 * Find in the snapshot: Enter jumps to the next hit, Shift+Enter to the previous; the hit is selected
 * and scrolled to. Without a view (the snapshot is still being read) there is nothing to search yet.
 */
import { EditorSelection } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useMemo, useState, type RefObject } from 'react';
import { findNext, findPrevious, hitNumber, hitPositions } from './find.ts';

export function FindBar({ view, input }: { view: EditorView | undefined; input: RefObject<HTMLInputElement | null> }) {
  const [query, setQuery] = useState('');
  const [at, setAt] = useState<number>();
  // The document's own text (its positions are the editor's), built when first searched, not on opening.
  const searching = query !== '';
  const text = useMemo(() => (view && searching ? view.state.doc.toString() : ''), [view, searching]);
  const hits = useMemo(() => hitPositions(text, query), [text, query]);
  const number = at === undefined ? undefined : hitNumber(hits.positions, at);

  const go = (backward: boolean) => {
    if (!view) return;
    const { from, to } = view.state.selection.main;
    const hit = backward ? findPrevious(text, query, from) : findNext(text, query, from === to ? from : from + 1);
    if (!hit) return;
    setAt(hit.from);
    view.dispatch({ selection: EditorSelection.single(hit.from, hit.to), effects: EditorView.scrollIntoView(hit.from, { y: 'center' }) });
  };

  return (
    <div className="find-bar" role="search">
      <input
        ref={input}
        aria-label="find in snapshot"
        placeholder="Find in snapshot (Enter: next, Shift+Enter: previous)"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setAt(undefined);
        }}
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          go(e.shiftKey);
        }}
      />
      <button type="button" onClick={() => go(true)} disabled={!query} aria-label="previous hit">
        ↑
      </button>
      <button type="button" onClick={() => go(false)} disabled={!query} aria-label="next hit" data-testid="find-next">
        ↓
      </button>
      <span className="muted" data-testid="find-status">
        {query !== '' && (!view ? 'reading the snapshot…' : hits.positions.length === 0 ? 'no hits' : `${number ? `${number} of ` : ''}${hits.positions.length}${hits.capped ? '+' : ''} hits`)}
      </span>
    </div>
  );
}
