/**
 * Run-scoped names. Every run has a random run ID; the user's job and ServiceAccount names are
 * prefixes, and everything a run creates is named `<prefix>-<runId>`, so no run can touch another's
 * objects or anything that existed before it. The ClusterRole and ClusterRoleBinding names carry the
 * namespace and the ServiceAccount (which carries the run ID): `aicr-node-reader.<namespace>.<sa>`.
 * Namespaces cannot contain dots, so the name splits back unambiguously (the mapping is injective),
 * and with both parts at most 63 characters it stays far below the 253 a name may have.
 */
export const RUN_ID_LENGTH = 8;
const RUN_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const RUN_ID_PATTERN = new RegExp(`^[a-z][a-z0-9]{${RUN_ID_LENGTH - 1}}$`);

/** Longest user prefix: the name `<prefix>-<runId>` must fit in a 63-character DNS label. */
export const MAX_NAME_PREFIX_LENGTH = 63 - 1 - RUN_ID_LENGTH;

export const CLUSTER_ROLE_PREFIX = 'aicr-node-reader';
export const STAGING_CONFIGMAP_PREFIX = 'aicr-agent-snapshot';

/** Label on every run-owned object: how leftovers are found and matched to their run. */
export const LABEL_RUN_ID = 'aicr.run/run-id';
/** On the cluster-scoped objects, so leftovers can be listed per namespace. */
export const LABEL_RUN_NAMESPACE = 'aicr.run/namespace';

/** A fresh run ID: 8 characters, a letter then letters and digits (36^7 * 26 ≈ 2 * 10^12 values). */
export function newRunId(): string {
  const [first = 0, ...rest] = crypto.getRandomValues(new Uint8Array(RUN_ID_LENGTH * 2));
  // 26 letters do not divide 256 evenly; the tiny bias of the first character is harmless here.
  let id = RUN_ID_ALPHABET.charAt(first % 26);
  // Rejection sampling (252 = 7 * 36) keeps every later character uniformly likely.
  for (const byte of rest) {
    if (id.length === RUN_ID_LENGTH) break;
    if (byte < 252) id += RUN_ID_ALPHABET.charAt(byte % 36);
  }
  return id.length === RUN_ID_LENGTH ? id : newRunId();
}

export function isRunId(value: string): boolean {
  return RUN_ID_PATTERN.test(value);
}

export interface RunNames {
  runId: string;
  job: string;
  /** Also the Role's and RoleBinding's name. */
  serviceAccount: string;
  clusterRole: string;
  /** Where the agent writes when the user wants the snapshot on stdout or in a file. */
  stagingConfigMap: string;
}

export function runNames(config: { namespace: string; jobName: string; serviceAccountName: string; runId: string }): RunNames {
  const serviceAccount = `${config.serviceAccountName}-${config.runId}`;
  return {
    runId: config.runId,
    job: `${config.jobName}-${config.runId}`,
    serviceAccount,
    clusterRole: `${CLUSTER_ROLE_PREFIX}.${config.namespace}.${serviceAccount}`,
    stagingConfigMap: `${STAGING_CONFIGMAP_PREFIX}-${config.runId}`,
  };
}
