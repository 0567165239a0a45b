/**
 * xterm terminals made and opened the app's way, and a spare one kept warm for the next run.
 */
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Terminal } from '@xterm/xterm';
import { SCROLLBACK_LINES } from '../shared/log-window.ts';
import { doInBackground } from './background-work.ts';
import { skipIdleSelectionRedrawsOf } from './terminal-selection.ts';
import { syncViewportOncePerFrameOf } from './terminal-viewport.ts';

export interface TerminalParts {
  terminal: Terminal;
  fit: FitAddon;
  search: SearchAddon;
}

/** A terminal as the app configures them, with its add-ons. */
function newTerminal(): TerminalParts {
  const dark = matchMedia('(prefers-color-scheme: dark)').matches;
  const terminal = new Terminal({
    scrollback: SCROLLBACK_LINES,
    convertEol: true,
    disableStdin: true,
    cursorBlink: false,
    cursorInactiveStyle: 'none',
    fontSize: 12,
    theme: dark ? { background: '#111418' } : { background: '#fbfbfc', foreground: '#1d2329', cursor: '#fbfbfc', selectionBackground: '#b4d5fe' },
  });
  const fit = new FitAddon();
  const search = new SearchAddon();
  terminal.loadAddon(fit);
  terminal.loadAddon(search);
  return { terminal, fit, search };
}

/**
 * The next run's terminal, opened off screen and drawn once full of log-like lines while the page
 * was idle. A new terminal's first full drawing is slow (its own stylesheet, row elements and glyph
 * measurements): in a log flood it was a frame of 60-100 ms. Taken by the next run, which then draws
 * its first lines in a warm terminal.
 */
let spare: TerminalParts | undefined;
let warmingUp = false;
/** Spares made so far: each is marked with its number (data-spare), which tells whether a run took one. */
let sparesMade = 0;
const WARM_UP_LINES = Array.from({ length: 60 }, (_v, i) => `\x1b[3${1 + (i % 2)}m[agent] collecting measurement batch: line=${i} of=${60 + i * 7} collector=node-topology sample=${'c0ffee'.repeat(3)} ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789 !"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~\x1b[0m`).join('\n');

function warmUpSpare(): void {
  if (spare || warmingUp) return;
  warmingUp = true;
  const parts = newTerminal();
  const host = document.createElement('div');
  host.className = 'terminal-slot terminal-warm-up';
  host.setAttribute('aria-hidden', 'true');
  document.body.append(host);
  openIn(parts.terminal, host);
  parts.terminal.element?.setAttribute('data-spare', String(++sparesMade));
  parts.fit.fit();
  parts.terminal.write(`${WARM_UP_LINES}\n`, () =>
    requestAnimationFrame(() =>
      setTimeout(() => {
        parts.terminal.reset();
        spare = parts;
        warmingUp = false;
      }),
    ),
  );
}

/**
 * The warm-up is one task of 50-100 ms: not while logs come in (in a flood a terminal behind it takes
 * a batch every 100 ms or so), only once they have been quiet this long. Right after a run starts,
 * its own lines are usually a pod start away: the next spare is ready by then.
 */
const QUIET_MS = 500;
let lastLogAt = Number.NEGATIVE_INFINITY;

/** Log lines came in just now. */
export function noteLogLines(): void {
  lastLogAt = performance.now();
}

/** Warms up a spare terminal once logs have been quiet for a while, in the background (background-work.ts). */
let warmUpScheduled = false;
export function warmUpSpareWhenIdle(): void {
  if (warmUpScheduled || typeof requestIdleCallback !== 'function') return;
  warmUpScheduled = true;
  const attempt = (): void => {
    const wait = lastLogAt + QUIET_MS - performance.now();
    if (wait > 0) {
      setTimeout(attempt, wait);
      return;
    }
    doInBackground(() => {
      if (performance.now() - lastLogAt < QUIET_MS) return attempt();
      warmUpScheduled = false;
      return warmUpSpare();
    });
  };
  attempt();
}

/** The spare terminal if one is ready, else a new one; another spare is made when the page allows. */
export function takeSpareTerminal(): TerminalParts {
  const parts = spare ?? newTerminal();
  spare = undefined;
  warmUpSpareWhenIdle();
  return parts;
}

/** Opens a terminal in `element`, with the app's changes to xterm. */
export function openIn(terminal: Terminal, element: HTMLElement): void {
  terminal.open(element);
  // For whoever upgrades xterm: the end-to-end test fails on these warnings.
  // eslint-disable-next-line no-console
  if (!skipIdleSelectionRedrawsOf(terminal)) console.warn('aicr-studio: this xterm keeps its selection service elsewhere; every scroll redraws all rows');
  // eslint-disable-next-line no-console
  if (!syncViewportOncePerFrameOf(terminal)) console.warn('aicr-studio: this xterm keeps its viewport elsewhere; every scrolled line syncs the scrollbar');
}


/** Moves an opened terminal's element into `slot`, and away from its warm-up place if it was a spare. */
export function moveTo(element: HTMLElement, slot: HTMLElement): void {
  const warmUpHost = element.parentElement?.classList.contains('terminal-warm-up') ? element.parentElement : undefined;
  slot.append(element);
  warmUpHost?.remove();
}
