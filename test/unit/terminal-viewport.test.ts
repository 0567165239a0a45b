import { describe, expect, it } from 'vitest';
import { syncViewportOncePerFrame } from '../../renderer/terminal-viewport.ts';

describe('scrollbar syncs', () => {
  it('are gathered into one per frame, at the position of that frame; a sync to a given position passes at once', () => {
    const synced: (number | undefined)[] = [];
    const frames: (() => void)[] = [];
    let ydisp = 0;
    const viewport = { _sync: (to: number = ydisp) => void synced.push(to) };
    syncViewportOncePerFrame(viewport, (run) => frames.push(run));
    for (ydisp = 1; ydisp <= 500; ydisp++) viewport._sync(); // a flood scrolls the buffer line by line
    expect(synced).toEqual([]);
    expect(frames).toHaveLength(1);
    frames.shift()?.();
    expect(synced).toEqual([501]);
    viewport._sync(42);
    expect(synced).toEqual([501, 42]);
    viewport._sync();
    expect(frames).toHaveLength(1); // the next frame syncs again
  });
});
