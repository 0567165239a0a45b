/**
 * xterm asks its selection service for a redraw on every scroll, and the DOM renderer answers each
 * one by drawing every row again, whether anything is selected or not (xtermjs/xterm.js#4633): in a
 * log flood every frame drew all rows twice. Redraw requests are passed on while there is a
 * selection, and once more to erase it.
 */
import type { Terminal } from '@xterm/xterm';

export interface SelectionRedraws {
  refresh(isLinuxMouseSelection?: boolean): void;
}

export function skipIdleSelectionRedraws(service: SelectionRedraws, hasSelection: () => boolean): void {
  const refresh = service.refresh.bind(service);
  let drawnWithSelection = true; // unknown at first: let the first request through
  service.refresh = (isLinuxMouseSelection) => {
    const selected = hasSelection();
    if (!selected && !drawnWithSelection) return;
    drawnWithSelection = selected;
    refresh(isLinuxMouseSelection);
  };
}

/**
 * Applies the above to an opened terminal. The selection service is not part of xterm's API: when a
 * new xterm keeps it elsewhere, nothing is changed and false comes back (a test checks it is true).
 */
export function skipIdleSelectionRedrawsOf(terminal: Terminal): boolean {
  const service = (terminal as unknown as { _core?: { _selectionService?: Partial<SelectionRedraws> } })._core?._selectionService;
  if (typeof service?.refresh !== 'function') return false;
  skipIdleSelectionRedraws(service as SelectionRedraws, () => terminal.hasSelection());
  return true;
}
