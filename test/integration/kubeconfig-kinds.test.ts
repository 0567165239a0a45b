/** Kinds of kubeconfig a cluster admin has: a plain-HTTP `kubectl proxy`, an exec credential plugin. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKubeconfig, resolveContext } from '../../electron/kube/kubeconfig.ts';
import { parseSnapshot } from '../../shared/snapshot.ts';
import { EXEC_PLUGIN_CALLS_FILE } from '../cluster/kubeconfig.ts';
import { cluster, CONTEXTS, uniqueNamespace } from './helpers.ts';
import { runCli } from './cli-process.ts';
import { writeSingleContextKubeconfig } from './kubeconfig-file.ts';

/** What `kubectl proxy` does: plain HTTP on loopback, forwarding to the API server with the admin's client certificate. */
async function startKubectlProxy(): Promise<{ url: string; close: () => void }> {
  const admin = resolveContext(loadKubeconfig({ kubeconfigPath: cluster().kubeconfig }), CONTEXTS.admin);
  const upstream = new URL(admin.cluster.server);
  const tls = { ca: readFileSync(admin.cluster.caFile!), cert: readFileSync(admin.user.clientCertificateFile!), key: readFileSync(admin.user.clientKeyFile!) };
  const server = http.createServer((req, res) => {
    const forward = https.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host }, ...tls },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => (server.closeAllConnections(), server.close()) };
}

const proxy = await startKubectlProxy();
afterAll(() => proxy.close());

describe('more kinds of contexts', () => {
  it('an http:// server (kubectl proxy) runs a full snapshot', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aicr-proxy-'));
    // As kubectl proxy is used: no credentials of its own.
    const kubeconfig = writeSingleContextKubeconfig(dir, 'kubeconfig', { server: proxy.url }, {});
    const out = path.join(dir, 'snapshot.yaml');
    const result = await runCli(['snapshot', '--kubeconfig', kubeconfig, '-n', uniqueNamespace('proxy'), '--node-selector', 'nodeGroup=customer-gpu', '-o', out]);
    expect(result.stderr).toContain('snapshot saved to file');
    expect(result.code).toBe(0);
    expect(parseSnapshot(readFileSync(out, 'utf8')).metadata['source-node']).toMatch(/^gpu-node-[12]$/);
  });

  it('an exec credential plugin runs once per run, shared by the concurrent permission checks', async () => {
    const calls = path.join(path.dirname(cluster().kubeconfig), EXEC_PLUGIN_CALLS_FILE);
    const count = () => (existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean).length : 0);
    const before = count();
    const result = await runCli(['snapshot', '--context', CONTEXTS.exec, '-n', uniqueNamespace('execonce'), '--node-selector', 'nodeGroup=customer-gpu', '-o', '/dev/null']);
    expect(result.code).toBe(0);
    expect(count() - before).toBe(1);
  });
});
