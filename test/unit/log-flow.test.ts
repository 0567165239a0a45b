import { describe, expect, it } from 'vitest';
import { LogLines } from '../../electron/agent/log-lines.ts';
import { LogFlow, type LogBatch } from '../../electron/service/log-flow.ts';
import { LINES_HELD, LINES_SENT_AHEAD } from '../../shared/log-window.ts';

const lines = (n: number, tag = 'l') => Array.from({ length: n }, (_v, i) => `${tag}${i}`);
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A flow whose batches are recorded, with the lines passed over before each. */
function recordedFlow(limits?: { sentAhead: number; held: number }) {
  const batches: LogBatch[] = [];
  const flow = new LogFlow((batch) => (batches.push(batch), true), limits);
  const sentLines = () => batches.flatMap((b) => b.lines);
  const passedOver = () => batches.reduce((n, b) => n + b.passedOver, 0);
  /** Pushes `count` batches of 1,000 lines tagged `tag`, each waiting as the flow says. */
  const produce = (count: number, tag: string) => {
    const producer = { released: false, pushed: Array.from({ length: count }, (_v, i) => lines(1000, `${tag}${i}-`)), done: Promise.resolve() };
    producer.done = (async () => {
      for (const batch of producer.pushed) await flow.push(batch);
      producer.released = true;
    })();
    return producer;
  };
  /** A renderer catching up, batch by batch, until the producer is released; `acked` lines were taken before. */
  const catchUp = async (producer: { released: boolean; done: Promise<void> }, acked = 0) => {
    while (!producer.released) {
      const sent = sentLines().length;
      flow.ack(sent - acked);
      acked = sent;
      await settle(5);
    }
    await producer.done;
  };
  return { flow, batches, sentLines, passedOver, produce, catchUp };
}

describe('log lines on their way to a renderer', () => {
  it('go out in batches, in order, not one message per line', async () => {
    const { flow, batches } = recordedFlow();
    for (let i = 0; i < 100; i++) await flow.push([`line ${i}`]);
    expect(batches).toEqual([]);
    await settle(60);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.lines).toEqual(lines(100, 'line ').map((_l, i) => `line ${i}`));
    await flow.push(lines(5000));
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(batches.slice(1).every((b) => b.lines.length <= 5000)).toBe(true);
  });

  it('are sent no further ahead than the consumer has acknowledged; the producer waits once enough are held', async () => {
    const { flow, batches, sentLines, produce, catchUp } = recordedFlow();
    const producer = produce(LINES_HELD / 1000 + 10, 'b');
    await settle(100);
    expect(producer.released).toBe(false);
    expect(sentLines().length).toBeGreaterThanOrEqual(LINES_SENT_AHEAD);
    expect(sentLines().length).toBeLessThan(LINES_SENT_AHEAD + 2_000);
    // The renderer catches up, batch by batch, without following the end: every line is sent.
    await catchUp(producer);
    flow.close();
    expect(sentLines()).toEqual(producer.pushed.flat());
    expect(batches.every((b) => b.passedOver === 0)).toBe(true);
  });

  it.each([
    ['as strings', (batch: string[]) => batch],
    // As a stream's lines come: the line the previous chunk began in a part of its own.
    ['in parts', (batch: string[]) => LogLines.timestamped([Buffer.from(batch[0] as string), Buffer.from(batch.slice(1).join('\n'))])],
  ])('while the terminal follows the end, pass over what its scrollback would lose: the producer never waits, and the colour state is carried (lines %s)', async (_how, asPushed) => {
    const { flow, batches, sentLines, passedOver } = recordedFlow();
    flow.ack(0, 5_000);
    // A colour set in a line that is passed over, and never reset.
    const flood = lines(200_000).map((line, i) => (i === 50_000 ? `\x1b[31m${line}` : line));
    for (let i = 0; i < flood.length; i += 1000) {
      const pushed = flow.push(asPushed(flood.slice(i, i + 1000)));
      expect(await Promise.race([pushed.then(() => 'went on'), settle(20).then(() => 'waited')])).toBe('went on');
    }
    flow.close();
    const sent = sentLines();
    expect(passedOver() + sent.length).toBe(flood.length);
    expect(sent.length).toBeLessThan(LINES_SENT_AHEAD + 5_000 + 2 * 2_000);
    // The first lines went out before anything was held (until the flood was told: 5,000 lines at once);
    // after the last lines passed over come the flood's last ones, whole.
    const beforeFirstGap = batches.slice(0, batches.findIndex((b) => b.passedOver > 0)).flatMap((b) => b.lines);
    expect(beforeFirstGap.length).toBeGreaterThanOrEqual(4_000);
    expect(beforeFirstGap).toEqual(flood.slice(0, beforeFirstGap.length));
    const lastGap = batches.findLastIndex((b) => b.passedOver > 0);
    const tail = batches.slice(lastGap).flatMap((b) => b.lines);
    expect(tail.length).toBeGreaterThanOrEqual(5_000);
    expect(tail.slice(1)).toEqual(flood.slice(1 - tail.length));
    expect(tail[0]).toBe(`\x1b[31m${flood.at(-tail.length)}`); // the colour state the lines passed over left
  });

  it('tell the terminal when it is behind a flood: while lines are passed over, not once that eases or the stream ends', async () => {
    const { flow, batches } = recordedFlow({ sentAhead: 1_000, held: 50_000 });
    flow.ack(0, 2_000);
    await flow.push(lines(1000, 'a'));
    await flow.push(lines(1000, 'b'));
    expect(batches.map((b) => b.behind)).toEqual([false]); // sent at once: nothing passed over
    for (let i = 0; i < 10; i++) await flow.push(lines(1000, `c${i}-`));
    flow.ack(2_000, 2_000);
    expect(batches.length).toBe(2);
    expect(batches[1]).toMatchObject({ passedOver: 8_000, behind: true });
    await settle(100); // the stream goes quiet: the terminal hears so within 50 ms, without waiting for more lines
    expect(batches.at(-1)).toMatchObject({ lines: [], behind: false });
    await flow.push(lines(1000, 'd'));
    await flow.push(lines(1000, 'e'));
    flow.ack(2_000, 2_000);
    expect(batches.at(-1)).toMatchObject({ passedOver: 0, behind: false });
    for (let i = 0; i < 10; i++) await flow.push(lines(1000, `f${i}-`));
    flow.ack(2_000, 2_000);
    expect(batches.at(-1)?.behind).toBe(true); // a flood again
    flow.close();
    expect(batches.at(-1)?.behind).toBe(false); // the stream ended: what comes now is all there is
    // Also when nothing waits: the terminal hears it at once, not only after the flood has eased.
    const quiet = recordedFlow({ sentAhead: 1_000, held: 50_000 });
    quiet.flow.ack(0, 2_000);
    for (let i = 0; i < 10; i++) await quiet.flow.push(lines(1000, `g${i}-`));
    quiet.flow.ack(4_000, 2_000);
    quiet.flow.ack(2_000, 2_000);
    expect(quiet.batches.at(-1)?.behind).toBe(true);
    const sent = quiet.batches.length;
    quiet.flow.close();
    expect(quiet.batches.slice(sent)).toEqual([{ lines: [], seq: 0, passedOver: 0, behind: false }]);
  });

  it('tell the terminal at once that a flood is over when the stream ends, and send it the lines the flood left', async () => {
    const { flow, batches, sentLines } = recordedFlow({ sentAhead: 1_000, held: 50_000 });
    flow.ack(0, 5_000);
    for (let i = 0; i < 10; i++) await flow.push(lines(1000, `c${i}-`));
    flow.ack(sentLines().length, 5_000);
    expect(batches.at(-1)?.behind).toBe(true);
    const sent = sentLines().length;
    flow.streamEnded();
    expect(batches.at(-1)).toMatchObject({ lines: [], behind: false }); // not 50 ms later, once the stream has been quiet
    flow.ack(sent, 5_000);
    expect(batches.at(-1)).toMatchObject({ passedOver: 0, behind: false });
    const sentOn = sentLines().length - sent; // what a terminal not behind is sent ahead, in whole batches
    expect(sentOn).toBeGreaterThanOrEqual(1_000);
    flow.streamEnded(); // no flood: nothing to say
    expect(batches.at(-1)?.lines.length).toBeGreaterThan(0);
    // A resumed stream that floods again is told so again.
    for (let i = 0; i < 10; i++) await flow.push(lines(1000, `r${i}-`));
    flow.ack(sentLines().length, 5_000);
    expect(batches.at(-1)?.behind).toBe(true);
    flow.close();
  });

  it('tell a following terminal it is behind as soon as lines come faster than anyone reads, before any is passed over; not for a slow stream, lines with other controls, or a terminal not following', async () => {
    /** Pushes twelve batches of `size` lines `gapMs` apart to a terminal that takes every line at once; whether it heard it is behind. */
    const heardBehind = async (gapMs: number, keepLines: number | undefined, line = (i: number) => `l${i}`, size = 1000) => {
      const { flow, batches, sentLines, passedOver } = recordedFlow();
      flow.ack(0, keepLines);
      let acked = 0;
      for (let i = 0; i < 12; i++) {
        await flow.push(Array.from({ length: size }, (_v, j) => line(i * size + j)));
        flow.ack(sentLines().length - acked, keepLines);
        acked = sentLines().length;
        if (gapMs > 0) await settle(gapMs);
      }
      flow.close();
      expect(passedOver()).toBe(0); // nothing waited long enough to be passed over
      return batches.some((b) => b.behind);
    };
    expect(await heardBehind(0, 20_000)).toBe(true); // 12,000 lines at once
    expect(await heardBehind(40, 20_000, undefined, 500)).toBe(false); // some 3,500 lines in any 250 ms
    expect(await heardBehind(0, undefined)).toBe(false);
    expect(await heardBehind(0, 20_000, (i) => (i % 1000 === 3 ? 'a title\x1b]0;t\x07' : `l${i}`))).toBe(false); // none could be passed over
  });

  it('pass over nothing while the terminal does not follow, or when lines hold other controls', async () => {
    for (const [keepLines, flood] of [
      [undefined, lines(30_000)],
      // A title in the first line held back (one batch of 2,000 goes out first): every line after it waits for it.
      [5_000, lines(30_000).map((line, i) => (i === 2_000 ? `${line}\x1b]0;title\x07` : line))],
    ] as const) {
      const { flow, sentLines, passedOver } = recordedFlow({ sentAhead: 1_000, held: 50_000 });
      flow.ack(0, keepLines);
      for (let i = 0; i < flood.length; i += 1000) await flow.push(flood.slice(i, i + 1000));
      flow.close();
      expect(passedOver()).toBe(0);
      expect(sentLines()).toEqual(flood);
    }
  });

  it('stop passing over once the terminal stops following', async () => {
    const { flow, sentLines, passedOver } = recordedFlow({ sentAhead: 1_000, held: 50_000 });
    flow.ack(0, 2_000);
    for (let i = 0; i < 20; i++) await flow.push(lines(1000, `a${i}-`));
    flow.ack(sentLines().length, 2_000); // the lines passed over are counted in the next batch
    const passedWhileFollowing = passedOver();
    expect(passedWhileFollowing).toBeGreaterThan(10_000);
    flow.ack(0); // the reader scrolled back
    for (let i = 0; i < 20; i++) await flow.push(lines(1000, `b${i}-`));
    flow.close();
    expect(passedOver()).toBe(passedWhileFollowing);
    expect(sentLines().slice(-20_000)).toEqual(Array.from({ length: 20 }, (_v, i) => lines(1000, `b${i}-`)).flat());
  });

  it('let another event go out once the lines before it are sent, as credit allows, with no lines after it first', async () => {
    const { flow, sentLines } = recordedFlow({ sentAhead: 1_000, held: 50_000 });
    const seen: string[] = [];
    flow.afterLines(() => seen.push(`event at ${sentLines().length}`)); // nothing waits: at once
    const all = lines(5_000);
    for (let i = 0; i < 3_000; i += 1000) await flow.push(all.slice(i, i + 1000), i / 1000 + 1);
    flow.afterLines(() => seen.push(`event at ${sentLines().length}`));
    for (let i = 3_000; i < all.length; i += 1000) await flow.push(all.slice(i, i + 1000));
    expect(seen).toEqual(['event at 0']);
    // The renderer takes what it was sent; the last lines go out after FLUSH_MS.
    for (let acked = 0, round = 0; sentLines().length < all.length && round < 20; round++) {
      const sent = sentLines().length;
      flow.ack(sent - acked);
      acked = sent;
      await settle(40);
    }
    expect(seen).toEqual(['event at 0', 'event at 3000']);
    expect(sentLines()).toEqual(all);
  });

  it('let another event go out once the lines before it are passed over in a flood, without making the terminal parse them', async () => {
    const { flow, batches, sentLines, passedOver } = recordedFlow({ sentAhead: 1_000, held: 50_000 });
    flow.ack(0, 5_000);
    let sentBeforeEvent = -1;
    for (let i = 0; i < 20; i++) await flow.push(lines(1000, `a${i}-`), i + 1);
    flow.afterLines(() => (sentBeforeEvent = sentLines().length));
    expect(sentBeforeEvent).toBe(-1); // five terminals' worth of lines still wait: none can be passed over yet
    for (let i = 0; i < 10; i++) await flow.push(lines(1000, `b${i}-`), 100 + i);
    expect(sentBeforeEvent).toBeGreaterThan(0);
    expect(sentBeforeEvent).toBeLessThan(3_000); // not the 20,000 lines a flush would have sent
    flow.close();
    expect(passedOver()).toBeGreaterThan(20_000);
    expect(batches.at(-1)?.seq).toBe(109);
  });

  it('keep every character of a line, empty lines and any script included', async () => {
    const { flow, sentLines } = recordedFlow();
    const odd = ['', 'naïve café ✓ 日本語 🚀', '\r', '\ttab', '', ''];
    await flow.push(odd);
    flow.close();
    expect(sentLines()).toEqual(odd);
  });

  it('go on when a consumer that was sent lines leaves without acknowledging them (a page reloaded)', async () => {
    const { flow, sentLines, produce, catchUp } = recordedFlow({ sentAhead: 1_000, held: 5_000 });
    const producer = produce(10, 'p');
    await settle(50);
    expect(producer.released).toBe(false); // the page went away with lines in flight: nothing would ever acknowledge them
    const sentToThePageThatLeft = sentLines().length;
    flow.consumerLeft();
    expect(sentLines().length).toBeGreaterThan(sentToThePageThatLeft); // the next page is sent lines, and acknowledges them
    await catchUp(producer, sentToThePageThatLeft);
    flow.close();
    expect(sentLines()).toEqual(producer.pushed.flat());
  });

  it('without a window to acknowledge, nothing waits; closing releases a waiting producer', async () => {
    const flow = new LogFlow(() => false);
    for (let i = 0; i < LINES_HELD / 1000 + 10; i++) await flow.push(lines(1000));
    const stuck = new LogFlow(() => true);
    const waiting = (async () => {
      for (let i = 0; i < LINES_HELD / 1000 + 10; i++) await stuck.push(lines(1000));
      return 'released';
    })();
    await settle(50);
    expect(await Promise.race([waiting, Promise.resolve('waiting')])).toBe('waiting');
    stuck.close();
    await waiting;
  });
});
