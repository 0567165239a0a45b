/**
 * Main passing over lines the terminal's scrollback would lose must leave xterm exactly as writing
 * them would: the same scrollback, text, colours and the colour state later lines start with.
 * Checked with xterm itself, the lines going through main's flow and the renderer's feed.
 */
import { Terminal } from '@xterm/xterm';
import { describe, expect, it } from 'vitest';
import { LogFlow } from '../../electron/service/log-flow.ts';
import { colourStateAfter, stateFollowedBy } from '../../shared/colour-state.ts';
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

/**
 * The lines through main's flow (sending a few hundred ahead) and a following terminal's feed, pushed
 * faster than the terminal parses them.
 */
async function throughFlow(lines: string[], batch: number): Promise<{ terminal: Terminal; written: string[]; taken: number }> {
  const terminal = new Terminal(options);
  const writes: string[] = [];
  let taken = 0;
  const feed = new TerminalFeed(
    { write: (data: string, callback?: () => void) => (writes.push(data), terminal.write(data, callback)), onRender: terminal.onRender },
    (n) => {
      taken += n;
      flow.ack(n, SCROLLBACK + terminal.rows);
    },
    () => true,
  );
  const flow = new LogFlow(
    ({ lines: sent, passedOver, behind }) => {
      taken += passedOver;
      feed.push(sent, behind);
      return true;
    },
    { sentAhead: 300, held: 20_000 },
  );
  for (let i = 0; i < lines.length; i += batch) await flow.push(lines.slice(i, i + batch));
  // The run ends once the terminal has taken the flood (ending sends whatever is still held, at once).
  while (taken < lines.length) await new Promise((resolve) => setTimeout(resolve, 5));
  flow.close();
  await feed.drained();
  // Without the controls that hold drawing back (synchronized output), which leave nothing in the buffer.
  // eslint-disable-next-line no-control-regex
  const written = writes.join('').replace(/\x1b\[\?2026[hl]/g, '');
  return { terminal, written: written.split('\n').slice(0, -1), taken };
}

describe('main passing over log lines the terminal would lose', () => {
  it('leaves the terminal as writing every line would, colours and the state later lines start with included', async () => {
    // Different lengths put the first line the terminal keeps after different colour changes.
    for (const [count, wrapping] of [[12_000, false], [12_019, false], [12_038, false], [12_060, false], [12_000, true], [12_037, true]] as const) {
      const lines = logLines(count, wrapping);
      const reference = new Terminal(options);
      await written(reference, `${lines.join('\n')}\n`);
      const { terminal, written: parsed, taken } = await throughFlow(lines, 250);
      expect(parsed.length).toBeLessThan(6_000); // most lines were passed over...
      expect(taken).toBe(count); // ...and every line counted once, parsed or passed over
      expect(contents(terminal)).toEqual(contents(reference));
      await Promise.all([written(reference, 'next line\n'), written(terminal, 'next line\n')]);
      expect(contents(terminal)).toEqual(contents(reference));
    }
  });

  it('never passes over a line with any other control: it is written, with what follows it', async () => {
    const lines = logLines(12_000);
    lines[5_000] = 'line 5000 \x1b]0;a title\x07';
    lines[8_000] = 'line 8000 \x1b[2A moves the cursor';
    const { written: parsed } = await throughFlow(lines, 1_000);
    // Written, possibly after the colour state of lines passed over before it.
    expect(parsed.some((line) => line.endsWith(lines[5_000] as string))).toBe(true);
    expect(parsed.some((line) => line.endsWith(lines[8_000] as string))).toBe(true);
    expect(parsed.at(-1)).toBe(lines.at(-1));
  });
});

/** The colour state after `text` (UTF-8 encoded, as main holds log lines), from `state`. */
const stateAfter = (state: string, text: string) => colourStateAfter(state, Buffer.from(text));

describe('the colour state after some lines', () => {
  it('is what follows the last reset, or the state before and everything after it', () => {
    expect(stateAfter('', 'plain\ttext\r')).toBe('');
    expect(stateAfter('\x1b[31m', 'plain')).toBe('\x1b[31m');
    expect(stateAfter('\x1b[31m', 'a\x1b[1mb\nc\x1b[4m')).toBe('\x1b[31m\x1b[1m\x1b[4m');
    expect(stateAfter('\x1b[31m', 'a\x1b[0mb\x1b[32m')).toBe('\x1b[0m\x1b[32m');
    expect(stateAfter('\x1b[31m', 'a\x1b[m')).toBe('\x1b[m');
    expect(stateAfter('\x1b[31m', 'a\x1b[0;1mb')).toBe('\x1b[0;1m');
    expect(stateAfter('\x1b[31m', 'a\x1b[01mb')).toBe('\x1b[31m\x1b[01m'); // 01 is bold, not a reset
    expect(stateAfter('', 'a\x1b[38:2::1:2:3mb')).toBe('\x1b[38:2::1:2:3m');
  });

  it('is unknown for any other control, and for a state that grew too long', () => {
    for (const text of ['\x1b[2J', '\x1b]0;title\x07', 'bell\x07', 'shift out\x0e', 'C1 CSI\x9b1m', '\x1bc reset', '\x1b[?25l', 'ESC at end\x1b']) {
      expect(stateAfter('', text)).toBeUndefined();
    }
    expect(stateAfter('', '\x1b[1m'.repeat(300))).toBeUndefined();
  });

  it('reading bytes four at a time finds every other control a regular expression finds, at any alignment', () => {
    // eslint-disable-next-line no-control-regex
    const otherControl = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]|\x1b(?!\[[0-9;:]*m)/;
    const pieces = ['a', 'log line ', '\t', '\n', '\r', '\x1b[32m', '\x1b[0m', '\x1b[38:2::1:2:3m', '\x1b[', '\x1b', 'é', '€', '温', '🙂', '\x7f', '\x85', '\x9b', '\xa0', '\x07', '\x0e', '\x1f', '\x00'];
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    for (let round = 0; round < 3_000; round++) {
      const text = Array.from({ length: 1 + random(24) }, () => (random(3) === 0 ? (pieces[random(pieces.length)] as string) : 'x'.repeat(random(9)))).join('');
      const bytes = Buffer.from(text);
      // The same bytes at each offset from a word boundary.
      for (let offset = 0; offset < 4; offset++) {
        const placed = new Uint8Array(bytes.length + offset).subarray(offset);
        placed.set(bytes);
        expect(colourStateAfter('', placed) === undefined, JSON.stringify(text)).toBe(otherControl.test(text));
      }
    }
  });

  it('after a state and then the state of more lines is the state after the state and those lines', () => {
    const pieces = ['x', 'text ', '\x1b[31m', '\x1b[1m', '\x1b[0m', '\x1b[m', '\x1b[0;32m', '\x1b[01m', '\x1b[38:2::1:2:3m', '\n'];
    let seed = 11;
    const random = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    const text = () => Array.from({ length: random(12) }, () => pieces[random(pieces.length)] as string).join('');
    for (let round = 0; round < 2_000; round++) {
      const before = stateAfter('', text()) as string;
      const lines = text();
      const next = stateAfter('', lines) as string;
      expect(stateFollowedBy(before, next), JSON.stringify([before, lines])).toBe(stateAfter(before, lines));
    }
    expect(stateFollowedBy('\x1b[1m'.repeat(200), '\x1b[4m'.repeat(100))).toBeUndefined();
  });
});
