import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { getSnapshot } from '../../electron/agent/snapshot.ts';
import { KubeClient } from '../../electron/kube/client.ts';
import { rejection } from '../rejection.ts';
import { connectionFailure } from '../../electron/agent/failures.ts';
import { KubeApiError, KubeCredentialError, KubeNetworkError, KubeTlsError } from '../../electron/kube/errors.ts';
import { exitCodeFor, newError, wrapError, type StructuredError } from '../../shared/errors.ts';

const wrapped = (cause: unknown) => wrapError('INTERNAL', 'failed to check permission for create jobs', cause);

describe('what a failed cluster call means', () => {
  it.each([
    ['unreachable', new KubeNetworkError('connect ECONNREFUSED', 'ECONNREFUSED', undefined), 'SERVICE_UNAVAILABLE', 'Is your VPN connected?'],
    ['untrusted certificate', new KubeTlsError('TLS: self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT', undefined), 'SERVICE_UNAVAILABLE', 'certificate is not trusted'],
    ['plugin failure', new KubeCredentialError('credential plugin "aws" exited with code 255', undefined), 'UNAUTHORIZED', 'cannot obtain credentials'],
    ['credentials refused (401)', new KubeApiError(401, 'Unauthorized', 'Unauthorized'), 'UNAUTHORIZED', 'rejected the credentials (401 Unauthorized)'],
    ['anonymous (403)', new KubeApiError(403, 'Forbidden', 'User "system:anonymous" cannot create resource'), 'UNAUTHORIZED', 'does not know who you are'],
    ['forbidden (403)', new KubeApiError(403, 'Forbidden', 'User "bob" cannot get resource "configmaps"'), 'UNAUTHORIZED', 'the call: forbidden'],
    ['a server error (500) is not a permission problem', new KubeApiError(500, 'InternalError', 'etcdserver: leader changed'), 'INTERNAL', 'the call'],
    ['an unknown API (404) is not a permission problem', new KubeApiError(404, 'NotFound', 'the server could not find the requested resource'), 'INTERNAL', 'the call'],
  ] as const)('%s', (_name, cause, code, text) => {
    for (const err of [cause, wrapped(cause)]) {
      const mapped = connectionFailure(err, 'the call');
      expect(mapped.code).toBe(code);
      expect(mapped.message).toContain(text);
      expect(exitCodeFor(mapped)).not.toBe(1);
    }
  });
  it('an already classified error keeps its code', () => {
    expect(connectionFailure(newError('TIMEOUT', 'deadline'), 'the call').code).toBe('TIMEOUT');
  });
});

describe('reading the snapshot', () => {
  it('only a missing ConfigMap is NOT_FOUND; refused or failing reads say so', async () => {
    const { createServer } = await import('node:http');
    let status = 404;
    const server = createServer((_req, res) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: status, message: `status ${status}` })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new KubeClient({
      name: 'ctx',
      cluster: { name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, insecureSkipTlsVerify: false },
      user: { name: 'u', token: 't', impersonateGroups: [] },
    });
    try {
      const codes: Record<number, string> = {};
      for (status of [404, 403, 500, 503]) codes[status] = (await rejection(getSnapshot(client, 'cm://ns/name', AbortSignal.timeout(5_000))) as StructuredError).code;
      expect(codes).toEqual({ 404: 'NOT_FOUND', 403: 'UNAUTHORIZED', 500: 'INTERNAL', 503: 'INTERNAL' });
    } finally {
      server.close();
    }
  });
});
