/**
 * Log lines on their way to a renderer: gathered into batches (one message per ~30 ms or 2,000
 * lines, never one per line), and no more than LINES_SENT_AHEAD sent ahead of what the renderer has
 * acknowledged (credit-based flow control). What it has no room for yet waits here.
 *
 * A run's terminal keeps a bounded scrollback. While it follows the end, waiting lines with a
 * terminal's worth of waiting lines after them (the renderer says how many it keeps) would be pushed
 * out of the scrollback by them anyway: they are passed over, and the colour state they leave is
 * carried to the next line sent, so the terminal ends exactly as if it had parsed them
 * (colour-state.ts). The log stream is then read as fast as the API server sends it, and the
 * terminal shows its end instead of lagging behind. Otherwise (the reader scrolled back, or lines
 * with controls other than colours), the wait propagates to the pods/log stream, which stops reading
 * once LINES_HELD lines are held here or in flight: a flood neither freezes the window nor grows memory.
 *
 * The run's other events go out after the lines that came before them, sent or passed over: flushing
 * what waits for each event made a terminal in a flood parse a scrollback's worth of lines it would
 * have been spared (the agent's pod finishes while its logs still stream).
 */
import { colourStateAfter, stateFollowedBy } from '../../shared/colour-state.ts';
import { LogLines } from '../agent/log-lines.ts';
import { LINES_HELD, LINES_SENT_AHEAD } from '../../shared/log-window.ts';

const FLUSH_MS = 30;
const MAX_BATCH_LINES = 2_000;
/**
 * A following terminal is behind a flood once lines come faster than anyone reads them (this many
 * within FLOOD_WINDOW_MS: 20,000 a second), even before any can be passed over: told so, it takes
 * lines slowly and leaves the cores to the stream. Until then, a terminal parsing a flood's first
 * lines as fast as it could kept a core busy while the stream and main shared the other, so lines
 * arrived barely faster than it parsed them and nothing could be passed over for up to a second
 * (13,000–45,000 lines parsed before the first).
 */
const FLOOD_LINES = 5_000;
const FLOOD_WINDOW_MS = 250;
/**
 * A flood has eased when the terminal has not been behind for this long (no line passed over, no
 * lines coming fast), or the stream has ended (streamEnded) or sent nothing for STREAM_QUIET_MS (in a
 * flood it sends every fraction of a millisecond; when it stops, the terminal should take the rest at
 * once, not after a quarter second).
 */
const FLOOD_EASED_MS = 250;
const STREAM_QUIET_MS = 50;

export interface FlowLimits {
  /** Lines sent ahead of what the consumer has acknowledged. */
  sentAhead: number;
  /** Lines held here or in flight above which the producer waits. */
  held: number;
}
const DEFAULT_LIMITS: FlowLimits = { sentAhead: LINES_SENT_AHEAD, held: LINES_HELD };

export interface LogBatch {
  lines: string[];
  /** The sequence number the last of these lines came with (or the last passed over, if none). */
  seq: number;
  /** Lines passed over right before these. */
  passedOver: number;
  /**
   * Whether the terminal is behind a flood: lines come faster than anyone reads them, or were passed
   * over lately. Then it need not parse as fast as it can (terminal-feed.ts); once the flood eases or
   * the stream ends, it should.
   */
  behind: boolean;
}

/**
 * Lines waiting as they were pushed, as bytes (log-lines.ts): held as strings, a scrollback's worth of
 * lines outlived garbage collections in a flood and the engine grew its young generation to 130 MB.
 */
interface WaitingBatch {
  logs: LogLines;
  seq: number;
  /** The colour state these lines leave when started from none; undefined if they hold other controls. */
  colours: string | undefined;
}

/** The colour state lines leave when started from none (their parts hold whole lines: no sequence spans two). */
function coloursOf(logs: LogLines): string | undefined {
  let state: string | undefined = '';
  for (const part of logs.parts) if (state !== undefined) state = colourStateAfter(state, part);
  return state;
}

export class LogFlow {
  /** Sends a batch; returns false when nobody will acknowledge it (no window open): it then costs no credit. */
  private readonly send: (batch: LogBatch) => boolean;
  private readonly waiting: WaitingBatch[] = [];
  private waitingLines = 0;
  /** Waiting batches that hold controls other than colours, which are never passed over. */
  private unpassable = 0;
  /** Lines pushed, and lines gone (sent or passed over): an event waits until the lines before it are gone. */
  private linesPushed = 0;
  private linesGone = 0;
  private lastGoneSeq = 0;
  private readonly events: { position: number; deliver: () => void }[] = [];
  /** The colour state the lines passed over last left, written before the next line sent. */
  private carry = '';
  /** Lines passed over since the last batch sent. */
  private passedOver = 0;
  /** Whether the following terminal is behind a flood, when it last was, and whether the last batch said so. */
  private flooding = false;
  private lastBehindAt = 0;
  /** Lines pushed since the window of FLOOD_WINDOW_MS began. */
  private windowStartedAt = 0;
  private linesInWindow = 0;
  private lastPushAt = 0;
  private easeTimer: NodeJS.Timeout | undefined;
  private toldBehind = false;
  private timer: NodeJS.Timeout | undefined;
  /** Lines have waited FLUSH_MS for a full batch: what is queued goes out as soon as there is credit. */
  private partialDue = false;
  private unacked = 0;
  /** Lines the consumer's terminal keeps while it follows the end; undefined while it does not. */
  private keepLines: number | undefined;
  private waiters: (() => void)[] = [];
  private closed = false;
  private readonly limits: FlowLimits;

  constructor(send: (batch: LogBatch) => boolean, limits = DEFAULT_LIMITS) {
    this.send = send;
    this.limits = limits;
  }

  /**
   * Queues lines (none holds a line feed) that came with sequence number `seq`; resolves when the
   * producer may go on (at once unless the consumer is behind).
   */
  async push(pushed: LogLines | readonly string[], seq = 0): Promise<void> {
    const logs = pushed instanceof LogLines ? pushed : LogLines.of(pushed);
    if (this.closed || logs.count === 0) return;
    const previousPushAt = this.lastPushAt;
    this.lastPushAt = performance.now();
    const colours = coloursOf(logs);
    if (colours === undefined) this.unpassable++;
    this.waiting.push({ logs, seq, colours });
    this.waitingLines += logs.count;
    this.linesPushed += logs.count;
    this.passOverUnseen();
    const fast = this.arrivingFast(logs.count, previousPushAt);
    // Only where what waits can be passed over: otherwise a terminal taking lines slowly holds the stream back.
    if (fast && this.keepLines !== undefined && this.unpassable === 0) this.markBehind();
    this.sendWhatFits();
    while (!this.closed && this.unacked + this.waitingLines > this.limits.held) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /**
   * The consumer has taken this many lines; `keepLines` is how many lines its terminal keeps if it
   * follows the end (lines may be passed over), undefined if not.
   */
  ack(lines: number, keepLines?: number): void {
    this.unacked = Math.max(0, this.unacked - lines);
    this.keepLines = keepLines;
    this.passOverUnseen();
    this.sendWhatFits();
    this.wake();
  }

  /**
   * A consumer went away (a page closed or reloaded): what it was sent and never acknowledged no longer
   * holds the flow back, and how many lines its terminal kept no longer counts.
   */
  consumerLeft(): void {
    this.unacked = 0;
    this.keepLines = undefined;
    this.sendWhatFits();
    this.wake();
  }

  /**
   * Runs `deliver` (sends another event) once every line pushed before it has been sent or passed
   * over: at once if none waits, else as soon as credit allows (not after FLUSH_MS).
   */
  afterLines(deliver: () => void): void {
    if (this.linesGone === this.linesPushed) return deliver();
    this.events.push({ position: this.linesPushed, deliver });
    this.partialDue = true;
    this.sendWhatFits();
    return undefined;
  }

  /**
   * The stream has ended, for now at least: a flood is over at once, and the terminal takes the rest as
   * fast as it can (the stream going quiet tells the same, STREAM_QUIET_MS later).
   */
  streamEnded(): void {
    if (!this.flooding) return;
    clearTimeout(this.easeTimer);
    this.eased();
  }

  /** The run is over: send the rest, credit or not, with the events between, and release the producer. */
  close(): void {
    this.closed = true;
    clearTimeout(this.easeTimer);
    this.flooding = false;
    while (this.waitingLines > 0) this.sendBatch();
    if (this.toldBehind) this.sendBatch(0);
    this.wake();
  }

  /** Waiting batches with enough waiting lines after them to be pushed out of the consumer's terminal unseen. */
  private passOverUnseen(): void {
    if (this.keepLines === undefined) return;
    for (let first = this.waiting[0]; first && this.waitingLines - first.logs.count >= this.keepLines; first = this.waiting[0]) {
      // The state the batch leaves, from the one before it: its own if it resets, else added to it.
      const carry = first.colours === undefined ? undefined : stateFollowedBy(this.carry, first.colours);
      if (carry === undefined) return;
      this.carry = carry;
      this.passedOver += first.logs.count;
      this.markBehind();
      this.waitingLines -= first.logs.count;
      this.gone(first);
      this.waiting.shift();
    }
    this.deliverDueEvents();
  }

  /**
   * Counts lines as they arrive (`previousPushAt`: the arrival before these): whether FLOOD_LINES
   * came within the current window.
   */
  private arrivingFast(lines: number, previousPushAt: number): boolean {
    // A quiet stream ends a flood (see watchForEase), and the count.
    if (this.lastPushAt - this.windowStartedAt > FLOOD_WINDOW_MS || this.lastPushAt - previousPushAt > STREAM_QUIET_MS) {
      this.windowStartedAt = this.lastPushAt;
      this.linesInWindow = 0;
    }
    this.linesInWindow += lines;
    return this.linesInWindow >= FLOOD_LINES;
  }

  private markBehind(): void {
    this.lastBehindAt = performance.now();
    if (this.flooding) return;
    this.flooding = true;
    this.watchForEase(STREAM_QUIET_MS);
  }

  private sendWhatFits(): void {
    // In a flood the terminal takes lines slowly on purpose: one batch in flight is enough, and what it
    // has not taken yet may still be passed over here instead of being parsed there.
    const sentAhead = this.flooding ? MAX_BATCH_LINES : this.limits.sentAhead;
    while (this.unacked < sentAhead && (this.waitingLines >= MAX_BATCH_LINES || (this.partialDue && this.waitingLines > 0))) this.sendBatch();
    if (this.waitingLines > 0 && !this.partialDue) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.partialDue = true;
        this.sendWhatFits();
      }, FLUSH_MS);
    }
  }

  /** Once the flood has eased, tells the terminal it is no longer behind, and sends it what waits. */
  private watchForEase(ms: number): void {
    this.easeTimer = setTimeout(() => {
      const now = performance.now();
      const untilEased = Math.min(this.lastBehindAt + FLOOD_EASED_MS, this.lastPushAt + STREAM_QUIET_MS) - now;
      if (untilEased > 0) return this.watchForEase(untilEased);
      this.eased();
      return undefined;
    }, ms);
  }

  private eased(): void {
    this.flooding = false;
    // Without this news, a terminal told it is behind by the flood's last batch would take the rest slowly.
    if (this.toldBehind) this.sendBatch(0);
    this.sendWhatFits();
  }

  /**
   * Sends waiting batches, whole, up to about `maxLines` lines (at least one batch, unless it is 0:
   * then only the news) and not past the next event, the colour state of lines passed over before
   * them first; then the events now due.
   */
  private sendBatch(maxLines = MAX_BATCH_LINES): void {
    const batch: string[] = [];
    const nextEvent = this.events[0]?.position ?? Infinity;
    for (let first = this.waiting[0]; first && maxLines > 0 && (batch.length === 0 || batch.length + first.logs.count <= maxLines) && this.linesGone < nextEvent; first = this.waiting[0]) {
      for (const line of first.logs.toArray()) batch.push(line);
      this.waitingLines -= first.logs.count;
      this.gone(first);
      this.waiting.shift();
    }
    if (batch.length > 0) {
      batch[0] = this.carry + batch[0];
      this.carry = '';
      clearTimeout(this.timer);
      this.timer = undefined;
      // Lines before a waiting event still go out as soon as credit allows.
      this.partialDue = this.events.length > 0;
    }
    const passedOver = this.passedOver;
    this.passedOver = 0;
    const behind = this.flooding;
    this.toldBehind = behind;
    if (this.send({ lines: batch, seq: this.lastGoneSeq, passedOver, behind })) this.unacked += batch.length;
    this.deliverDueEvents();
  }

  private gone(batch: WaitingBatch): void {
    if (batch.colours === undefined) this.unpassable--;
    this.linesGone += batch.logs.count;
    this.lastGoneSeq = batch.seq;
  }

  private deliverDueEvents(): void {
    while (this.events[0] && this.events[0].position <= this.linesGone) this.events.shift()?.deliver();
  }

  private wake(): void {
    if (this.closed || this.unacked + this.waitingLines <= this.limits.held / 2) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }
}
