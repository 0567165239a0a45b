/**
 * The latest state of the run's pods as its watches see them, shared with the log stream: when a
 * follow stream ends, whether the container has finished is usually known already (or a moment
 * later) without asking the API server again.
 */
import type { Pod } from './pod-status.ts';

export class PodStates {
  private readonly latest = new Map<string, Pod>();
  private waiters: (() => void)[] = [];

  update(pod: Pod): void {
    this.latest.set(pod.metadata.name ?? '', pod);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
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
