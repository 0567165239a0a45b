/**
 * One xterm terminal per run, created when the run starts and kept after its pod ends, so switching
 * between runs loses nothing. Log batches are written straight from the transport (never through the
 * store) and acknowledged once xterm has parsed them (terminal-feed.ts): main's flow control then
 * paces the log stream to what the terminal can take. While the view follows the end, the
 * acknowledgements say how many lines the terminal keeps, and main passes over lines its bounded
 * scrollback would lose anyway (log-flow.ts). A terminal takes lines before it is shown; it is opened
 * in the view the first time it appears there.
 */
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Terminal } from '@xterm/xterm';
import { SCROLLBACK_LINES } from '../shared/log-window.ts';
import { summedAtMostEvery } from './summed-counts.ts';
import { TerminalFeed } from './terminal-feed.ts';
import { skipIdleSelectionRedrawsOf } from './terminal-selection.ts';
import { syncViewportOncePerFrameOf } from './terminal-viewport.ts';
import { api } from './transport.ts';

/** Acknowledgements go out at once, then at most one per this many milliseconds: each is a call with a reply. */
const ACK_INTERVAL_MS = 10;

export interface RunTerminal {
  runId: string;
  terminal: Terminal;
  feed: TerminalFeed;
  fit: FitAddon;
  search: SearchAddon;
  /** Whether the view follows the end; changed with setFollow. */
  follow: boolean;
}

const terminals = new Map<string, RunTerminal>();

type TerminalParts = Pick<RunTerminal, 'terminal' | 'fit' | 'search'>;

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

/** Warms up a spare terminal once logs have been quiet for a while and the page is idle. */
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
    requestIdleCallback(
      () => {
        if (performance.now() - lastLogAt < QUIET_MS) return attempt();
        warmUpScheduled = false;
        return warmUpSpare();
      },
      { timeout: 2_000 },
    );
  };
  attempt();
}

export function terminalFor(runId: string): RunTerminal {
  const existing = terminals.get(runId);
  if (existing) return existing;
  const { terminal, fit, search } = spare ?? newTerminal();
  spare = undefined;
  warmUpSpareWhenIdle();
  // Lines are acknowledged once parsed: main's flow control counts what the terminal has taken.
  const acknowledge = summedAtMostEvery(ACK_INTERVAL_MS, (lines) => sendAck(entry, lines));
  const feed = new TerminalFeed(
    terminal,
    (lines) => {
      if (entry.follow) terminal.scrollToBottom();
      acknowledge(lines);
    },
    () => entry.follow,
  );
  const entry: RunTerminal = { runId, terminal, feed, fit, search, follow: true };
  terminals.set(runId, entry);
  api.onEvent((event) => {
    if (event.type !== 'run-event' || event.event.runId !== runId || event.event.type !== 'log') return;
    lastLogAt = performance.now();
    feed.push(event.event.lines as string[], event.event.behind === true);
  });
  return entry;
}

/** Tells main how many lines have been taken, and how many lines the terminal keeps if it follows the end. */
function sendAck(entry: RunTerminal, lines: number): void {
  void api.call('ackLogs', { runId: entry.runId, lines, ...(entry.follow ? { keepLines: SCROLLBACK_LINES + entry.terminal.rows } : {}) });
}

/** Follows the end or stops following it; main learns at once whether it may pass over lines. */
export function setFollow(entry: RunTerminal, follow: boolean): void {
  if (entry.follow === follow) return;
  entry.follow = follow;
  sendAck(entry, 0);
}

/** Opens a terminal in `element`, with the app's changes to xterm. */
function openIn(terminal: Terminal, element: HTMLElement): void {
  terminal.open(element);
  // For whoever upgrades xterm: the end-to-end test fails on these warnings.
  // eslint-disable-next-line no-console
  if (!skipIdleSelectionRedrawsOf(terminal)) console.warn('aicr-studio: this xterm keeps its selection service elsewhere; every scroll redraws all rows');
  // eslint-disable-next-line no-console
  if (!syncViewportOncePerFrameOf(terminal)) console.warn('aicr-studio: this xterm keeps its viewport elsewhere; every scrolled line syncs the scrollbar');
}

/** Shows the terminal in `slot`: opened there the first time, moved there afterwards. */
export function showTerminal(entry: RunTerminal, slot: HTMLElement): void {
  const element = entry.terminal.element;
  if (element) {
    const warmUpHost = element.parentElement?.classList.contains('terminal-warm-up') ? element.parentElement : undefined;
    slot.append(element);
    warmUpHost?.remove();
  } else openIn(entry.terminal, slot);
  entry.fit.fit();
  entry.terminal.refresh(0, entry.terminal.rows - 1);
}

/** The terminal's text (what its scrollback still holds), for copy and download. */
export function terminalText(entry: RunTerminal): string {
  const buffer = entry.terminal.buffer.active;
  const out: string[] = [];
  for (let i = 0; i < buffer.length; i++) {
    const line = buffer.getLine(i);
    if (!line) continue;
    if (line.isWrapped && out.length > 0) out[out.length - 1] += line.translateToString(true);
    else out.push(line.translateToString(true));
  }
  while (out.length > 0 && out.at(-1) === '') out.pop();
  return `${out.join('\n')}\n`;
}
