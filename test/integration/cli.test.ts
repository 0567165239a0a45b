import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseSnapshot } from '../../shared/snapshot.ts';
import { RESTRICTED_NAMESPACE } from '../cluster/kubeconfig.ts';
import { cluster, CONTEXTS, uniqueNamespace } from './helpers.ts';

async function npx(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npx', ['aicr-studio', ...args], { cwd: path.resolve('.'), timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the aicr-studio CLI end to end', () => {
  it('snapshot writes a valid snapshot file and exits 0', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'aicr-cli-')), 'out.yaml');
    const namespace = uniqueNamespace('cli');
    const result = await npx(['snapshot', '--kubeconfig', cluster().kubeconfig, '--context', CONTEXTS.admin, '-n', namespace, '--node-selector', 'nodeGroup=customer-gpu', '-o', out]);
    expect(result.stderr).toContain('[agent] collecting Kubernetes cluster information');
    expect(result.stderr).toContain(`snapshot saved to file: path=${out}`);
    expect(result.code).toBe(0);
    expect(parseSnapshot(readFileSync(out, 'utf8')).metadata['source-node']).toMatch(/^gpu-node-[12]$/);
  });

  it('the restricted context exits 4', async () => {
    const result = await npx(['snapshot', '--kubeconfig', cluster().kubeconfig, '--context', CONTEXTS.restricted, '-n', RESTRICTED_NAMESPACE]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('missing required permissions');
    expect(result.stdout).toBe('');
  });

  it('the unreachable context exits 6', async () => {
    const result = await npx(['snapshot', '--kubeconfig', cluster().kubeconfig, '--context', CONTEXTS.unreachable]);
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('cannot reach Kubernetes API server');
  });
});
