/**
 * Passing over lines nobody will see must leave xterm exactly as writing them would: the same
 * scrollback, text, colours and the colour state later lines start with. Checked with xterm itself.
 */
import { Terminal } from '@xterm/xterm';
import { describe, expect, it } from 'vitest';
import { colourStateAfter } from '../../renderer/colour-state.ts';
import { TerminalFeed } from '../../renderer/terminal-feed.ts';

const SCROLLBACK = 200;
const options = { cols: 40, rows: 5, scrollback: SCROLLBACK, convertEol: true, allowProposedApi: true };

/** Every row of the buffer: its text and each cell's colours and weight. */
function contents(terminal: Terminal): string[] {
  const buffer = terminal.buffer.active;
  const rows: string[] = [];
  for (let y = 0; y < buffer.length; y++) {
    const line = buffer.getLine(y);
    if (!line) continue;
    const cells: string[] = [];
    for (let x = 0; x < line.length; x++) {
      const cell = line.getCell(x);
      cells.push(`${cell?.getChars() || ' '}${cell?.getFgColorMode()}:${cell?.getFgColor()}/${cell?.getBgColor()}${cell?.isBold() ? 'b' : ''}`);
    }
    rows.push(`${line.isWrapped ? '~' : ''}${cells.join('')}`);
  }
  return [...rows, `cursor ${buffer.cursorX},${buffer.cursorY}`];
}

const written = (terminal: Terminal, text: string) => new Promise<void>((resolve) => terminal.write(text, resolve));

/**
 * Log lines whose colours change now and then and stay set for a while (so the state where the terminal's
 * lines begin matters), resets, tabs, and with `wrapping`, lines longer than the terminal is wide.
 */
function logLines(count: number, wrapping = false): string[] {
  return Array.from({ length: count }, (_v, i) => {
    if (i % 37 === 0) return `\x1b[3${i % 8}mline ${i} sets a colour`;
    if (i % 53 === 0) return `\x1b[1;4${i % 8}mline ${i} sets bold and a background`;
    if (i % 97 === 0) return `\x1b[0;32mline ${i} green\x1b[39m default fg\x1b[22m\tnot bold`;
    if (i % 101 === 0) return `line ${i} resets\x1b[0m`;
    if (wrapping && i % 13 === 0) return `line ${i} ${'long '.repeat(12)}`;
    return `line ${i} in whatever colour is set`;
  });
}

/** The lines through a feed that may pass over them, pushed faster than the terminal parses. */
async function throughFeed(lines: string[], batch: number): Promise<{ terminal: Terminal; written: string[]; taken: number }> {
  const terminal = new Terminal(options);
  const writes: string[] = [];
  let taken = 0;
  const feed = new TerminalFeed(
    { write: (data: string, callback: () => void) => (writes.push(data), terminal.write(data, callback)) },
    (n) => (taken += n),
    { allowed: () => true, keepLines: () => SCROLLBACK + terminal.rows },
  );
  for (let i = 0; i < lines.length; i += batch) feed.push(lines.slice(i, i + batch));
  await feed.drained();
  return { terminal, written: writes.join('').split('\n').slice(0, -1), taken };
}

describe('passing over log lines nobody will see', () => {
  it('leaves the terminal as writing every line would, colours and the state later lines start with included', async () => {
    // Different lengths put the first line the terminal keeps after different colour changes.
    for (const [count, wrapping] of [[3_000, false], [3_019, false], [3_038, false], [3_060, false], [3_000, true], [3_037, true]] as const) {
      const lines = logLines(count, wrapping);
      const reference = new Terminal(options);
      await written(reference, `${lines.join('\n')}\n`);
      const { terminal, written: parsed, taken } = await throughFeed(lines, 250);
      expect(parsed.length).toBeLessThan(1_000); // most lines were passed over...
      expect(taken).toBe(count); // ...and counted as taken, for main's flow control
      expect(contents(terminal)).toEqual(contents(reference));
      await Promise.all([written(reference, 'next line\n'), written(terminal, 'next line\n')]);
      expect(contents(terminal)).toEqual(contents(reference));
    }
  });

  it('never passes over a line with any other control: it is written, with what follows it', async () => {
    const lines = logLines(1_000);
    lines[100] = 'line 100 \x1b]0;a title\x07';
    lines[200] = 'line 200 \x1b[2A moves the cursor';
    const { written: parsed } = await throughFeed(lines, 1_000);
    expect(parsed).toContain(lines[100]);
    expect(parsed).toContain(lines[200]);
    expect(parsed.at(-1)).toBe(lines.at(-1));
  });
});

describe('the colour state after some lines', () => {
  it('is what follows the last reset, or the state before and everything after it', () => {
    expect(colourStateAfter('', 'plain\ttext\r')).toBe('');
    expect(colourStateAfter('\x1b[31m', 'plain')).toBe('\x1b[31m');
    expect(colourStateAfter('\x1b[31m', 'a\x1b[1mb\nc\x1b[4m')).toBe('\x1b[31m\x1b[1m\x1b[4m');
    expect(colourStateAfter('\x1b[31m', 'a\x1b[0mb\x1b[32m')).toBe('\x1b[0m\x1b[32m');
    expect(colourStateAfter('\x1b[31m', 'a\x1b[m')).toBe('\x1b[m');
    expect(colourStateAfter('\x1b[31m', 'a\x1b[0;1mb')).toBe('\x1b[0;1m');
    expect(colourStateAfter('\x1b[31m', 'a\x1b[01mb')).toBe('\x1b[31m\x1b[01m'); // 01 is bold, not a reset
    expect(colourStateAfter('', 'a\x1b[38:2::1:2:3mb')).toBe('\x1b[38:2::1:2:3m');
  });

  it('is unknown for any other control, and for a state that grew too long', () => {
    for (const text of ['\x1b[2J', '\x1b]0;title\x07', 'bell\x07', 'shift out\x0e', 'C1 CSI\x9b1m', '\x1bc reset', '\x1b[?25l', 'ESC at end\x1b']) {
      expect(colourStateAfter('', text)).toBeUndefined();
    }
    expect(colourStateAfter('', '\x1b[1m'.repeat(300))).toBeUndefined();
  });
});
