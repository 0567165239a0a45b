/**
 * Starts the real control plane once for all integration tests (its binaries are built by
 * `npm run cluster:build` first) and hands its state to the tests.
 */
import type { TestProject } from 'vitest/node';
import { spawnCluster, type SpawnedCluster } from '../cluster/spawn.ts';
import type { ClusterState } from '../cluster/state.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: ClusterState;
  }
}

let cluster: SpawnedCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  cluster = await spawnCluster();
  console.error(`[cluster] test control plane ready in ${(cluster.startupMs / 1000).toFixed(1)}s at ${cluster.state.server}`);
  project.provide('cluster', cluster.state);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}
