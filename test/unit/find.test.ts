/** Find in the snapshot viewer: literal, case-insensitive, wrapping, fast on big texts. */
import { describe, expect, it } from 'vitest';
import { findNext, findPrevious, hitNumber, hitPositions, MAX_COUNTED_HITS } from '../../renderer/snapshot/find.ts';

const text = 'gpu: A100\nnode: gpu-1\nGPU count: 8\n';

describe('find in a snapshot', () => {
  it('finds the next hit case-insensitively from a position, wrapping to the start', () => {
    expect(findNext(text, 'gpu', 0)).toEqual({ from: 0, to: 3 });
    expect(findNext(text, 'gpu', 1)).toEqual({ from: 16, to: 19 });
    expect(findNext(text, 'gpu', 17)).toEqual({ from: 22, to: 25 });
    expect(findNext(text, 'gpu', 23)).toEqual({ from: 0, to: 3 });
    expect(findNext(text, 'tpu', 0)).toBeUndefined();
    expect(findNext(text, '', 0)).toBeUndefined();
  });

  it('treats the query literally (no regular expression)', () => {
    expect(findNext('a.b axb (x) [y]', 'a.b', 1)).toEqual({ from: 0, to: 3 });
    expect(findNext('a.b axb (x) [y]', '(x)', 0)).toEqual({ from: 8, to: 11 });
    expect(findNext('a.b axb (x) [y]', '[y]', 0)).toEqual({ from: 12, to: 15 });
  });

  it('finds the previous hit, wrapping to the end, also across its backward chunks', () => {
    expect(findPrevious(text, 'gpu', 22)).toEqual({ from: 16, to: 19 });
    expect(findPrevious(text, 'gpu', 0)).toEqual({ from: 22, to: 25 });
    const far = `needle${'x'.repeat(200_000)}tail`;
    expect(findPrevious(far, 'needle', far.length)).toEqual({ from: 0, to: 6 });
  });

  it('counts hits once per query and numbers the one at a position, stopping at the cap', () => {
    const { positions, capped } = hitPositions(text, 'gpu');
    expect({ positions, capped }).toEqual({ positions: [0, 16, 22], capped: false });
    expect([0, 16, 22, 5].map((at) => hitNumber(positions, at))).toEqual([1, 2, 3, undefined]);
    const many = hitPositions('a'.repeat(MAX_COUNTED_HITS + 5), 'a');
    expect(many.positions).toHaveLength(MAX_COUNTED_HITS);
    expect(many.capped).toBe(true);
    expect(hitNumber(many.positions, 9_999)).toBe(10_000);
  });
});
