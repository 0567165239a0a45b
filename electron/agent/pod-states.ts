/**
 * The latest state of the run's pods as its watches see them, shared with the log stream: when a
 * follow stream ends, whether the container has finished is usually known already (or a moment
 * later) without asking the API server again. Two watches see the same pod, each from the moment it
 * started, so one may deliver a state older than what the other already reported: such a state is
 * recognised by its resourceVersion (the API server's revision, an integer) and dropped.
 */
import type { Pod } from './pod-status.ts';

export class PodStates {
  private readonly latest = new Map<string, Pod>();
  private waiters: (() => void)[] = [];

  /** Records the pod's state; false when it is older than the one already known (then nothing changes). */
  update(pod: Pod): boolean {
    const name = pod.metadata.name ?? '';
    if (isOlder(pod, this.latest.get(name))) return false;
    this.latest.set(name, pod);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    return true;
  }

  get(name: string): Pod | undefined {
    return this.latest.get(name);
  }

  /** Resolves on the next update, or after `ms` without one. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

const REVISION = /^\d{1,30}$/;

/** Whether `pod` is an older state than `known`; when either version is not a plain revision, it is not. */
function isOlder(pod: Pod, known: Pod | undefined): boolean {
  const version = pod.metadata.resourceVersion ?? '';
  const knownVersion = known?.metadata.resourceVersion ?? '';
  if (!REVISION.test(version) || !REVISION.test(knownVersion)) return false;
  return BigInt(version) < BigInt(knownVersion);
}
