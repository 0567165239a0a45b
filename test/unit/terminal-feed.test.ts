import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as TerminalFeedModule from '../../renderer/terminal-feed.ts';

let feedModule: typeof TerminalFeedModule;

beforeEach(async () => {
  vi.resetModules(); // the parse-speed estimate is per page: each test starts a fresh one
  feedModule = await import('../../renderer/terminal-feed.ts');
});

/**
 * Parses the way xterm does: writes queue up; a timer task parses them in order, calling each
 * write's callback right after its data, and yields once 12 ms have passed. Parsing takes
 * `msPerLine` of real time per line. Draws as xterm does: in a frame after lines were parsed, not
 * while synchronized output (DEC mode 2026) holds drawing back.
 */
/** The terminal's frames, apart from the timers the tests count as the feed's pauses. */
const frameTimer = globalThis.setTimeout;

class ParsingTerminal {
  readonly parsed: string[] = [];
  /** Lines per slice written (writes of controls alone are not counted). */
  readonly writes: number[] = [];
  /** How many writes each parsing task took. */
  readonly writesPerTask: number[] = [];
  /** How long each hold on drawing lasted, in ms, and how many frames were drawn. */
  readonly holds: number[] = [];
  frames = 0;
  holding = false;
  private holdStartedAt = 0;
  private undrawn = false;
  private frameQueued = false;
  private readonly renderListeners: ((rows: { start: number; end: number }) => void)[] = [];
  private readonly queue: [string, (() => void) | undefined][] = [];
  private scheduled = false;
  msPerLine: number;

  constructor(msPerLine: number) {
    this.msPerLine = msPerLine;
  }

  write(data: string, callback?: () => void): void {
    this.queue.push([data, callback]);
    if (callback) this.writes.push(data.split('\n').length - 1);
    if (!this.scheduled) this.schedule();
  }

  onRender(listener: (rows: { start: number; end: number }) => void): { dispose(): void } {
    this.renderListeners.push(listener);
    return { dispose: () => undefined };
  }

  private schedule(): void {
    this.scheduled = true;
    setTimeout(() => {
      const started = performance.now();
      let writes = 0;
      while (this.queue.length > 0) {
        writes++;
        const [data, callback] = this.queue.shift() as [string, (() => void) | undefined];
        // Text and the synchronized output controls in it, in order: text, h or l, text, ...
        // eslint-disable-next-line no-control-regex
        data.split(/\x1b\[\?2026([hl])/).forEach((piece, i) => (i % 2 === 0 ? this.parse(piece) : this.synchronize(piece === 'h')));
        callback?.();
        if (performance.now() - started >= 12) break;
      }
      this.writesPerTask.push(writes);
      this.scheduled = false;
      this.queueFrame();
      if (this.queue.length > 0) this.schedule();
    });
  }

  private parse(text: string): void {
    const lines = text.split('\n').slice(0, -1);
    for (const until = performance.now() + lines.length * this.msPerLine; performance.now() < until; );
    this.parsed.push(...lines);
    if (lines.length > 0) this.undrawn = true;
  }

  private synchronize(hold: boolean): void {
    if (hold && !this.holding) this.holdStartedAt = performance.now();
    if (!hold && this.holding) this.holds.push(performance.now() - this.holdStartedAt);
    this.holding = hold;
  }

  private queueFrame(): void {
    if (this.frameQueued || this.holding || !this.undrawn) return;
    this.frameQueued = true;
    frameTimer(() => {
      this.frameQueued = false;
      if (this.holding) return; // drawn once the hold ends
      this.undrawn = false;
      this.frames++;
      for (const listener of this.renderListeners) listener({ start: 0, end: 0 });
    }, 16);
  }
}

async function feedBatches(terminal: ParsingTerminal, batches: number, linesPerBatch: number) {
  const acked: number[] = [];
  let total = 0;
  const done = new Promise<void>((resolve) => {
    const feed = new feedModule.TerminalFeed(terminal, (lines) => {
      acked.push(lines);
      if (acked.reduce((a, b) => a + b, 0) === batches * linesPerBatch) resolve();
    });
    // About 100 characters a line, like the agent's.
    for (let b = 0; b < batches; b++) feed.push(Array.from({ length: linesPerBatch }, () => `line ${total++} `.padEnd(99, 'x')));
  });
  await done;
  return acked;
}

describe('terminal feed', () => {
  it('writes every line once, in order, and acknowledges each slice once parsed', async () => {
    const terminal = new ParsingTerminal(0.001);
    const acked = await feedBatches(terminal, 7, 333);
    expect(terminal.parsed).toEqual(Array.from({ length: 7 * 333 }, (_v, i) => `line ${i} `.padEnd(99, 'x')));
    expect(acked).toEqual(terminal.writes);
    expect(terminal.writes[0]).toBe(41); // before any measurement, 4,096 characters: quick even for an unoptimised parser
  });

  it('sizes slices to about 4 ms of parsing: big when the parser is fast, small when it is slow', async () => {
    const slow = new ParsingTerminal(0.2); // 4 ms is 20 lines, 2,000 characters
    await feedBatches(slow, 4, 200);
    expect(feedModule.sliceChars()).toBeGreaterThan(500); // a loaded machine only makes the parse look slower
    expect(feedModule.sliceChars()).toBeLessThan(3_000);
    expect(Math.max(...slow.writes.slice(-5))).toBeLessThanOrEqual(30);

    const fast = new ParsingTerminal(0.0005);
    await feedBatches(fast, 20, 1_000);
    expect(feedModule.sliceChars()).toBe(128 * 1024); // the most a slice holds
    expect(Math.max(...fast.writes)).toBeGreaterThan(1_300);
  });

  it("no task parses more than two slices, however fast the parser: a task stays well below the 12 ms xterm would go on for", async () => {
    const terminal = new ParsingTerminal(0.02); // a 4 ms slice is 200 lines; xterm alone would go on for 12 ms
    await feedBatches(terminal, 10, 1_000);
    expect(terminal.parsed).toHaveLength(10_000);
    expect(Math.max(...terminal.writesPerTask)).toBe(2);
  });

  it('while lines wait behind the slice being written, holds drawing back for at most 100 ms at a time, and draws once they run out', async () => {
    const terminal = new ParsingTerminal(0.01); // 20,000 lines: 200 ms of parsing, in tasks of about 8 ms
    await feedBatches(terminal, 20, 1_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(terminal.parsed).toHaveLength(20_000);
    expect(terminal.holding).toBe(false);
    expect(terminal.holds.length).toBeGreaterThanOrEqual(2);
    // A hold ends with the first slice written after 100 ms: never left to xterm's 1 s safety timeout.
    expect(Math.max(...terminal.holds)).toBeLessThan(1_000);
    // Without holds, every task's lines would be drawn in a frame of their own.
    expect(terminal.frames).toBeLessThan(terminal.writesPerTask.length / 2);
    expect(terminal.frames).toBeGreaterThanOrEqual(terminal.holds.length);
  });

  it('draws a batch that fits in one slice without holding it back', async () => {
    const terminal = new ParsingTerminal(0.01);
    await feedBatches(terminal, 1, 30);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(terminal.holds).toEqual([]);
    expect(terminal.frames).toBe(1);
  });

  it('says when every line pushed so far is parsed', async () => {
    const terminal = new ParsingTerminal(0.01);
    const feed = new feedModule.TerminalFeed(terminal, () => undefined);
    await feed.drained(); // nothing pushed: at once
    feed.push(Array.from({ length: 3_000 }, (_v, i) => `line ${i}`));
    let drained = false;
    const done = feed.drained().then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(drained).toBe(false);
    await done;
    expect(terminal.parsed).toHaveLength(3_000);
  });

  it("a new terminal starts with small slices, doubling, whatever another terminal's parse time says", async () => {
    await feedBatches(new ParsingTerminal(0.0005), 20, 1_000); // a fast parser: slices of the most
    expect(feedModule.sliceChars()).toBe(128 * 1024);
    const fresh = new ParsingTerminal(0.0005);
    await feedBatches(fresh, 20, 1_000);
    // 100 characters a line: 4, 8, 16, 32, 64 KB, then at most 128 KB (less when a loaded machine
    // makes the parser measure slower).
    expect(fresh.writes.slice(0, 5)).toEqual([41, 82, 164, 328, 656]);
    expect(Math.max(...fresh.writes.slice(5))).toBeLessThanOrEqual(1_311);
  });

  it('a slice holds at least one line, however long', async () => {
    const terminal = new ParsingTerminal(0.001);
    const acked: number[] = [];
    const feed = new feedModule.TerminalFeed(terminal, (lines) => acked.push(lines));
    feed.push(['x'.repeat(200_000), 'short']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(terminal.parsed.map((line) => line.length)).toEqual([200_000, 5]);
    expect(acked).toEqual([1, 1]);
  });

  it('learns only from slices parsed back to back: a wait between tasks is not parse time', async () => {
    // One line per batch, a batch per task: every slice is written when the terminal is idle and
    // parsed in a later task, so nothing is measured and the first slice size stays.
    const terminal = new ParsingTerminal(0.001);
    const feed = new feedModule.TerminalFeed(terminal, () => undefined);
    for (let i = 0; i < 5; i++) {
      feed.push([`line ${i}`]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(terminal.parsed).toHaveLength(5);
    expect(feedModule.sliceChars()).toBe(4_096);
  });

  /**
   * Pushes twenty batches of 1,000 lines at once, saying the terminal is behind a flood, and after
   * 500 ms (right as a pause begins, if the feed makes them) the news that the flood has eased; counts
   * the pauses the feed makes (its timers with a delay) before and after the news, and times the first
   * slice written after it.
   */
  async function pausesWhileBehind(follows = true): Promise<{ before: number; after: number; medianMs: number; slicesBetween: number[]; nextSliceMs: number }> {
    const wait = setTimeout; // the test's own waits are not the feed's pauses
    const terminal = new ParsingTerminal(0.01); // 10 ms per batch
    const pauses: { at: number; ms: number; slices: number }[] = [];
    const timers = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((run: () => void, ms?: number) => {
      if (ms !== undefined) pauses.push({ at: performance.now(), ms, slices: terminal.writes.length });
      return wait(run, ms);
    }) as typeof setTimeout);
    const slicesWrittenAt: number[] = [];
    const write = terminal.write.bind(terminal);
    terminal.write = (data, callback) => {
      if (callback) slicesWrittenAt.push(performance.now());
      write(data, callback);
    };
    try {
      const feed = new feedModule.TerminalFeed(terminal, () => undefined, () => follows);
      for (let b = 0; b < 20; b++) {
        feed.push(
          Array.from({ length: 1_000 }, (_v, i) => `line ${b * 1_000 + i} `.padEnd(99, 'x')),
          true,
        );
      }
      await new Promise((resolve) => wait(resolve, 500));
      for (const pausesSoFar = pauses.length, until = performance.now() + 300; pauses.length === pausesSoFar && performance.now() < until; ) await new Promise((resolve) => wait(resolve, 1));
      const easedAt = performance.now();
      feed.push([], false);
      await feed.drained();
      expect(terminal.parsed).toHaveLength(20_000);
      const lengths = pauses.map((pause) => pause.ms).sort((a, b) => a - b);
      return {
        before: pauses.filter((pause) => pause.at <= easedAt).length,
        after: pauses.filter((pause) => pause.at > easedAt).length,
        medianMs: lengths[Math.floor(lengths.length / 2)] ?? 0,
        slicesBetween: pauses.slice(1).map((pause, i) => pause.slices - (pauses[i] as { slices: number }).slices),
        nextSliceMs: (slicesWrittenAt.find((at) => at >= easedAt) ?? Infinity) - easedAt,
      };
    } finally {
      timers.mockRestore();
    }
  }

  it('while the terminal is behind a flood and the view follows, each slice is followed by a pause of a few frames; once the flood eases, the rest is parsed back to back', async () => {
    const { before, after, medianMs, slicesBetween, nextSliceMs } = await pausesWhileBehind();
    expect(before).toBeGreaterThanOrEqual(3);
    expect(medianMs).toBeGreaterThanOrEqual(80);
    expect(slicesBetween.slice(0, before - 1).every((slices) => slices === 1)).toBe(true);
    expect(after).toBe(0);
    // The pause under way when the news came is cut short (it would have lasted some 100 ms).
    expect(nextSliceMs).toBeLessThan(50);
  });

  it("once a flood eases, measures the parser afresh: the parse time taken while the flood's stream kept the cores busy no longer holds", async () => {
    const terminal = new ParsingTerminal(0.05); // a busy machine: 4 ms is 80 lines
    const wait = setTimeout;
    const feed = new feedModule.TerminalFeed(terminal, () => undefined, () => true);
    const batch = (from: number) => Array.from({ length: 1_000 }, (_v, i) => `line ${from + i} `.padEnd(99, 'x'));
    feed.push(batch(0));
    await feed.drained();
    expect(Math.max(...terminal.writes.slice(-3))).toBeLessThan(150);
    terminal.msPerLine = 0.002; // the stream ended: the cores are free, 4 ms is 2,000 lines
    for (let b = 1; b <= 3; b++) feed.push(batch(b * 1_000), true);
    await new Promise((resolve) => wait(resolve, 250));
    const beforeEase = terminal.writes.length;
    for (let b = 4; b <= 20; b++) feed.push(batch(b * 1_000), b < 20);
    await feed.drained();
    expect(terminal.parsed).toHaveLength(21_000);
    // The first slices are small again; the third is as large as a fast parser's.
    expect(terminal.writes[beforeEase + 2]).toBeGreaterThan(1_000);
  });

  it('but not while the view does not follow: its reader waits for every line', async () => {
    expect(await pausesWhileBehind(false)).toMatchObject({ before: 0, after: 0 });
  });

  it('nor in a hidden page, where the browser holds timers back and nothing is drawn', async () => {
    vi.stubGlobal('document', { visibilityState: 'hidden' });
    try {
      expect(await pausesWhileBehind()).toMatchObject({ before: 0, after: 0 });
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
