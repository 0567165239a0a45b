import { describe, expect, it } from 'vitest';
import { summedAtMostEvery } from '../../renderer/summed-counts.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('counts reported at most once per interval', () => {
  it('reports the first count at once, sums the next ones until the interval is over, and nothing when nothing is owed', async () => {
    const reports: number[] = [];
    const report = summedAtMostEvery(20, (count) => reports.push(count));
    report(5);
    expect(reports).toEqual([5]);
    report(1);
    report(2);
    expect(reports).toEqual([5]);
    await sleep(30);
    expect(reports).toEqual([5, 3]);
    await sleep(30);
    expect(reports).toEqual([5, 3]); // nothing owed: no empty report
    report(4);
    expect(reports).toEqual([5, 3, 4]); // the interval is over: at once again
  });
});
