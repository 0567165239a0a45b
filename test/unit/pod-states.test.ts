/** The run's view of its pods, fed by two watches that may deliver states out of order. */
import { describe, expect, it } from 'vitest';
import { PodStates } from '../../electron/agent/pod-states.ts';
import type { Pod } from '../../electron/agent/pod-status.ts';

const pod = (resourceVersion: string | undefined, phase: string): Pod => ({ metadata: { name: 'agent-x', ...(resourceVersion ? { resourceVersion } : {}) }, status: { phase } }) as Pod;

describe('pod states', () => {
  it('drop a state older than the one known, so a second watch cannot take the pod back to Pending', () => {
    const states = new PodStates();
    expect(states.update(pod('120', 'Pending'))).toBe(true);
    expect(states.update(pod('125', 'Running'))).toBe(true);
    expect(states.update(pod('120', 'Pending'))).toBe(false);
    expect(states.get('agent-x')?.status?.phase).toBe('Running');
    // The same state seen again, and revisions of different lengths, compare as numbers.
    expect(states.update(pod('125', 'Running'))).toBe(true);
    expect(states.update(pod('1000', 'Succeeded'))).toBe(true);
    expect(states.update(pod('999', 'Running'))).toBe(false);
  });

  it('accept any state when a version is not a plain revision (nothing to compare)', () => {
    const states = new PodStates();
    states.update(pod('abc', 'Running'));
    expect(states.update(pod('5', 'Pending'))).toBe(true);
    expect(states.update(pod(undefined, 'Running'))).toBe(true);
  });
});
