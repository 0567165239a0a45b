import path from 'node:path';

/** What a running cluster supervisor publishes in <dir>/state.json. */
export interface ClusterState {
  pid: number;
  control: string;
  kubeconfig: string;
  server: string;
  startedAt: string;
}

export const stateFile = (dir: string) => path.join(dir, 'state.json');
