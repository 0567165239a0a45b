import { describe, expect, it } from 'vitest';
import { LogFlow } from '../../electron/service/log-flow.ts';
import { LINES_IN_FLIGHT } from '../../shared/log-window.ts';

const lines = (n: number, tag = 'l') => Array.from({ length: n }, (_v, i) => `${tag}${i}`);

describe('log lines on their way to a renderer', () => {
  it('go out in batches, in order, not one message per line', async () => {
    const sent: string[][] = [];
    const flow = new LogFlow((batch) => (sent.push(batch), true));
    for (let i = 0; i < 100; i++) await flow.push([`line ${i}`]);
    expect(sent).toEqual([]);
    await new Promise((r) => setTimeout(r, 60));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toEqual(lines(100, 'line ').map((_l, i) => `line ${i}`));
    await flow.push(lines(5000));
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent.slice(1).every((b) => b.length <= 5000)).toBe(true);
  });

  it('hold the producer back while the consumer is behind, and let it go on acknowledgements', async () => {
    const sent: string[][] = [];
    const flow = new LogFlow((batch) => (sent.push(batch), true));
    let released = false;
    const producer = (async () => {
      for (let i = 0; i < LINES_IN_FLIGHT / 1000 + 10; i++) await flow.push(lines(1000, `b${i}-`));
      released = true;
    })();
    await new Promise((r) => setTimeout(r, 100));
    expect(released).toBe(false);
    const inFlight = sent.reduce((n, b) => n + b.length, 0);
    expect(inFlight).toBeLessThanOrEqual(LINES_IN_FLIGHT + 2_000);
    // The renderer catches up, batch by batch.
    while (!released) {
      const total = sent.reduce((n, b) => n + b.length, 0);
      flow.ack(total);
      sent.length = 0;
      await new Promise((r) => setTimeout(r, 40));
    }
    await producer;
    flow.close();
  });

  it('without a window to acknowledge, nothing waits; closing releases a waiting producer', async () => {
    const flow = new LogFlow(() => false);
    for (let i = 0; i < LINES_IN_FLIGHT / 1000 + 10; i++) await flow.push(lines(1000));
    const stuck = new LogFlow(() => true);
    const waiting = (async () => {
      for (let i = 0; i < LINES_IN_FLIGHT / 1000 + 10; i++) await stuck.push(lines(1000));
      return 'released';
    })();
    await new Promise((r) => setTimeout(r, 50));
    expect(await Promise.race([waiting, Promise.resolve('waiting')])).toBe('waiting');
    stuck.close();
    await waiting;
  });
});
