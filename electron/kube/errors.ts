/** Errors from talking to an API server, and the reference's IsNetworkError classification. */
import { StructuredError } from '../../shared/errors.ts';

/** The API server answered with an error status; carries its metav1.Status fields. */
export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly details: unknown;

  constructor(status: number, reason: string, message: string, details?: unknown) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
    this.details = details;
  }
}

/** The request never got an HTTP answer (refused, unreachable, DNS, reset, TLS handshake timeout). */
export class KubeNetworkError extends Error {
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined, cause: unknown) {
    super(message, { cause });
    this.name = 'KubeNetworkError';
    this.code = code;
  }
}

/** The kubeconfig's credential could not be obtained (exec plugin missing or failing). */
export class KubeCredentialError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'KubeCredentialError';
  }
}

export const isNotFound = (err: unknown): boolean => err instanceof KubeApiError && err.status === 404;
export const isAlreadyExists = (err: unknown): boolean => err instanceof KubeApiError && err.status === 409 && err.reason === 'AlreadyExists';
export const isForbidden = (err: unknown): boolean => err instanceof KubeApiError && err.status === 403;

const networkErrnos = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);
const networkMessageFragments = [
  'dial tcp',
  'no such host',
  'connection refused',
  'i/o timeout',
  'TLS handshake timeout',
  'network is unreachable',
  'no route to host',
];

/** Reference IsNetworkError: a network error anywhere in the cause chain, or a message that reads like one. */
export function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) {
    if (e instanceof KubeNetworkError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && networkErrnos.has(code)) return true;
    if (e instanceof Error && !(e instanceof StructuredError) && networkMessageFragments.some((f) => e.message.includes(f))) return true;
    if (!(e instanceof Error)) break;
  }
  return false;
}

/** Worth retrying inside a watch loop: the server went away or is overloaded, not a real answer. */
export function isTransient(err: unknown): boolean {
  if (isNetworkError(err)) return true;
  return err instanceof KubeApiError && (err.status >= 500 || err.status === 429);
}
