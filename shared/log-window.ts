/**
 * How many log lines a run's terminal keeps, and how main paces lines to it (log-flow.ts).
 */
export const SCROLLBACK_LINES = 20_000;
/**
 * Lines main sends ahead of what the terminal has taken: enough to keep xterm's parser busy across an
 * acknowledgement's round trip (some 200,000 lines a second, acknowledged every 10 ms or so).
 */
export const LINES_SENT_AHEAD = 10_000;
/**
 * Lines held in main or sent but not taken, above which main stops reading the log stream. More than
 * a terminal keeps and main sends ahead, so that a stream is never held up while lines are passed over.
 */
export const LINES_HELD = 3 * SCROLLBACK_LINES;
