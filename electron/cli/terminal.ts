/** How the CLI writes to the terminal: `[cli] message: k=v` lines on stderr, green or red on a TTY (reference CLIHandler). */
export interface Terminal {
  info(message: string, attrs?: Record<string, unknown>): void;
  error(message: string, attrs?: Record<string, unknown>): void;
  /** Agent log lines go to stderr verbatim. */
  raw(text: string): void;
  stdout(text: string): void;
}

function formatLine(message: string, attrs: Record<string, unknown> | undefined): string {
  const pairs = Object.entries(attrs ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  return `[cli] ${message}${pairs.length > 0 ? `: ${pairs.join(' ')}` : ''}`;
}

export function processTerminal(): Terminal {
  const color = process.stderr.isTTY === true;
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  return {
    info: (message, attrs) => void process.stderr.write(`${paint(32, formatLine(message, attrs))}\n`),
    error: (message, attrs) => void process.stderr.write(`${paint(31, formatLine(message, attrs))}\n`),
    raw: (text) => void process.stderr.write(text),
    stdout: (text) => void process.stdout.write(text),
  };
}
