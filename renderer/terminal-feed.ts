/**
 * Feeds log lines into an xterm terminal in slices sized by how fast its parser is right now.
 *
 * xterm parses each write whole before it yields, and yields only once 12 ms have passed, so a
 * slice's parse time is how far a task can overrun a frame. That time is not fixed: the first
 * thousands of lines in a page run through code the JavaScript engine has not optimised yet (250
 * lines took 50 ms there, 3 ms later), and a slow machine changes it again. So the parser is timed
 * as it goes and each slice holds about {@link SLICE_BUDGET_MS} of work, counted in characters so
 * that a run of long lines does not make a slice long.
 *
 * xterm goes on parsing whatever it was given until 12 ms have passed, and a slice written from a
 * slice's callback is parsed in the same task: fed back to back, every task would run 12 ms and
 * more. On a machine whose cores are busy (the cluster, main and the browser share two in the
 * benchmark) the renderer's thread is preempted inside such tasks, and 12 ms of parsing stretched
 * past 50 ms. So at most {@link SLICES_PER_TASK} slices are parsed per task (about 8 ms); the next
 * one is written from a new task, which lets the browser draw and take input in between.
 *
 * In a flood, lines arrive faster than xterm parses them, and main passes over those the terminal's
 * bounded scrollback would lose anyway (log-flow.ts): the terminal need not parse as fast as it can
 * to show a flood's end. So while the view follows and main says the terminal is behind the stream,
 * each slice is followed by a pause of {@link PAUSE_BEHIND_MS}: most of the thread stays with the
 * page, and the machine's cores with the log stream. What it parses meanwhile only shows the flood
 * going on: a flood's last lines push it out of the scrollback. Once main says the flood has eased or
 * the stream has ended, the pause under way is cut short and the rest is parsed task after task, in
 * slices sized by the parser's speed measured afresh.
 *
 * While lines wait behind the slice being written (a batch larger than a slice, a flood's start, the
 * lines a flood ends with), the terminal is drawn at most every {@link DRAW_INTERVAL_MS}: each frame
 * redraws every row of a scrolling screen, and most rows would be replaced before anyone could read
 * them. The slices are wrapped in synchronized output (DEC mode 2026, which xterm implements): xterm
 * parses on and draws once the mode ends.
 */
import type { Terminal } from '@xterm/xterm';

/** A slice's parse time to aim for: several fit in xterm's 12 ms, none makes a long task. */
const SLICE_BUDGET_MS = 4;
/**
 * Before the first measurement, and the first slice of every terminal: about 40 lines of agent
 * output, quick even for an unoptimised parser.
 */
const FIRST_SLICE_CHARS = 4_096;
/** About 1,300 lines of agent output: more would only save acknowledgements, not parsing. */
const MAX_SLICE_CHARS = 128 * 1024;
/** Slices parsed in one task; the second is written from the first's callback, so it is timed. */
const SLICES_PER_TASK = 2;
/**
 * While the terminal is behind a flood, the pause after each slice (about 4 ms): a small part of the
 * thread, and the view redrawn some ten times a second, each time a screen of new rows (13 ms of
 * drawing in a flood's frames; with 50 ms pauses frames and parsing took 40 % of the thread; with two
 * slices before each pause the terminal parsed twice the lines that the flood's end then replaced).
 * Fixed rather than measured: on a busy machine a task's wall time includes waits for the processor,
 * and pauses grew with them.
 */
const PAUSE_BEHIND_MS = 100;
/** While lines wait behind the slice being written, the longest the terminal goes undrawn (ten frames a second). */
const DRAW_INTERVAL_MS = 100;
const BEGIN_SYNCHRONIZED_OUTPUT = '\x1b[?2026h';
const END_SYNCHRONIZED_OUTPUT = '\x1b[?2026l';
/** How much a new measurement moves the estimate. */
const SMOOTHING = 0.3;

/** Milliseconds per character the parser took lately: its code is shared by every terminal of the page. */
let msPerChar: number | undefined;

/** How many characters the next slice should hold (it always holds at least one line). */
export function sliceChars(): number {
  if (msPerChar === undefined) return FIRST_SLICE_CHARS;
  return Math.min(MAX_SLICE_CHARS, Math.round(SLICE_BUDGET_MS / Math.max(msPerChar, 1e-9)));
}

/**
 * Forgets the parse time measured so far. Measured at a flood's start, with the machine's cores busy
 * with the stream, it held when the flood ended: the lines it left (a scrollback's worth) began in
 * slices of 60 to 350 lines, which grew to the 1,300 an idle parser takes only over some 80 ms.
 */
function forgetParseTime(): void {
  msPerChar = undefined;
}

function observeParse(chars: number, ms: number): void {
  const sample = ms / chars;
  msPerChar = msPerChar === undefined ? sample : msPerChar + SMOOTHING * (sample - msPerChar);
}

/**
 * A token for the task now running, replaced once it ends. xterm calls a write's callback inside its
 * parsing loop: when a slice was written from the previous slice's callback and its own callback comes
 * in the same task, the time between them is the slice's parse time and nothing else.
 */
let task: object = {};
let taskEndQueued = false;
function currentTask(): object {
  if (!taskEndQueued) {
    taskEndQueued = true;
    queueMicrotask(() => {
      task = {};
      taskEndQueued = false;
    });
  }
  return task;
}

/** Runs `run` in a task of its own, at once (setTimeout would be held back 4 ms once nested five deep). */
let inNewTask: ((run: () => void) => void) | undefined;
function nextTask(run: () => void): void {
  if (!inNewTask) {
    const channel = new MessageChannel();
    const queued: (() => void)[] = [];
    channel.port1.onmessage = () => queued.shift()?.();
    inNewTask = (next) => {
      queued.push(next);
      channel.port2.postMessage(null);
    };
  }
  inNewTask(run);
}

export class TerminalFeed {
  private readonly batches: string[][] = [];
  /** Lines of the first batch already written. */
  private offset = 0;
  private writing = false;
  /** The task the last slice's callback came in, and how many slices that task has parsed. */
  private callbackTask: object | undefined;
  private slicesThisTask = 0;
  /** Whether the last lines pushed said the terminal is behind the stream. */
  private behind = false;
  /**
   * The most this terminal's next slice may hold: it starts small and doubles per slice. The parse
   * time measured on another terminal does not hold for a new one's first slices (its buffer fills and
   * starts to scroll): the benchmark's flood once began with a 54 ms task after a small run.
   */
  private sliceLimit = FIRST_SLICE_CHARS;
  /** When the terminal last began holding its drawing back (synchronized output), undefined while it draws. */
  private holdingSince: number | undefined;
  /**
   * Whether a hold has ended and xterm has not drawn since: a hold begun before its next frame would
   * hold that drawing back too. Never cleared for a terminal not drawn (not open yet, or hidden): it
   * then takes its lines without holds, as there is nothing to hold back.
   */
  private drawPending = false;
  private readonly terminal: Pick<Terminal, 'write' | 'onRender'>;
  private readonly onTaken: (lines: number) => void;
  private readonly follows: () => boolean;
  private drainWaiters: (() => void)[] = [];
  /** The pause after a slice while the terminal is behind a flood (see yieldsToTheStream). */
  private pause: ReturnType<typeof setTimeout> | undefined;

  /**
   * `onTaken` is called with a line count once lines are parsed (the run's flow control counts them);
   * `follows` says whether the view follows the end.
   */
  constructor(terminal: Pick<Terminal, 'write' | 'onRender'>, onTaken: (lines: number) => void, follows: () => boolean = () => false) {
    this.terminal = terminal;
    terminal.onRender(() => {
      this.drawPending = false;
    });
    this.onTaken = onTaken;
    this.follows = follows;
  }

  /** Resolves once every line pushed so far is parsed. */
  drained(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Queues lines; `behind` says that the terminal is behind the stream (main holds or passes over lines). */
  push(lines: string[], behind = false): void {
    if (this.behind && !behind) forgetParseTime();
    this.behind = behind;
    if (lines.length > 0) this.batches.push(lines);
    if (!behind && this.pause !== undefined) {
      // A flood's end: the lines it leaves are parsed now, not after the pause.
      clearTimeout(this.pause);
      this.pause = undefined;
      this.writeNext();
    } else if (!this.writing && lines.length > 0) this.writeNext();
  }

  /** The next lines up to `chars` characters, at least one line. */
  private takeSlice(chars: number): string[] {
    const slice: string[] = [];
    let size = 0;
    while (this.batches.length > 0 && (slice.length === 0 || size < chars)) {
      const line = (this.batches[0] as string[])[this.offset] as string;
      slice.push(line);
      size += line.length + 1;
      if (++this.offset === (this.batches[0] as string[]).length) {
        this.batches.shift();
        this.offset = 0;
      }
    }
    return slice;
  }

  private writeNext(): void {
    const slice = this.takeSlice(Math.min(sliceChars(), this.sliceLimit));
    this.sliceLimit = Math.min(2 * this.sliceLimit, MAX_SLICE_CHARS);
    this.writing = slice.length > 0;
    if (!this.writing) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
      return;
    }
    const writtenIn = currentTask();
    const writtenAt = performance.now();
    const text = this.holdingDrawing(`${slice.join('\n')}\n`, writtenAt);
    this.terminal.write(text, () => {
      const parsedIn = currentTask();
      if (parsedIn === writtenIn) observeParse(text.length, performance.now() - writtenAt);
      this.onTaken(slice.length);
      if (parsedIn !== this.callbackTask) {
        this.callbackTask = parsedIn;
        this.slicesThisTask = 0;
      }
      if (this.yieldsToTheStream()) {
        this.drawNow(); // what was parsed is shown during the pause
        this.pause = setTimeout(() => {
          this.pause = undefined;
          this.writeNext();
        }, PAUSE_BEHIND_MS);
      } else if (++this.slicesThisTask < SLICES_PER_TASK) this.writeNext();
      else nextTask(() => this.writeNext());
    });
  }

  /** A slice's text, beginning or ending a hold on drawing as the lines waiting behind it say. */
  private holdingDrawing(text: string, now: number): string {
    const linesWait = this.batches.length > 0;
    if (this.holdingSince === undefined) {
      if (!linesWait || this.drawPending) return text;
      this.holdingSince = now;
      return BEGIN_SYNCHRONIZED_OUTPUT + text;
    }
    return linesWait && now - this.holdingSince < DRAW_INTERVAL_MS ? text : text + this.endHold();
  }

  /** Ends a hold: xterm draws in its next frame. */
  private drawNow(): void {
    if (this.holdingSince !== undefined) this.terminal.write(this.endHold());
  }

  private endHold(): string {
    this.holdingSince = undefined;
    this.drawPending = true;
    return END_SYNCHRONIZED_OUTPUT;
  }

  /**
   * Whether the next slice waits (see above): while the terminal is behind, the view follows, and the page is
   * drawn. Not in a hidden page: nothing is drawn there, and the browser holds timers back to once a
   * second or less often.
   */
  private yieldsToTheStream(): boolean {
    return this.behind && this.follows() && globalThis.document?.visibilityState !== 'hidden';
  }
}
