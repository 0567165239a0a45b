/**
 * How many log lines a run's terminal keeps, and how many main sends ahead of what the terminal has
 * taken. The terminal passes over lines that enough later lines push out of its scrollback unseen, so
 * main must be allowed to send well past a scrollback's worth: with no more than that in flight, lines
 * could never pile up in front of the terminal, and every line of a flood would be parsed.
 */
export const SCROLLBACK_LINES = 20_000;
/** Lines sent but not yet taken (parsed or passed over) above which main stops reading the log stream. */
export const LINES_IN_FLIGHT = 3 * SCROLLBACK_LINES;
