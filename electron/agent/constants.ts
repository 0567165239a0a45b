/** Names, labels and timings fixed by the reference package (types.go, pkg/defaults). */
export const LABEL_APP_NAME = 'app.kubernetes.io/name';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const APP_NAME = 'aicr';
export const CONTAINER_NAME = 'aicr';
export const SNAPSHOT_KEY = 'snapshot.yaml';

export const JOB_TTL_AFTER_FINISHED_SECONDS = 3600;
export const JOB_ACTIVE_DEADLINE_SECONDS = 18_000;
export const CLEANUP_TIMEOUT_MS = 30_000;
export const POD_READY_TIMEOUT_MS = 120_000;
export const JOB_COMPLETION_TIMEOUT_MS = 300_000;
export const RUNTIME_CLASS_CHECK_TIMEOUT_MS = 5_000;

/** Labels the Job controller puts on the pods of a Job; the UID one pins a single Job instance. */
export const LABEL_CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';
