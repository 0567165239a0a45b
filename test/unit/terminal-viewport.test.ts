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

  it('wait for the rows while the terminal holds its drawing back, and run once they are drawn', () => {
    const synced: (number | undefined)[] = [];
    const frames: (() => void)[] = [];
    let ydisp = 0;
    let held = true;
    const viewport = { _sync: (to: number = ydisp) => void synced.push(to) };
    const rowsDrawn = syncViewportOncePerFrame(viewport, (run) => frames.push(run), () => held);
    rowsDrawn(); // nothing waits: nothing happens
    expect(synced).toEqual([]);
    for (ydisp = 1; ydisp <= 100; ydisp++) viewport._sync();
    frames.shift()?.();
    expect(synced).toEqual([]); // held: the frame draws nothing
    for (; ydisp <= 200; ydisp++) viewport._sync();
    expect(frames).toHaveLength(0); // no frame is asked for until the rows are drawn
    held = false;
    rowsDrawn();
    expect(synced).toEqual([201]);
    viewport._sync();
    expect(frames).toHaveLength(1); // syncs go by frame again
  });
});
