/**
 * The kubeconfig handed to tests and to anyone running `npm run cluster -- up`, with one context per
 * kind of user the app must handle.
 */
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Pki } from './pki.ts';

export const CONTEXTS = {
  admin: 'aicr-admin',
  restricted: 'aicr-restricted',
  exec: 'aicr-exec',
  unreachable: 'aicr-unreachable',
} as const;

export const RESTRICTED_USER = 'aicr-restricted-user';
export const RESTRICTED_NAMESPACE = 'aicr-restricted';
export const EXEC_USER = 'aicr-exec-user';

export interface KubeconfigInputs {
  dir: string;
  server: string;
  unreachableServer: string;
  pki: Pki;
  execToken: string;
}

/** Each run of the exec plugin appends a line here, so tests can count invocations. */
export const EXEC_PLUGIN_CALLS_FILE = 'exec-credential-plugin.calls';

/** An exec credential plugin, as `aws eks get-token` would be: prints an ExecCredential with a bearer token. */
async function writeExecPlugin(dir: string, token: string): Promise<string> {
  const file = path.join(dir, 'exec-credential-plugin.sh');
  const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } });
  const calls = path.join(dir, EXEC_PLUGIN_CALLS_FILE);
  await writeFile(file, `#!/bin/sh\n# Test exec credential plugin for the aicr-exec context.\necho call >> '${calls}'\ncat <<'EOF'\n${credential}\nEOF\n`);
  await chmod(file, 0o755);
  return file;
}

export async function writeKubeconfig(inputs: KubeconfigInputs): Promise<string> {
  const { pki } = inputs;
  const certUser = (certName: string) => ({ 'client-certificate': pki.cert(certName).cert, 'client-key': pki.cert(certName).key });
  const execPlugin = await writeExecPlugin(inputs.dir, inputs.execToken);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'aicr-test', cluster: { server: inputs.server, 'certificate-authority': pki.caCert } },
      { name: 'aicr-test-unreachable', cluster: { server: inputs.unreachableServer, 'certificate-authority': pki.caCert } },
    ],
    users: [
      { name: 'aicr-admin', user: certUser('admin') },
      { name: RESTRICTED_USER, user: certUser('restricted') },
      {
        name: EXEC_USER,
        user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: execPlugin, args: [], interactiveMode: 'Never' } },
      },
    ],
    contexts: [
      { name: CONTEXTS.admin, context: { cluster: 'aicr-test', user: 'aicr-admin', namespace: 'default' } },
      { name: CONTEXTS.restricted, context: { cluster: 'aicr-test', user: RESTRICTED_USER, namespace: RESTRICTED_NAMESPACE } },
      { name: CONTEXTS.exec, context: { cluster: 'aicr-test', user: EXEC_USER, namespace: 'default' } },
      { name: CONTEXTS.unreachable, context: { cluster: 'aicr-test-unreachable', user: 'aicr-admin', namespace: 'default' } },
    ],
    'current-context': CONTEXTS.admin,
  };
  const file = path.join(inputs.dir, 'kubeconfig');
  await writeFile(file, stringify(config));
  return file;
}
