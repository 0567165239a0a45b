/**
 * Nothing secret is ever printed. Every error path a credential can reach is run through the CLI with
 * planted secrets, and the whole output is searched for them.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKubeconfig, resolveContext } from '../../electron/kube/kubeconfig.ts';
import { cluster, CONTEXTS } from './helpers.ts';
import { runCli } from './cli-process.ts';
import { writeSingleContextKubeconfig } from './kubeconfig-file.ts';

const SECRETS = ['PLANTED-TOKEN-7f3a', 'PLANTED-PASSWORD-9c1e', 'PLANTED-ARG-2b8d', 'PLANTED-KEYDATA-5d0c'];
const dir = mkdtempSync(path.join(tmpdir(), 'aicr-secrets-'));

const kubeconfig = (name: string, server: string, user: Record<string, unknown>, cluster: Record<string, unknown> = {}) =>
  writeSingleContextKubeconfig(dir, name, { server, ...cluster }, user);

describe('secrets never reach the output', () => {
  const real = resolveContext(loadKubeconfig({ kubeconfigPath: cluster().kubeconfig }), CONTEXTS.admin).cluster;
  const trusted = { 'certificate-authority': real.caFile };
  const failingPlugin = path.join(dir, 'failing-plugin.sh');
  writeFileSync(failingPlugin, '#!/bin/sh\necho "login required" >&2\nexit 1\n');
  chmodSync(failingPlugin, 0o755);
  const syntax = path.join(dir, 'syntax');
  writeFileSync(syntax, `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: ${SECRETS[0]}\n   client-key-data: ${SECRETS[3]}\n  - [broken\n`);

  it.each([
    ['a kubeconfig YAML syntax error', syntax, 2, 'is not valid YAML at line'],
    ['user:password in the server URL of a closed port', kubeconfig('userinfo', `https://admin:${SECRETS[1]}@127.0.0.1:1`, { token: SECRETS[0] }, trusted), 6, 'cannot reach Kubernetes API server'],
    ['a rejected bearer token (401)', kubeconfig('badtoken', real.server, { token: SECRETS[0] }, trusted), 4, 'the API server rejected the credentials (401 Unauthorized)'],
    ['basic auth, which the server ignores (anonymous)', kubeconfig('basic', real.server, { username: 'admin', password: SECRETS[1] }, trusted), 4, 'the API server does not know who you are (system:anonymous)'],
    ['an untrusted server certificate', kubeconfig('tls', real.server.replace('https://', `https://u:${SECRETS[1]}@`), { token: SECRETS[0] }), 6, "the API server's TLS certificate is not trusted"],
    [
      'a failing credential plugin with secret arguments',
      kubeconfig('plugin', real.server, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: failingPlugin, args: ['--token', SECRETS[2]] } }, trusted),
      4,
      'cannot obtain credentials for the cluster',
    ],
  ])('%s', async (_name, file, exitCode, message) => {
    const result = await runCli(['snapshot', '--kubeconfig', file, '-o', path.join(dir, 'out.yaml')]);
    expect(result.stderr).toContain(message);
    expect(result.code).toBe(exitCode);
    for (const secret of SECRETS) {
      expect(result.stderr, `stderr leaks ${secret}`).not.toContain(secret);
      expect(result.stdout, `stdout leaks ${secret}`).not.toContain(secret);
    }
  });
});
