import { describe, expect, it } from 'vitest';
import { splitTimestamp, timestampNanos } from '../../electron/agent/logs.ts';

describe('kubelet log timestamps', () => {
  it('parses RFC 3339 with any fraction length to nanoseconds', () => {
    expect(timestampNanos('2026-11-27T19:30:01Z')).toBe(1795807801000000000n);
    expect(timestampNanos('2026-11-27T19:30:01.5Z')).toBe(1795807801500000000n);
    expect(timestampNanos('2026-11-27T19:30:01.123456789Z')).toBe(1795807801123456789n);
    expect(timestampNanos('2026-11-27T20:30:01.1+01:00')).toBe(1795807801100000000n);
  });
  it('orders lines within the same millisecond', () => {
    expect(timestampNanos('2026-11-27T19:30:01.000000002Z')! > timestampNanos('2026-11-27T19:30:01.000000001Z')!).toBe(true);
  });
  it('rejects non-timestamps', () => {
    expect(timestampNanos('[agent]')).toBeUndefined();
    expect(timestampNanos('2026-11-27')).toBeUndefined();
  });
  it('splits the prefix from the line and keeps lines without one whole', () => {
    expect(splitTimestamp('2026-11-27T19:30:01.5Z [agent] collecting')).toEqual({ nanos: 1795807801500000000n, text: '[agent] collecting' });
    expect(splitTimestamp('2026-11-27T19:30:01Z ')).toEqual({ nanos: 1795807801000000000n, text: '' });
    expect(splitTimestamp('no timestamp here')).toEqual({ text: 'no timestamp here' });
  });
});
