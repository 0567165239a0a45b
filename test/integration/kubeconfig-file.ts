/** Kubeconfig files of one context, as users write them, for tests of particular clusters and users. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';

export const SINGLE_CONTEXT = 'ctx';

/** Writes `<dir>/<name>` with one cluster, one user and the context `ctx` (also current) joining them. */
export function writeSingleContextKubeconfig(dir: string, name: string, cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster }],
      users: [{ name: 'u', user }],
      contexts: [{ name: SINGLE_CONTEXT, context: { cluster: 'c', user: 'u' } }],
      'current-context': SINGLE_CONTEXT,
    }),
  );
  return file;
}
