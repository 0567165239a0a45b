import { describe, expect, it } from 'vitest';
import { KubeApiError, KubeNetworkError, isNetworkError, isTransient } from '../../electron/kube/errors.ts';
import { exitCodeFor, newError, StructuredError, wrapError } from '../../shared/errors.ts';

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
  it('the outermost code decides; unstructured errors exit 1', () => {
    expect(exitCodeFor(wrapError('INTERNAL', 'job failed', newError('TIMEOUT', 'x')))).toBe(8);
    expect(exitCodeFor(new Error('plain'))).toBe(1);
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
