import { describe, expect, it } from 'vitest';
import { describeRequirement } from '../../electron/agent/permissions.ts';
import { paths } from '../../electron/kube/paths.ts';
import { isStructuredError } from '../../shared/errors.ts';
import { RESTRICTED_NAMESPACE } from '../cluster/kubeconfig.ts';
import { CONTEXTS, exists, gpuConfig, recordedDeployer } from './helpers.ts';

describe('a user with edit rights in one namespace only', () => {
  const config = gpuConfig({ namespace: RESTRICTED_NAMESPACE });

  it('sees exactly which permission checks are denied', async () => {
    const { deployer } = recordedDeployer(config, CONTEXTS.restricted);
    const checks = await deployer.checkPermissions(AbortSignal.timeout(10_000));
    // Everything a run does, creating, following, reading and cleaning up, plus the staging ConfigMap.
    expect(checks).toHaveLength(22);
    expect(checks.filter((c) => !c.allowed).map(describeRequirement)).toEqual([
      `create roles (namespace "${RESTRICTED_NAMESPACE}")`,
      `create rolebindings (namespace "${RESTRICTED_NAMESPACE}")`,
      'create clusterroles (cluster-scoped)',
      'create clusterrolebindings (cluster-scoped)',
      `delete roles (namespace "${RESTRICTED_NAMESPACE}")`,
      `delete rolebindings (namespace "${RESTRICTED_NAMESPACE}")`,
      'delete clusterroles (cluster-scoped)',
      'delete clusterrolebindings (cluster-scoped)',
    ]);
    expect(checks.find((c) => c.verb === 'delete' && c.resource === 'clusterroles')?.purpose).toBe('clean up the ClusterRole');
  });

  it('is refused with UNAUTHORIZED naming the missing permissions, and nothing is created', async () => {
    const { deployer } = recordedDeployer(config, CONTEXTS.restricted);
    const error = await deployer.deploy(AbortSignal.timeout(10_000)).catch((e: unknown) => e);
    expect(isStructuredError(error, 'UNAUTHORIZED')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('insufficient permissions to deploy agent');
    expect(message).toContain(`missing required permissions:\n  - create roles (namespace "${RESTRICTED_NAMESPACE}"): needed to create the agent's Role`);
    expect(message).toContain('  - create clusterrolebindings (cluster-scoped)');
    expect(deployer.hasChangedCluster).toBe(false);
    expect(await exists(paths.serviceAccount(RESTRICTED_NAMESPACE, deployer.names.serviceAccount))).toBe(false);
    expect(await exists(paths.job(RESTRICTED_NAMESPACE, deployer.names.job))).toBe(false);
  });
});
