/**
 * A batch of agent log lines, kept as the bytes they came in and decoded only when read: in a flood,
 * main passes over nine lines in ten (service/log-flow.ts), and decoding every line into a string,
 * taking its timestamp off and encoding it again for the flow was most of main's work per line.
 */
import { NEWLINE } from '../kube/line-splitter.ts';
import { withoutTimestamp } from './log-timestamps.ts';


export class LogLines {
  /** The lines, UTF-8, joined with line feeds (no line feed after the last). */
  readonly bytes: Buffer;
  readonly count: number;
  /** Whether each line may start with the kubelet's `<timestamp> ` (then taken off when read). */
  private readonly hasTimestamps: boolean;

  private constructor(bytes: Buffer, count: number, hasTimestamps: boolean) {
    this.bytes = bytes;
    this.count = count;
    this.hasTimestamps = hasTimestamps;
  }

  static of(lines: readonly string[]): LogLines {
    return new LogLines(Buffer.from(lines.join('\n')), lines.length, false);
  }

  /** Lines as the kubelet sends them with timestamps=true, joined with line feeds, none longer than the stream's limit. */
  static timestamped(bytes: Buffer): LogLines {
    let count = 1;
    for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) count++;
    return new LogLines(bytes, count, true);
  }

  /** The lines as text, without their timestamps (decoded on each call: held, they would be garbage to collect). */
  toArray(): string[] {
    if (this.count === 0) return [];
    const lines = this.bytes.toString('utf8').split('\n');
    return this.hasTimestamps ? lines.map(withoutTimestamp) : lines;
  }
}
