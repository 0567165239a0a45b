/** Progress a Deployer reports while it works, for a CLI to print or a UI to render. */
export type DeployerPhase =
  | 'checking-permissions'
  | 'deploying'
  | 'waiting-for-pod'
  | 'running'
  | 'retrieving-snapshot'
  | 'cleaning-up'
  | 'done';

export type ResourceAction = 'created' | 'updated' | 'reused' | 'labelled' | 'deleted' | 'absent';

export interface PodStatusSummary {
  name: string;
  node?: string;
  phase: string;
  /** Why the container is waiting or terminated (ErrImagePull, Completed, Error, Unschedulable...). */
  reason?: string;
  message?: string;
}

export type DeployerEvent =
  | { type: 'phase'; phase: DeployerPhase }
  | { type: 'resource'; kind: string; name: string; namespace?: string; action: ResourceAction }
  | { type: 'pod'; pod: PodStatusSummary }
  | { type: 'log'; line: string }
  | { type: 'warning'; message: string }
  | { type: 'reconnecting'; what: string; reason: string };

export type DeployerEventListener = (event: DeployerEvent) => void;
