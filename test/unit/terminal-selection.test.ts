import { describe, expect, it } from 'vitest';
import { skipIdleSelectionRedraws } from '../../renderer/terminal-selection.ts';

describe('selection redraws', () => {
  it('pass while something is selected and once more to erase it; not while nothing is', () => {
    const redraws: (boolean | undefined)[] = [];
    const service = { refresh: (linux?: boolean) => void redraws.push(linux) };
    let selected = false;
    skipIdleSelectionRedraws(service, () => selected);
    service.refresh(); // the first: what was drawn before is unknown
    service.refresh(); // a scroll with nothing selected
    service.refresh();
    expect(redraws).toHaveLength(1);
    selected = true;
    service.refresh(true); // the mouse selects
    service.refresh(); // scrolls while selected: the selection moves
    expect(redraws).toEqual([undefined, true, undefined]);
    selected = false;
    service.refresh(); // cleared: erase it
    service.refresh();
    expect(redraws).toHaveLength(4);
  });
});
