import { describe, expect, it } from 'vitest';
import { timestampNanos } from '../../electron/agent/log-timestamps.ts';
import { paths } from '../../electron/kube/paths.ts';
import { client, gpuConfig, recordedDeployer, uniqueNamespace } from './helpers.ts';

async function podLog(namespace: string, pod: string, query: Record<string, string | number | boolean>): Promise<string> {
  const response = await client().stream(paths.podLog(namespace, pod), { query: { container: 'aicr', ...query } });
  response.setEncoding('utf8');
  let text = '';
  for await (const chunk of response) text += chunk as string;
  return text;
}

describe('pods/log through the API server to the simulated kubelet', () => {
  it('serves tailLines, limitBytes, timestamps and sinceTime like a kubelet', async () => {
    const namespace = uniqueNamespace('logs');
    const { deployer } = recordedDeployer(gpuConfig({ namespace, image: 'registry.example/aicr:logs-200' }));
    const signal = AbortSignal.timeout(60_000);
    await deployer.deploy(signal);
    await deployer.waitForCompletion(60_000, signal);
    const pod = (await client().request<{ items: { metadata: { name: string } }[] }>(paths.pods(namespace))).items[0]!.metadata.name;

    const all = (await podLog(namespace, pod, {})).split('\n').filter(Boolean);
    expect(all.filter((l) => l.includes('collecting measurement batch'))).toHaveLength(200);

    const tail = (await podLog(namespace, pod, { tailLines: 3 })).split('\n').filter(Boolean);
    expect(tail).toEqual(all.slice(-3));

    expect(Buffer.byteLength(await podLog(namespace, pod, { limitBytes: 100 }))).toBe(100);

    const stamped = (await podLog(namespace, pod, { timestamps: true })).split('\n').filter(Boolean);
    expect(stamped).toHaveLength(all.length);
    const stamps = stamped.map((l) => timestampNanos(l.slice(0, l.indexOf(' '))));
    expect(stamps.every((s) => s !== undefined)).toBe(true);
    expect(stamped.map((l) => l.slice(l.indexOf(' ') + 1))).toEqual(all);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]! > stamps[i - 1]!).toBe(true);

    // sinceTime has second precision: every line at or after that second, none before.
    const last = stamped.at(-1)!.slice(0, stamped.at(-1)!.indexOf(' '));
    const since = `${last.slice(0, 19)}Z`;
    const recent = (await podLog(namespace, pod, { sinceTime: since, timestamps: true })).split('\n').filter(Boolean);
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.every((l) => l.slice(0, 19) >= since.slice(0, 19))).toBe(true);

    await deployer.cleanup({ enabled: true }, AbortSignal.timeout(30_000));
  });

  it('follow streams lines as they are written and ends when the container exits', async () => {
    const namespace = uniqueNamespace('follow');
    const { deployer } = recordedDeployer(gpuConfig({ namespace, image: 'registry.example/aicr:slow-3' }));
    const signal = AbortSignal.timeout(60_000);
    await deployer.deploy(signal);
    const pod = await deployer.waitForPodReady(30_000, signal);
    const response = await client().stream(paths.podLog(namespace, pod), { query: { container: 'aicr', follow: true } });
    response.setEncoding('utf8');
    const arrivals: number[] = [];
    let text = '';
    for await (const chunk of response) {
      arrivals.push(Date.now());
      text += chunk as string;
    }
    expect(text).toContain('elapsed=3s');
    // Lines came over several seconds, not in one piece at the end.
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(1_500);
    await deployer.waitForCompletion(30_000, signal);
    await deployer.cleanup({ enabled: true }, AbortSignal.timeout(30_000));
  });
});
