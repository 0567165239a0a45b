/**
 * Splits a byte stream into text lines: UTF-8 decoded whole (a character split across chunks is
 * never mangled), with a byte limit per line (a longer line is delivered in pieces, cut at character
 * boundaries), so one endless line can never grow memory without bound.
 */
export const NEWLINE = 0x0a;

/** The largest n <= end such that buffer[start, n) does not end inside a UTF-8 sequence. */
function characterBoundary(buffer: Buffer, start: number, end: number): number {
  let cut = end;
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the character cut in half.
  while (cut > start && ((buffer[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return cut > start ? cut : end;
}

/** Complete lines, undecoded: parts of whole lines, each joined with newlines (none after a part's last line). */
export interface JoinedLines {
  joined: Buffer[];
}

/** The lines of joined parts, decoded a part at a time: decoding lines one by one was most of the cost of reading a log flood. */
export function decodeJoined(parts: readonly Buffer[]): string[] {
  const lines: string[] = [];
  for (const part of parts) for (const line of part.toString('utf8').split('\n')) lines.push(line);
  return lines;
}

export class LineSplitter {
  private readonly maxLineBytes: number;
  private pending: Buffer = Buffer.alloc(0);

  constructor(maxLineBytes: number) {
    this.maxLineBytes = maxLineBytes;
  }

  /** The complete lines this chunk finishes, without their newline (a trailing \r is kept as sent). */
  push(chunk: Buffer): string[] {
    const lines = this.pushJoined(chunk);
    return 'joined' in lines ? decodeJoined(lines.joined) : lines;
  }

  /**
   * The complete lines this chunk finishes, undecoded, when none is longer than the limit: the usual
   * case. Otherwise as push() returns them, long lines cut. The chunk is not copied (a flood's copies
   * were a tenth of main's work): the line the previous chunk began is joined in a part of its own.
   */
  pushJoined(chunk: Buffer): JoinedLines | string[] {
    const firstNewline = chunk.indexOf(NEWLINE);
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (firstNewline !== -1 && this.pending.length + firstNewline <= this.maxLineBytes && lastNewline - firstNewline - 1 <= this.maxLineBytes) {
      const joined: Buffer[] = [];
      if (this.pending.length === 0) joined.push(chunk.subarray(0, lastNewline));
      else {
        joined.push(Buffer.concat([this.pending, chunk.subarray(0, firstNewline)]));
        if (lastNewline > firstNewline) joined.push(chunk.subarray(firstNewline + 1, lastNewline));
      }
      this.keepPending(chunk, lastNewline + 1);
      return { joined };
    }
    const buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const newline = buffer.indexOf(NEWLINE, start);
      const lineEnd = newline === -1 ? buffer.length : newline;
      if (lineEnd - start > this.maxLineBytes) {
        const cut = characterBoundary(buffer, start, start + this.maxLineBytes);
        lines.push(buffer.toString('utf8', start, cut));
        start = cut;
        continue;
      }
      if (newline === -1) break;
      lines.push(buffer.toString('utf8', start, newline));
      start = newline + 1;
    }
    this.keepPending(buffer, start);
    return lines;
  }

  /** Keeps the bytes from `start` on, copied: the chunk they came in need not stay alive. */
  private keepPending(buffer: Buffer, start: number): void {
    this.pending = Buffer.from(buffer.subarray(start));
  }

  /** What is left after the stream ended (a last line without a newline), if anything. */
  flush(): string[] {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest.length === 0 ? [] : [rest.toString('utf8')];
  }
}
