import { describe, expect, it } from 'vitest';
import type { Job } from '../../electron/agent/manifests/types.ts';
import { paths } from '../../electron/kube/paths.ts';
import { isStructuredError } from '../../shared/errors.ts';
import { client, gpuConfig, recordedDeployer, uniqueNamespace } from './helpers.ts';

interface PodWithSpec {
  metadata: { name: string };
  spec: { runtimeClassName?: string; containers: { env: { name: string; value?: string }[] }[] };
  status: { phase: string };
}

describe('RuntimeClass', () => {
  it('missing: NOT_FOUND with the guidance, before anything is created', async () => {
    const { deployer } = recordedDeployer(gpuConfig({ namespace: uniqueNamespace('rc-missing'), runtimeClassName: 'nvidia-legacy' }));
    const error = await deployer.deploy(AbortSignal.timeout(10_000)).catch((e: unknown) => e);
    expect(isStructuredError(error, 'NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain('RuntimeClass "nvidia-legacy" not found in cluster; the GPU Operator may not be installed yet.');
    expect((error as Error).message).toContain('omit --runtime-class and use --node-selector');
    expect(deployer.hasChangedCluster).toBe(false);
  });

  it('present: the running pod has runtimeClassName and NVIDIA_VISIBLE_DEVICES=all', async () => {
    const namespace = uniqueNamespace('rc');
    const { deployer } = recordedDeployer(gpuConfig({ namespace, runtimeClassName: 'nvidia', image: 'registry.example/aicr:slow-2' }));
    const signal = AbortSignal.timeout(60_000);
    await deployer.deploy(signal);
    const podName = await deployer.waitForPodReady(30_000, signal);
    const pod = await client().request<PodWithSpec>(paths.pod(namespace, podName));
    expect(pod.status.phase).toBe('Running');
    expect(pod.spec.runtimeClassName).toBe('nvidia');
    expect(pod.spec.containers[0]?.env).toContainEqual({ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' });
    const job = await client().request<Job>(paths.job(namespace, deployer.names.job));
    expect(job.spec.template.spec.runtimeClassName).toBe('nvidia');
    await deployer.waitForCompletion(60_000, signal);
    await deployer.cleanup({ enabled: true }, AbortSignal.timeout(30_000));
  });
});
