import { describe, expect, it } from 'vitest';
import { splitTimestamp, timestampNanos } from '../../electron/agent/log-timestamps.ts';
import { ResumeFilter } from '../../electron/agent/logs.ts';
import { decodeJoined, LineSplitter } from '../../electron/kube/line-splitter.ts';

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
  it('a line in another second or offset after many in one second is parsed afresh (the second is remembered)', () => {
    const stamps = ['2026-11-27T19:30:01.25Z', '2026-11-27T19:30:01.5Z', '2026-11-27T19:30:02Z', '2026-11-27T20:30:02.75+01:00', '2026-11-27T19:30:01.999999999Z', '2026-11-27T25:30:01Z', '2026-11-27T19:30:01Z'];
    expect(stamps.map(timestampNanos)).toEqual([1795807801250000000n, 1795807801500000000n, 1795807802000000000n, 1795807802750000000n, 1795807801999999999n, undefined, 1795807801000000000n]);
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

describe('resuming a log stream neither loses nor repeats lines', () => {
  const t = (text: string) => timestampNanos(text)!;
  /** Feeds streams of timestamped lines through one filter, as streamLogs does across resumes. */
  function deliver(streams: [string, string][][]): string[] {
    const filter = new ResumeFilter();
    const out: string[] = [];
    for (const stream of streams) {
      filter.restart();
      for (const [ts, text] of stream) if (filter.accept(t(ts))) out.push(text);
    }
    return out;
  }
  it('skips what the resumed stream repeats from the start of the second', () => {
    const first: [string, string][] = [
      ['2026-11-27T19:30:00.1Z', 'a'],
      ['2026-11-27T19:30:01.2Z', 'b'],
      ['2026-11-27T19:30:01.3Z', 'c'],
    ];
    // sinceTime is whole seconds: the kubelet resends everything from 19:30:01.
    const resumed: [string, string][] = [
      ['2026-11-27T19:30:01.2Z', 'b'],
      ['2026-11-27T19:30:01.3Z', 'c'],
      ['2026-11-27T19:30:01.4Z', 'd'],
    ];
    expect(deliver([first, resumed])).toEqual(['a', 'b', 'c', 'd']);
  });
  it('lines sharing one timestamp are counted, so a resume in the middle of them keeps the rest', () => {
    const same = '2026-11-27T19:30:01.5Z';
    const first: [string, string][] = [
      [same, 'x1'],
      [same, 'x2'],
    ];
    const resumed: [string, string][] = [
      [same, 'x1'],
      [same, 'x2'],
      [same, 'x3'],
      ['2026-11-27T19:30:01.6Z', 'y'],
    ];
    expect(deliver([first, resumed])).toEqual(['x1', 'x2', 'x3', 'y']);
    // And identical lines at the same time are not mistaken for repeats.
    expect(deliver([[[same, 'same'], [same, 'same']], [[same, 'same'], [same, 'same'], [same, 'same']]])).toEqual(['same', 'same', 'same']);
  });
  it('resumes at the second of the last delivered line', () => {
    const filter = new ResumeFilter();
    expect(filter.sinceTime).toBeUndefined();
    filter.accept(t('2026-11-27T19:30:01.987654321Z'));
    expect(filter.sinceTime).toBe('2026-11-27T19:30:01Z');
  });
  it('lines without timestamps always pass', () => expect(new ResumeFilter().accept(undefined)).toBe(true));
});

describe('the line splitter', () => {
  it('keeps multi-byte characters intact across chunk boundaries', () => {
    const text = 'GPU ✓ 温度 🙂\nnext\n';
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const splitter = new LineSplitter(1024);
      const lines = [...splitter.push(bytes.subarray(0, cut)), ...splitter.push(bytes.subarray(cut)), ...splitter.flush()];
      expect(lines, `cut at byte ${cut}`).toEqual(['GPU ✓ 温度 🙂', 'next']);
    }
  });
  it('short lines decoded together come out as each decoded alone, malformed bytes and empty lines too', () => {
    const lines = [Buffer.from('ok'), Buffer.from([0xe2, 0x82]), Buffer.from(''), Buffer.from([0xc3]), Buffer.from([0x80, 0x41]), Buffer.from('\r'), Buffer.from('温度')];
    const stream = Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')]));
    // Long enough for every line: the whole chunk is decoded at once.
    expect(new LineSplitter(1024).push(stream)).toEqual(lines.map((line) => line.toString('utf8')));
    // The chunk longer than the limit (no line is): decoded line by line, the same.
    expect(new LineSplitter(6).push(stream)).toEqual(lines.map((line) => line.toString('utf8')));
  });
  it('hands over complete lines undecoded, the chunk uncopied, unless one is longer than the limit', () => {
    const splitter = new LineSplitter(8);
    const first = Buffer.from('ab\nc');
    const joined = splitter.pushJoined(first);
    expect(joined).toEqual({ joined: [Buffer.from('ab')] });
    expect('joined' in joined && joined.joined[0]?.buffer).toBe(first.buffer);
    // The line begun in the previous chunk is a part of its own; the rest of the chunk is not copied.
    const second = Buffer.from('d\ne\n\nf');
    const parts = splitter.pushJoined(second);
    expect(parts).toEqual({ joined: [Buffer.from('cd'), Buffer.from('e\n')] });
    expect('joined' in parts && parts.joined[1]?.buffer).toBe(second.buffer);
    expect(splitter.pushJoined(Buffer.from('\n'))).toEqual({ joined: [Buffer.from('f')] });
    expect(splitter.pushJoined(Buffer.from('01\n23456789\n'))).toEqual({ joined: [Buffer.from('01\n23456789')] });
    expect(splitter.pushJoined(Buffer.from('0123456789\n'))).toEqual(['01234567', '89']);
    // The line the previous chunk began grows past the limit: cut as well.
    splitter.pushJoined(Buffer.from('012345'));
    expect(splitter.pushJoined(Buffer.from('678\nok\n'))).toEqual(['01234567', '8', 'ok']);
  });
  it('splits a stream into the same lines through both paths, wherever its chunks are cut', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const text = Array.from({ length: 60 }, (_v, i) => 'x'.repeat(Math.floor(random() * 14)) + (i % 7 === 0 ? '' : `${i}`)).join('\n');
    const bytes = Buffer.from(`${text}\n`);
    for (let round = 0; round < 200; round++) {
      const splitter = new LineSplitter(12);
      const lines: string[] = [];
      for (let at = 0; at < bytes.length; ) {
        const end = Math.min(bytes.length, at + 1 + Math.floor(random() * 30));
        const split = splitter.pushJoined(bytes.subarray(at, end));
        lines.push(...('joined' in split ? decodeJoined(split.joined) : split));
        at = end;
      }
      expect(lines).toEqual(new LineSplitter(12).push(bytes));
    }
  });
  it('counts the limit in bytes and cuts long lines at character boundaries', () => {
    const splitter = new LineSplitter(10);
    const lines = splitter.push(Buffer.from(`${'é'.repeat(12)}\nok\n`));
    expect(lines).toEqual(['ééééé', 'ééééé', 'éé', 'ok']);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(10);
  });
  it('never holds more than the limit of an endless line', () => {
    const splitter = new LineSplitter(1000);
    let delivered = 0;
    for (let i = 0; i < 100; i++) delivered += splitter.push(Buffer.alloc(777, 'x')).join('').length;
    expect(77_700 - delivered).toBeLessThanOrEqual(1000);
  });
  it('a last line without newline comes out on flush', () => {
    const splitter = new LineSplitter(100);
    expect(splitter.push(Buffer.from('a\nb'))).toEqual(['a']);
    expect(splitter.flush()).toEqual(['b']);
    expect(splitter.flush()).toEqual([]);
  });
  it.each([
    ['as strings', (filter: ResumeFilter, raw: string[]) => filter.take(raw)],
    ['undecoded', (filter: ResumeFilter, raw: string[]) => filter.takeJoined(raw.length > 1 ? [Buffer.from(raw[0] as string), Buffer.from(raw.slice(1).join('\n'))] : [Buffer.from(raw.join('\n'))]).toArray()],
  ])('taking whole batches %s delivers every line once across resumes, as judging each line does', (_how, take) => {
    // A kubelet's stream: timestamps in order, often shared; a resume repeats everything from the
    // second of the last delivered line. Random interruptions and batch sizes, a fixed seed.
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 50; round++) {
      let nanos = 1795807800n * 1_000_000_000n;
      const stream = Array.from({ length: 400 }, (_v, i) => {
        if (random() < 0.6) nanos += BigInt(Math.floor(random() * 300_000_000));
        const seconds = nanos / 1_000_000_000n;
        const stamp = `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${String(nanos % 1_000_000_000n).padStart(9, '0')}Z`;
        return { nanos, raw: `${stamp} line ${i}` };
      });
      const filter = new ResumeFilter();
      const out: string[] = [];
      let delivered = 0;
      let from = 0;
      while (from < stream.length) {
        filter.restart();
        const end = Math.min(stream.length, delivered + 1 + Math.floor(random() * 150)); // interrupted here
        for (let at = from; at < end; ) {
          const batchEnd = Math.min(end, at + 1 + Math.floor(random() * 40));
          out.push(...take(filter, stream.slice(at, batchEnd).map((l) => l.raw)));
          at = batchEnd;
        }
        delivered = end;
        // sinceTime is the second of the last delivered line: the kubelet resends from there.
        const since = BigInt(Date.parse(filter.sinceTime as string)) * 1_000_000n;
        from = stream.findIndex((l) => l.nanos >= since);
        if (delivered >= stream.length) break;
      }
      expect(out).toEqual(stream.map((_l, i) => `line ${i}`));
    }
  });
  it('keeps caught-up lines undecoded, reads them without timestamps, and resumes after the last', () => {
    const filter = new ResumeFilter();
    filter.take(['2026-11-27T19:30:01.1Z first']); // caught up
    const joined = [Buffer.from('2026-11-27T19:30:01.5Z a ✓\nplain'), Buffer.from('\n2026-11-27T19:30:02.25Z \x1b[32mb\x1b[0m')];
    const lines = filter.takeJoined(joined);
    expect(lines.parts).toBe(joined);
    expect(lines.count).toBe(4);
    expect(lines.toArray()).toEqual(['a ✓', 'plain', '', '\x1b[32mb\x1b[0m']);
    expect(filter.sinceTime).toBe('2026-11-27T19:30:02Z');
    // The resumed stream repeats that second: its lines up to the last delivered are skipped.
    filter.restart();
    expect(filter.takeJoined([Buffer.from('2026-11-27T19:30:02.25Z \x1b[32mb\x1b[0m\n2026-11-27T19:30:02.5Z c')]).toArray()).toEqual(['c']);
  });
  it('takes lines without timestamps whole, and keeps the lines of a batch that has none', () => {
    const filter = new ResumeFilter();
    expect(filter.take(['2026-11-27T19:30:01.5Z a', 'plain', '2026-11-27T19:30:01.6Z b', 'tail'])).toEqual(['a', 'plain', 'b', 'tail']);
    expect(filter.sinceTime).toBe('2026-11-27T19:30:01Z');
    expect(filter.take(['no', 'timestamps'])).toEqual(['no', 'timestamps']);
    expect(filter.sinceTime).toBe('2026-11-27T19:30:01Z');
  });
});
