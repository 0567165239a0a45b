/**
 * xterm (6.0) brings its scrollbar up to date on every line that scrolls the buffer: each line feed
 * at the bottom of a full screen sets the scrollbar's size and position and re-arms its fade-out
 * timer, two timers per line. In a log flood that was about a third of xterm's parsing. Those syncs
 * are gathered into one per animation frame (nothing is drawn in between); a sync to a given
 * position passes through at once. While the terminal holds its drawing back (synchronized output:
 * terminal-feed.ts), the scrollbar waits for the rows: a frame that moved only the scrollbar cost
 * about as much as one that drew the rows.
 */
import type { Terminal } from '@xterm/xterm';

export interface ViewportSync {
  _sync(ydisp?: number): void;
}

/**
 * Gathers the viewport's syncs; `drawingHeld` says whether the terminal holds its drawing back. The
 * returned function is to be called once the terminal has drawn its rows: a sync held back then runs.
 */
export function syncViewportOncePerFrame(viewport: ViewportSync, nextFrame: (run: () => void) => unknown = requestAnimationFrame, drawingHeld: () => boolean = () => false): () => void {
  const sync = viewport._sync.bind(viewport);
  let queued = false;
  let waitsForRows = false;
  viewport._sync = (ydisp) => {
    if (ydisp !== undefined) {
      sync(ydisp);
      return;
    }
    if (queued || waitsForRows) return;
    queued = true;
    nextFrame(() => {
      queued = false;
      if (drawingHeld()) waitsForRows = true;
      else sync();
    });
  };
  return () => {
    if (!waitsForRows) return;
    waitsForRows = false;
    sync();
  };
}

/**
 * Applies the above to an opened terminal. The viewport is not part of xterm's API: when a new
 * xterm keeps it elsewhere, nothing is changed and false comes back (the app then warns).
 */
export function syncViewportOncePerFrameOf(terminal: Terminal): boolean {
  const viewport = (terminal as unknown as { _core?: { _viewport?: Partial<ViewportSync> } })._core?._viewport;
  if (typeof viewport?._sync !== 'function') return false;
  const rowsDrawn = syncViewportOncePerFrame(viewport as ViewportSync, requestAnimationFrame, () => terminal.modes.synchronizedOutputMode);
  terminal.onRender(rowsDrawn);
  return true;
}
