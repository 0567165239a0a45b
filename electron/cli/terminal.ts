/**
 * How the CLI writes to the terminal: `[cli] message: k=v` lines on stderr, green or red on a TTY
 * (reference CLIHandler). Text from outside (agent lines, server messages, plugin output) loses its
 * control sequences (colours survive on a TTY). Agent logs wait for stderr to drain, so a slow reader
 * slows the log stream instead of growing memory. A closed stderr (a dropped SSH session) is ignored;
 * a closed stdout is an error, since the snapshot goes there.
 */
import { ErrorCode, newError } from '../../shared/errors.ts';
import { stripControlSequences } from '../../shared/terminal-text.ts';

export interface Terminal {
  info(message: string, attrs?: Record<string, unknown>): void;
  error(message: string, attrs?: Record<string, unknown>): void;
  /** Agent log lines, verbatim but without control sequences; resolves when the stream can take more. */
  logLines(lines: readonly string[]): Promise<void>;
  /** Resolves once the text is written; rejects when stdout is closed. */
  stdout(text: string): Promise<void>;
}

function formatLine(message: string, attrs: Record<string, unknown> | undefined): string {
  const pairs = Object.entries(attrs ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  return stripControlSequences(`[cli] ${message}${pairs.length > 0 ? `: ${pairs.join(' ')}` : ''}`);
}

/** Until a stream whose buffer is full can take more, or is closed (its reader gone). */
export function drainedOrClosed(stream: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
}

/** Waits for 'drain' when the stream's buffer is full; a destroyed stream never blocks. */
function writeWithBackpressure(stream: NodeJS.WriteStream, text: string): Promise<void> {
  if (stream.destroyed || stream.write(text)) return Promise.resolve();
  return drainedOrClosed(stream);
}

export function processTerminal(): Terminal {
  const color = process.stderr.isTTY === true;
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  // EPIPE/EIO on stderr (reader gone, terminal closed) must not crash a run that is cleaning up.
  process.stderr.on('error', () => {});
  let stdoutError: Error | undefined;
  process.stdout.on('error', (err) => {
    stdoutError = err;
  });
  const stderr = (text: string) => void (process.stderr.destroyed ? undefined : process.stderr.write(text));
  return {
    info: (message, attrs) => stderr(`${paint(32, formatLine(message, attrs))}\n`),
    error: (message, attrs) => stderr(`${paint(31, formatLine(message, attrs))}\n`),
    logLines: (lines) => writeWithBackpressure(process.stderr, `${lines.map((l) => stripControlSequences(l, { keepColors: color })).join('\n')}\n`),
    stdout: (text) =>
      new Promise((resolve, reject) => {
        const closed = (err: Error | undefined) =>
          newError(ErrorCode.Internal, `cannot write the snapshot to standard output (${(err as NodeJS.ErrnoException | undefined)?.code ?? 'closed'}); redirect it or use -o FILE`);
        if (stdoutError || process.stdout.destroyed) return reject(closed(stdoutError));
        process.stdout.write(text, (err) => (err ? reject(closed(err)) : resolve()));
      }),
  };
}
