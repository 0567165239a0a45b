import { describe, expect, it } from 'vitest';
import { agentOutputUri } from '../../shared/agent-config.ts';
import { parse, parseAllDocuments } from 'yaml';
import { parseFlags } from '../../electron/cli/flags.ts';
import { main } from '../../electron/cli/main.ts';
import { renderManifests } from '../../electron/cli/manifests-command.ts';
import { MANIFESTS_FLAGS, SNAPSHOT_FLAGS, snapshotOptionsFrom } from '../../electron/cli/snapshot-options.ts';
import type { Terminal } from '../../electron/cli/terminal.ts';

const options = (args: string[], env: NodeJS.ProcessEnv = {}) => snapshotOptionsFrom(parseFlags(args, MANIFESTS_FLAGS, env));

function captureTerminal() {
  const out = { stdout: '', stderr: '' };
  const term: Terminal = {
    info: (m, a) => void (out.stderr += `[cli] ${m}${a ? `: ${JSON.stringify(a)}` : ''}\n`),
    error: (m, a) => void (out.stderr += `[cli] ${m}${a ? `: ${Object.entries(a).map(([k, v]) => `${k}=${String(v)}`).join(' ')}` : ''}\n`),
    logLines: async (lines) => void (out.stderr += `${lines.join('\n')}\n`),
    stdout: async (t) => void (out.stdout += t),
  };
  return { out, term };
}

describe('flag parsing', () => {
  it('the reference defaults', () => {
    const o = options([]);
    expect(o.config).toMatchObject({ namespace: 'default', jobName: 'aicr', serviceAccountName: 'aicr', privileged: true, requireGPU: false, debug: false, output: '' });
    expect(o.config.runId).toMatch(/^[a-z][a-z0-9]{7}$/);
    expect(o.config.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(o).toMatchObject({ timeoutMs: 300_000, cleanup: true, format: 'yaml', output: { kind: 'stdout' }, selection: {} });
  });
  it('every flag', () => {
    const o = options([
      '--kubeconfig=/tmp/kc', '--context', 'prod', '-n', 'gpu-operator', '--image', 'ghcr.io/nvidia/aicr:v1', '--image-pull-secret', 'a', '--image-pull-secret=b,c',
      '--job-name', 'snap', '--service-account-name', 'snap-sa', '--node-selector', 'nodeGroup=customer-gpu', '--node-selector', 'x=1,y=2',
      '--toleration', 'nvidia.com/gpu:NoSchedule', '--timeout', '90s', '--no-cleanup', '--privileged=false', '--os', 'Talos',
      '--requests', 'cpu=50m', '--limits', 'memory=1Gi', '--max-nodes-per-entry', '3', '--debug', '-o', 'cm://gpu-operator/out', '--format', 'json',
    ]);
    expect(o.selection).toEqual({ kubeconfigPath: '/tmp/kc', context: 'prod' });
    expect(o.config).toMatchObject({
      namespace: 'gpu-operator', image: 'ghcr.io/nvidia/aicr:v1', imagePullSecrets: ['a', 'b', 'c'], jobName: 'snap', serviceAccountName: 'snap-sa',
      nodeSelector: { nodeGroup: 'customer-gpu', x: '1', y: '2' }, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      privileged: false, os: 'talos', requests: { cpu: '50m' }, limits: { memory: '1Gi' }, maxNodesPerEntry: 3, debug: true, output: 'cm://gpu-operator/out',
    });
    expect(o).toMatchObject({ timeoutMs: 90_000, cleanup: false, format: 'json', output: { kind: 'configmap', uri: 'cm://gpu-operator/out' } });
  });
  it('a file output has the agent write to a run-owned staging ConfigMap', () => {
    const o = options(['-n', 'ns1', '-o', '/tmp/snapshot.yaml', '--run-id', 'k3x9q2ab']);
    expect(o.output).toEqual({ kind: 'file', path: '/tmp/snapshot.yaml' });
    expect(o.config.output).toBe('');
    expect(agentOutputUri(o.config)).toBe('cm://ns1/aicr-agent-snapshot-k3x9q2ab');
  });
  it('environment variables are fallbacks, flags win', () => {
    expect(options([], { AICR_NAMESPACE: 'from-env', AICR_REQUIRE_GPU: 'true' }).config).toMatchObject({ namespace: 'from-env', requireGPU: true });
    expect(options(['-n', 'flag'], { AICR_NAMESPACE: 'from-env' }).config.namespace).toBe('flag');
  });
  it('--timeout 0 falls back to 5 minutes', () => expect(options(['--timeout', '0']).timeoutMs).toBe(300_000));
  it('--require-gpu with an explicit GPU limit', () => expect(options(['--require-gpu', '--limits', 'nvidia.com/gpu=4']).config).toMatchObject({ requireGPU: true, limits: { 'nvidia.com/gpu': '4' } }));
});

describe('bad flags fail with INVALID_REQUEST naming the flag and the fix', () => {
  it.each([
    [['-n', 'a', '--namespace', 'b'], 'flag --namespace can only be specified once'],
    [['--require-gpu', '--runtime-class', 'nvidia'], '--require-gpu and --runtime-class are mutually exclusive; prefer --runtime-class'],
    [['--format', 'table'], 'unknown output format: "table", valid formats are: yaml, json'],
    [['-o', 'cm://onlyns'], 'invalid --output ConfigMap URI "cm://onlyns", expected cm://namespace/name'],
    [['-o', 'cm://Bad/x'], 'invalid --output "cm://Bad/x": namespace'],
    [['--node-selector', 'nodeGroup'], 'invalid --node-selector: [INVALID_REQUEST] invalid format "nodeGroup", expected key=value'],
    [['--toleration', 'key=value'], 'invalid --toleration: [INVALID_REQUEST] invalid format "key=value", expected key=value:effect or key:effect'],
    [['--toleration', 'k:noschedule'], 'invalid taint effect "noschedule", expected NoSchedule, PreferNoSchedule, or NoExecute'],
    [['--os', 'windows'], 'invalid --os: [INVALID_REQUEST] unknown OS "windows"'],
    [['--requests', 'cpu'], 'invalid --requests: [INVALID_REQUEST] entry "cpu" is not in name=quantity form'],
    [['--limits', 'memory=lots'], 'invalid --limits'],
    [['--timeout', '5'], 'invalid --timeout: [INVALID_REQUEST] invalid duration "5"'],
    [['--max-nodes-per-entry', '-1'], 'invalid --max-nodes-per-entry "-1": must be a whole number'],
    [['--max-nodes-per-entry', '99999999999999999999999'], 'invalid --max-nodes-per-entry "99999999999999999999999": must be a whole number from 0 (unlimited) to 9007199254740991'],
    [['--timeout', '600h'], 'invalid --timeout: [INVALID_REQUEST] duration "600h" is too long; the maximum is 596h31m23.647s'],
    [['--timeout', `${'9'.repeat(400)}s`], 'is too long; the maximum is 596h31m23.647s'],
    [['--requests', 'cpu=-1'], 'invalid --requests: [INVALID_REQUEST] entry "cpu=-1": quantity must not be negative'],
    [['--limits', 'memory=-1Gi'], 'invalid --limits: [INVALID_REQUEST] entry "memory=-1Gi": quantity must not be negative'],
    [['--requests', 'cpu=4'], '--requests (cpu): cpu=4 exceeds the limit cpu=2 (the privileged default); raise --limits cpu or lower the request'],
    [['--requests', 'memory=2Gi', '--limits', 'memory=1Gi'], '--requests (memory): memory=2Gi exceeds the limit memory=1Gi; raise --limits memory'],
    [['--privileged=false', '--requests', 'cpu=1'], 'cpu=1 exceeds the limit cpu=500m (the restricted default)'],
    [['--requests', 'nvidia.com/gpu=1'], '--requests (nvidia.com/gpu): nvidia.com/gpu is an extended resource: set the same value in --limits'],
    [['--job-name', 'j'.repeat(55)], '--job-name: is a prefix the run ID is appended to, so it may have at most 54 characters (has 55)'],
    [['--run-id', 'BAD'], '--run-id: must be 8 characters'],
    [['-n', 'Bad_NS'], 'invalid --namespace "Bad_NS"'],
    [['--job-name', 'a.b'], '--job-name: must consist of lower case alphanumeric characters'],
    [['--image', 'Not/An:Image:x'], 'invalid --image "Not/An:Image:x"'],
    [['--image-pull-secret', 'Bad Secret'], 'invalid --image-pull-secret "Bad Secret"'],
    [['--privileged=maybe'], 'invalid value "maybe" for flag --privileged: expected true or false'],
    [['--bogus'], 'unknown flag --bogus; see --help'],
    [['--image'], 'flag --image needs a value'],
    [['stray'], 'unexpected argument "stray"'],
  ] as const)('%j', (args, message) => {
    expect(() => options([...args])).toThrow(message);
  });
});

describe('main', () => {
  it('manifests exits 0 and prints eight documents with fresh run-scoped names', async () => {
    const { out, term } = captureTerminal();
    expect(await main(['manifests', '--node-selector', 'nodeGroup=customer-gpu'], term)).toBe(0);
    const docs = parseAllDocuments(out.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Job']);
    expect(docs.at(-1)?.metadata.name).toMatch(/^aicr-[a-z][a-z0-9]{7}$/);
    const again = captureTerminal();
    await main(['manifests', '--node-selector', 'nodeGroup=customer-gpu'], again.term);
    expect(again.out.stdout).not.toBe(out.stdout);
  });
  it('manifests --run-id is reproducible', async () => {
    const runs = await Promise.all([0, 1].map(async () => {
      const { out, term } = captureTerminal();
      expect(await main(['manifests', '--run-id', 'k3x9q2ab'], term)).toBe(0);
      return out.stdout;
    }));
    expect(runs[0]).toBe(runs[1]);
    expect(runs[0]).toContain('name: aicr-k3x9q2ab');
  });
  it('snapshot does not take --run-id: every run gets a fresh one', async () => {
    const { out, term } = captureTerminal();
    expect(await main(['snapshot', '--run-id', 'k3x9q2ab'], term)).toBe(2);
    expect(out.stderr).toContain('unknown flag --run-id');
  });
  it('bad input exits 2 with the reference-style failure line', async () => {
    const { out, term } = captureTerminal();
    expect(await main(['manifests', '--toleration', 'foo'], term)).toBe(2);
    expect(out.stderr).toContain('[cli] command failed: error=[INVALID_REQUEST] invalid --toleration');
    expect(out.stderr).toContain('exitCode=2');
    expect(out.stdout).toBe('');
  });
  it('unknown commands exit 2', async () => {
    const { out, term } = captureTerminal();
    expect(await main(['snap'], term)).toBe(2);
    expect(out.stderr).toContain('unknown command "snap"; available: snapshot, manifests, cleanup');
  });
  it('--help lists every flag', async () => {
    const { out, term } = captureTerminal();
    expect(await main(['snapshot', '--help'], term)).toBe(0);
    for (const flag of SNAPSHOT_FLAGS) expect(out.stdout).toContain(`--${flag.name}`);
  });
});

describe('manifests output', () => {
  it('JSON is a v1 List of the same objects', () => {
    const o = options(['--format', 'json']);
    const list = JSON.parse(renderManifests(o)) as { kind: string; items: unknown[] };
    expect(list.kind).toBe('List');
    expect(list.items).toEqual(parseAllDocuments(renderManifests({ ...o, format: 'yaml' })).map((d) => d.toJS()));
  });
  it('the Job reflects the flags', () => {
    const o = options(['--privileged=false', '--runtime-class', 'nvidia', '--debug', '-n', 'gpu-operator', '--run-id', 'k3x9q2ab']);
    const job = parseAllDocuments(renderManifests(o)).map((d) => d.toJS()).at(-1) as { spec: { template: { spec: Record<string, unknown> & { containers: { args: string[] }[] } } } };
    expect(job.spec.template.spec.runtimeClassName).toBe('nvidia');
    expect(job.spec.template.spec.hostPID).toBeUndefined();
    expect(job.spec.template.spec.containers[0]?.args).toEqual(['--debug', '--log-json', 'snapshot', '-o', 'cm://gpu-operator/aicr-agent-snapshot-k3x9q2ab']);
  });
  it('YAML documents are separated and parse back', () => {
    const text = renderManifests(options([]));
    expect(text.startsWith('---\napiVersion: v1\nkind: Namespace\n')).toBe(true);
    expect(parse(text.split('---\n')[1] as string)).toMatchObject({ kind: 'Namespace' });
  });
});
