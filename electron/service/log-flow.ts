/**
 * Log lines on their way to a renderer: gathered into batches (one message per ~30 ms or 2,000
 * lines, never one per line), and held back when the renderer has not acknowledged enough of what
 * it was sent (credit-based flow control), so a flood neither freezes the window nor grows memory:
 * the wait propagates to the pods/log stream, which stops reading.
 */
import { LINES_IN_FLIGHT } from '../../shared/log-window.ts';

const FLUSH_MS = 30;
const MAX_BATCH_LINES = 2_000;

export class LogFlow {
  /** Returns false when nobody will acknowledge the batch (no window open): it then costs no credit. */
  private readonly send: (lines: string[]) => boolean;
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private unacked = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(send: (lines: string[]) => boolean) {
    this.send = send;
  }

  /** Queues lines; resolves when the producer may go on (at once unless the consumer is behind). */
  async push(lines: readonly string[]): Promise<void> {
    if (this.closed) return;
    this.pending.push(...lines);
    if (this.pending.length >= MAX_BATCH_LINES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
    while (!this.closed && this.unacked + this.pending.length > LINES_IN_FLIGHT) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** The consumer has taken this many lines. */
  ack(lines: number): void {
    this.unacked = Math.max(0, this.unacked - lines);
    this.wake();
  }

  /** Sends what is queued now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (this.send(batch)) this.unacked += batch.length;
  }

  /** No consumer any more (window closed, run over): send the rest and release the producer. */
  close(): void {
    this.flush();
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    if (this.closed || this.unacked + this.pending.length <= LINES_IN_FLIGHT / 2) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }
}
