/** Labels on the objects a run owns: how its leftovers are found, listed per run and per namespace. */
import type { AgentConfig } from '../../../shared/agent-config.ts';
import { LABEL_RUN_ID, LABEL_RUN_NAMESPACE } from '../../../shared/run-names.ts';
import { APP_NAME, LABEL_APP_NAME, LABEL_MANAGED_BY } from '../constants.ts';

type RunScope = Pick<AgentConfig, 'runId' | 'namespace'>;

export function runOwnedLabels(config: RunScope): Record<string, string> {
  return { [LABEL_APP_NAME]: APP_NAME, [LABEL_MANAGED_BY]: APP_NAME, [LABEL_RUN_ID]: config.runId };
}

/** Cluster-scoped objects also name the run's namespace, as they have none of their own. */
export function clusterScopedRunLabels(config: RunScope): Record<string, string> {
  return { ...runOwnedLabels(config), [LABEL_RUN_NAMESPACE]: config.namespace };
}
