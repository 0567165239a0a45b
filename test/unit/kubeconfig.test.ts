import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { kubeconfigFiles, loadKubeconfig, mergeFirstWins, resolveContext } from '../../electron/kube/kubeconfig.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'aicr-kubeconfig-'));
function file(name: string, config: object): string {
  const p = path.join(dir, name);
  writeFileSync(p, stringify({ apiVersion: 'v1', kind: 'Config', ...config }));
  return p;
}
const cluster = (name: string, server: string) => ({ name, cluster: { server, 'certificate-authority': 'ca.crt' } });
const user = (name: string, token: string) => ({ name, user: { token } });
const context = (name: string, c: string, u: string) => ({ name, context: { cluster: c, user: u } });

const first = file('first', { clusters: [cluster('prod', 'https://first')], users: [user('admin', 'first-token')], contexts: [context('prod', 'prod', 'admin')], 'current-context': 'prod' });
const second = file('second', {
  clusters: [cluster('prod', 'https://second'), cluster('dev', 'https://dev')],
  users: [user('admin', 'second-token'), { name: 'sso', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './bin/get-token' } } }],
  contexts: [context('dev', 'dev', 'sso')],
  'current-context': 'dev',
});

describe('kubeconfig loading with kubectl semantics', () => {
  it('KUBECONFIG lists are merged with the first definition winning', () => {
    const loaded = loadKubeconfig({ env: { KUBECONFIG: [first, path.join(dir, 'missing'), second].join(path.delimiter) } });
    expect(loaded.files).toEqual([first, second]);
    expect(loaded.currentContext).toBe('prod');
    expect(loaded.clusters.map((c) => [c.name, c.server])).toEqual([
      ['prod', 'https://first'],
      ['dev', 'https://dev'],
    ]);
    expect(loaded.users.find((u) => u.name === 'admin')?.token).toBe('first-token');
  });
  it('relative paths resolve against the file that names them', () => {
    const loaded = loadKubeconfig({ kubeconfigPath: second });
    expect(loaded.clusters[0]?.caFile).toBe(path.join(dir, 'ca.crt'));
    expect(loaded.users.find((u) => u.name === 'sso')?.exec?.command).toBe(path.join(dir, 'bin/get-token'));
  });
  it('an explicit path wins over KUBECONFIG and must exist', () => {
    expect(kubeconfigFiles({ kubeconfigPath: second, env: { KUBECONFIG: first } })).toEqual([second]);
    expect(() => loadKubeconfig({ kubeconfigPath: path.join(dir, 'nope') })).toThrow('does not exist; check --kubeconfig');
  });
  it('no kubeconfig at all is a clear error', () => {
    expect(() => loadKubeconfig({ env: { KUBECONFIG: path.join(dir, 'nope') } })).toThrow('no kubeconfig found');
  });
  it('each context resolves to its own cluster', () => {
    const loaded = loadKubeconfig({ env: { KUBECONFIG: [first, second].join(path.delimiter) } });
    expect(resolveContext(loaded, 'dev').cluster.server).toBe('https://dev');
    expect(resolveContext(loaded).cluster.server).toBe('https://first');
  });
  it('unknown contexts list the available ones', () => {
    const loaded = loadKubeconfig({ kubeconfigPath: first });
    expect(() => resolveContext(loaded, 'staging')).toThrow('[NOT_FOUND] context "staging" not found in kubeconfig (available: prod)');
  });
  it('contexts pointing at undefined users or clusters are reported', () => {
    const broken = file('broken', { clusters: [cluster('c', 'https://c')], users: [], contexts: [context('x', 'c', 'ghost')], 'current-context': 'x' });
    expect(() => resolveContext(loadKubeconfig({ kubeconfigPath: broken }))).toThrow('refers to user "ghost"');
  });
});

describe('kubeconfig edge cases', () => {
  it('an empty file in the KUBECONFIG list is skipped', () => {
    const empty = path.join(dir, 'empty');
    writeFileSync(empty, '');
    const loaded = loadKubeconfig({ env: { KUBECONFIG: [empty, first].join(path.delimiter) } });
    expect(loaded.files).toEqual([first]);
    expect(loaded.currentContext).toBe('prod');
  });
  it('a YAML syntax error names file, line and column, never the content', () => {
    const broken = path.join(dir, 'syntax');
    writeFileSync(broken, `apiVersion: v1\nusers:\n- name: admin\n  user:\n    token: PLANTED-TOKEN-abc123\n   bad: [indent\n`);
    let message = '';
    try {
      loadKubeconfig({ kubeconfigPath: broken });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(new RegExp(`kubeconfig ${broken} is not valid YAML at line \\d+, column \\d+`));
    expect(message).not.toContain('PLANTED-TOKEN');
    expect(message).not.toContain('bad:');
  });
  it('a context without a user is reported clearly', () => {
    const noUser = file('nouser', { clusters: [cluster('c', 'https://c')], users: [], contexts: [{ name: 'x', context: { cluster: 'c' } }], 'current-context': 'x' });
    expect(() => resolveContext(loadKubeconfig({ kubeconfigPath: noUser }))).toThrow('context "x" names no user; add "user:" to the context in the kubeconfig');
  });
  it('a context whose cluster has no server is reported clearly', () => {
    const noServer = file('noserver', { clusters: [{ name: 'c', cluster: {} }], users: [user('u', 't')], contexts: [context('x', 'c', 'u')], 'current-context': 'x' });
    expect(() => resolveContext(loadKubeconfig({ kubeconfigPath: noServer }))).toThrow('cluster "c" of context "x" has no server URL');
  });
  it('merging stays linear in the number of contexts', () => {
    const entries = (n: number, tag: string) => Array.from({ length: n }, (_v, i) => ({ name: `ctx-${i}`, tag }));
    const into: { name: string; tag: string }[] = [];
    const seen = new Set<string>();
    const started = performance.now();
    mergeFirstWins(into, seen, entries(200_000, 'first'));
    mergeFirstWins(into, seen, entries(200_000, 'second'));
    // A pairwise search would take minutes here; a set lookup takes milliseconds.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(into).toHaveLength(200_000);
    expect(into.every((e) => e.tag === 'first')).toBe(true);
  });
});

describe('where each context comes from', () => {
  it('names the file that defined it', () => {
    const loaded = loadKubeconfig({ env: { KUBECONFIG: [first, second].join(path.delimiter) } });
    expect(loaded.contexts.map((c) => [c.name, c.file])).toEqual([
      ['prod', first],
      ['dev', second],
    ]);
  });
});
