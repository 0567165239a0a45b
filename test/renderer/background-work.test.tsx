/**
 * Background work (a spare terminal's warm-up, the viewer's code) waits until no call awaits its
 * answer: a task of 50-100 ms while an answer was on its way held it up. The preload is scripted:
 * each call's answer is given by the test.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PreloadApi } from '../../shared/contract.ts';
import type * as Transport from '../../renderer/transport.ts';
import type * as BackgroundWork from '../../renderer/background-work.ts';

const unanswered: ((result: unknown) => void)[] = [];
let transport: typeof Transport;
let doInBackground: typeof BackgroundWork.doInBackground;

beforeAll(async () => {
  const call = () => new Promise((resolve) => unanswered.push((result) => resolve({ ok: true, result })));
  window.aicrStudioPreload = { listContexts: call, clusterInventory: call, onEvent: () => () => undefined } as unknown as PreloadApi;
  transport = await import('../../renderer/transport.ts');
  ({ doInBackground } = await import('../../renderer/background-work.ts'));
});
afterEach(() => {
  vi.useRealTimers();
  for (const answer of unanswered.splice(0)) answer([]);
});

const answerNext = async (result: unknown = []) => {
  unanswered.shift()?.(result);
  await vi.advanceTimersByTimeAsync(0);
};

describe('background work', () => {
  it('waits while a call awaits its answer, also for the call an answer leads to', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestIdleCallback', 'performance'] });
    // The window's start: the contexts, then the selected one's nodes.
    const calls = transport.api.call('listContexts', {}).then(() => transport.api.call('clusterInventory', { context: 'prod' }));
    const work = vi.fn();
    doInBackground(work);
    await vi.advanceTimersByTimeAsync(500);
    expect(work).not.toHaveBeenCalled();
    await answerNext();
    await vi.advanceTimersByTimeAsync(500);
    expect(transport.callsAwaitingAnswer()).toBe(1);
    expect(work).not.toHaveBeenCalled();
    await answerNext({ nodes: [], namespaces: [], runtimeClasses: [] });
    await calls;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(work).toHaveBeenCalledOnce();
  });

  it('waits no longer than 3 s for a call that is never answered (a cluster that does not answer)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestIdleCallback', 'performance'] });
    void transport.api.call('listContexts', {});
    const work = vi.fn();
    doInBackground(work);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(work).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(work).toHaveBeenCalledOnce();
  });

  it('runs at the next idle time when nothing is awaited', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestIdleCallback', 'performance'] });
    expect(transport.callsAwaitingAnswer()).toBe(0);
    const work = vi.fn();
    doInBackground(work);
    expect(work).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(work).toHaveBeenCalledOnce();
  });
});
