import { describe, expect, it, vi } from 'vitest';
import { RunEventEmitter, type RunEvent } from '../../electron/agent/events.ts';
import { LogLines } from '../../electron/agent/log-lines.ts';

describe('run events', () => {
  it('carry the run ID and a sequence number', async () => {
    const seen: RunEvent[] = [];
    const emitter = new RunEventEmitter('k3x9q2ab', (e) => void seen.push(e));
    await emitter.emit({ type: 'phase', phase: 'deploying' });
    const lines = LogLines.of(['a', 'b']);
    await emitter.emit({ type: 'log', lines });
    expect(seen).toEqual([
      { type: 'phase', phase: 'deploying', runId: 'k3x9q2ab', seq: 1 },
      { type: 'log', lines, runId: 'k3x9q2ab', seq: 2 },
    ]);
  });
  it('a throwing or rejecting listener is reported once and never reaches the run', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      let calls = 0;
      const emitter = new RunEventEmitter('k3x9q2ab', (e) => {
        calls++;
        if (e.type === 'log') return Promise.reject(new Error('renderer gone'));
        throw new Error('listener bug');
      });
      await expect(emitter.emit({ type: 'phase', phase: 'deploying' })).resolves.toBeUndefined();
      await expect(emitter.emit({ type: 'log', lines: LogLines.of(['x']) })).resolves.toBeUndefined();
      await expect(emitter.emit({ type: 'warning', message: 'w' })).resolves.toBeUndefined();
      expect(calls).toBe(3);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toContain('run k3x9q2ab: an event listener failed (further listener failures are not reported): listener bug');
    } finally {
      warn.mockRestore();
    }
  });
  it('a slow listener holds back the caller (backpressure)', async () => {
    let release: () => void = () => {};
    const emitter = new RunEventEmitter('k3x9q2ab', () => new Promise<void>((resolve) => (release = resolve)));
    let done = false;
    const pending = emitter.emit({ type: 'log', lines: LogLines.of(['x']) }).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    release();
    await pending;
    expect(done).toBe(true);
  });
});
