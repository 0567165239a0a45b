/**
 * A batch of agent log lines, kept as the bytes they came in and decoded only when read: in a flood,
 * main passes over nine lines in ten (service/log-flow.ts), and decoding every line into a string,
 * taking its timestamp off and encoding it again for the flow was most of main's work per line.
 */
import { decodeJoined, NEWLINE } from '../kube/line-splitter.ts';
import { withoutTimestamp } from './log-timestamps.ts';

export class LogLines {
  /** The lines, UTF-8, in parts of whole lines joined with line feeds (none after a part's last line). */
  readonly parts: readonly Buffer[];
  readonly count: number;
  /** Whether each line may start with the kubelet's `<timestamp> ` (then taken off when read). */
  private readonly hasTimestamps: boolean;

  private constructor(parts: readonly Buffer[], count: number, hasTimestamps: boolean) {
    this.parts = parts;
    this.count = count;
    this.hasTimestamps = hasTimestamps;
  }

  static of(lines: readonly string[]): LogLines {
    return new LogLines(lines.length === 0 ? [] : [Buffer.from(lines.join('\n'))], lines.length, false);
  }

  /** Lines as the kubelet sends them with timestamps=true, in joined parts, none longer than the stream's limit. */
  static timestamped(parts: readonly Buffer[]): LogLines {
    let count = 0;
    for (const part of parts) {
      count++;
      for (let at = part.indexOf(NEWLINE); at !== -1; at = part.indexOf(NEWLINE, at + 1)) count++;
    }
    return new LogLines(parts, count, true);
  }

  /** The lines as text, without their timestamps (decoded on each call: held, they would be garbage to collect). */
  toArray(): string[] {
    const lines = decodeJoined(this.parts);
    return this.hasTimestamps ? lines.map(withoutTimestamp) : lines;
  }
}
