import { describe, expect, it } from 'vitest';
import { KubeApiError, KubeNetworkError, isNetworkError, isTransient } from '../../electron/kube/errors.ts';
import { cancelledError, exitCodeFor, fromPlainError, newError, StructuredError, toPlainError, wrapError, type PlainError } from '../../shared/errors.ts';

describe('structured errors', () => {
  it('render as [CODE] message: cause', () => {
    expect(newError('NOT_FOUND', 'no Pods found').message).toBe('[NOT_FOUND] no Pods found');
    expect(wrapError('INTERNAL', 'job failed', newError('TIMEOUT', 'deadline')).message).toBe('[INTERNAL] job failed: [TIMEOUT] deadline');
  });
  it('context is kept but not rendered', () => {
    const e = newError('INTERNAL', 'job failed', { reason: 'BackoffLimitExceeded' });
    expect(e.message).toBe('[INTERNAL] job failed');
    expect(e.context.reason).toBe('BackoffLimitExceeded');
  });
  it.each([
    ['INVALID_REQUEST', 2],
    ['NOT_FOUND', 3],
    ['UNAUTHORIZED', 4],
    ['TIMEOUT', 5],
    ['SERVICE_UNAVAILABLE', 6],
    ['RATE_LIMIT_EXCEEDED', 7],
    ['INTERNAL', 8],
    ['METHOD_NOT_ALLOWED', 2],
  ] as const)('%s exits %i', (code, exit) => expect(exitCodeFor(new StructuredError(code, 'x'))).toBe(exit));
  it('the outermost code decides; unstructured errors are INTERNAL (no path exits 1)', () => {
    expect(exitCodeFor(wrapError('INTERNAL', 'job failed', newError('TIMEOUT', 'x')))).toBe(8);
    expect(exitCodeFor(new Error('plain'))).toBe(8);
    expect(exitCodeFor('a string')).toBe(8);
  });
  it('CANCELLED exits 130', () => expect(exitCodeFor(cancelledError())).toBe(130));
});

describe('errors as plain data (IPC, WebSockets)', () => {
  const original = wrapError(
    'UNAUTHORIZED',
    'insufficient permissions to deploy agent\n\nTo deploy the agent, you need cluster admin privileges.',
    newError('UNAUTHORIZED', 'missing required permissions', { denied: [{ verb: 'create' }] }),
    { checks: [{ verb: 'create', allowed: false }], big: 10n, when: new Date(0), fn: () => 1, inf: Infinity },
  );
  it('survive JSON and structured cloning intact', () => {
    const plain = toPlainError(original);
    for (const copy of [JSON.parse(JSON.stringify(plain)) as PlainError, structuredClone(plain)]) {
      expect(copy).toEqual(plain);
      const back = fromPlainError(copy);
      expect(back).toBeInstanceOf(StructuredError);
      expect(back.code).toBe('UNAUTHORIZED');
      expect(back.message).toBe(original.message);
      expect(exitCodeFor(back)).toBe(4);
    }
  });
  it('split summary and guidance, and list the cause chain', () => {
    const plain = toPlainError(original);
    expect(plain.summary.split('\n')[0]).toBe('insufficient permissions to deploy agent');
    expect(plain.guidance).toBe('To deploy the agent, you need cluster admin privileges.');
    expect(plain.causes).toEqual(['[UNAUTHORIZED] missing required permissions']);
    expect(plain.details).toMatchObject({ checks: [{ verb: 'create', allowed: false }], big: '10', inf: 'Infinity' });
    expect(plain.details).not.toHaveProperty('fn');
  });
  it('anything thrown becomes INTERNAL data', () => {
    expect(toPlainError(new TypeError('boom'))).toMatchObject({ code: 'INTERNAL', summary: 'boom', causes: [] });
    expect(toPlainError(cancelledError('interrupted by SIGTERM'))).toMatchObject({ code: 'CANCELLED', summary: 'interrupted by SIGTERM' });
  });
  it('an unknown code read back is INTERNAL', () => {
    expect(fromPlainError({ ...toPlainError(original), code: 'BOGUS' as never }).code).toBe('INTERNAL');
  });
});

describe('network error classification (reference IsNetworkError)', () => {
  it('network errors anywhere in the chain', () => {
    expect(isNetworkError(new KubeNetworkError('POST x: connect ECONNREFUSED', 'ECONNREFUSED', undefined))).toBe(true);
    expect(isNetworkError(Object.assign(new Error('x'), { code: 'EHOSTUNREACH' }))).toBe(true);
    expect(isNetworkError(wrapError('SERVICE_UNAVAILABLE', 'failed to check permission', new KubeNetworkError('x', 'ENOTFOUND', undefined)))).toBe(true);
  });
  it.each(['dial tcp 10.0.0.1:443: i/o timeout', 'lookup api.example: no such host', 'connection refused', 'net/http: TLS handshake timeout', 'network is unreachable', 'no route to host'])(
    'message %j',
    (message) => expect(isNetworkError(new Error(message))).toBe(true),
  );
  it('API answers and cancellations are not network errors', () => {
    expect(isNetworkError(new KubeApiError(403, 'Forbidden', 'forbidden'))).toBe(false);
    expect(isNetworkError(new DOMException('aborted', 'AbortError'))).toBe(false);
    expect(isNetworkError(newError('TIMEOUT', 'context deadline exceeded'))).toBe(false);
  });
  it('transient errors are retried by watches', () => {
    expect(isTransient(new KubeApiError(503, 'ServiceUnavailable', 'x'))).toBe(true);
    expect(isTransient(new KubeApiError(429, 'TooManyRequests', 'x'))).toBe(true);
    expect(isTransient(new KubeApiError(404, 'NotFound', 'x'))).toBe(false);
  });
});
