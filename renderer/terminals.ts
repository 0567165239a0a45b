/**
 * One xterm terminal per run (a warm spare when one is ready: spare-terminal.ts), taken when the run
 * starts and kept after its pod ends, so switching between runs loses nothing. Log batches are
 * written straight from the transport (never through the store) and acknowledged once xterm has
 * parsed them (terminal-feed.ts): main's flow control then paces the log stream to what the terminal
 * can take. While the view follows the end, the acknowledgements say how many lines the terminal
 * keeps, and main passes over lines its bounded scrollback would lose anyway (log-flow.ts). A
 * terminal takes lines before it is shown; it is opened in the view the first time it appears there.
 */
import type { FitAddon } from '@xterm/addon-fit';
import type { SearchAddon } from '@xterm/addon-search';
import type { Terminal } from '@xterm/xterm';
import { SCROLLBACK_LINES } from '../shared/log-window.ts';
import { moveTo, noteLogLines, openIn, takeSpareTerminal } from './spare-terminal.ts';
import { summedAtMostEvery } from './summed-counts.ts';
import { TerminalFeed } from './terminal-feed.ts';
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

export function terminalFor(runId: string): RunTerminal {
  const existing = terminals.get(runId);
  if (existing) return existing;
  const { terminal, fit, search } = takeSpareTerminal();
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
    noteLogLines();
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

/** Shows the terminal in `slot`: opened there the first time, moved there afterwards. */
export function showTerminal(entry: RunTerminal, slot: HTMLElement): void {
  if (entry.terminal.element) moveTo(entry.terminal.element, slot);
  else openIn(entry.terminal, slot);
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
