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

/** A request that got no HTTP answer, with the system's error code (ECONNREFUSED, CERT_HAS_EXPIRED...). */
abstract class KubeTransportError extends Error {
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined, cause: unknown) {
    super(message, { cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/** The request never got an HTTP answer (refused, unreachable, DNS, reset, no answer in time). */
export class KubeNetworkError extends KubeTransportError {}

/** The server was reached but its certificate is not trusted (wrong CA, wrong name, expired): not a network outage. */
export class KubeTlsError extends KubeTransportError {}

/** The kubeconfig's credential could not be obtained (exec plugin missing or failing, unreadable files). */
export class KubeCredentialError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'KubeCredentialError';
  }
}

/** OpenSSL / Node verification failures: the answer to "why can I not connect" is trust, not the VPN. */
const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
]);

export function isTlsTrustCode(code: string | undefined): boolean {
  return code !== undefined && TLS_TRUST_CODES.has(code);
}

function inChain(err: unknown, test: (e: unknown) => boolean): boolean {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 20; e = (e as { cause?: unknown }).cause, depth++) {
    if (test(e)) return true;
    if (!(e instanceof Error)) break;
  }
  return false;
}

export const isNotFound = (err: unknown): boolean => err instanceof KubeApiError && err.status === 404;
export const isAlreadyExists = (err: unknown): boolean => err instanceof KubeApiError && err.status === 409 && err.reason === 'AlreadyExists';
export const isConflict = (err: unknown): boolean => err instanceof KubeApiError && err.status === 409 && err.reason !== 'AlreadyExists';
export const isForbidden = (err: unknown): boolean => err instanceof KubeApiError && err.status === 403;
export const isGone = (err: unknown): boolean => err instanceof KubeApiError && err.status === 410;
export const isUnauthenticated = (err: unknown): boolean => inChain(err, (e) => e instanceof KubeApiError && e.status === 401);
/** A 403 anywhere in the cause chain; the innermost API error, for its message. */
export function forbiddenCause(err: unknown): KubeApiError | undefined {
  let found: KubeApiError | undefined;
  inChain(err, (e) => {
    if (e instanceof KubeApiError && e.status === 403) found = e;
    return found !== undefined;
  });
  return found;
}
export const isCredentialFailure = (err: unknown): boolean => inChain(err, (e) => e instanceof KubeCredentialError);
export const isTlsFailure = (err: unknown): boolean => inChain(err, (e) => e instanceof KubeTlsError);

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
  if (isTlsFailure(err)) return false;
  return inChain(err, (e) => {
    if (e instanceof KubeNetworkError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && networkErrnos.has(code)) return true;
    return e instanceof Error && !(e instanceof StructuredError) && networkMessageFragments.some((f) => e.message.includes(f));
  });
}

/** Worth retrying inside a watch loop: the server went away or is overloaded, not a real answer. */
export function isTransient(err: unknown): boolean {
  if (isNetworkError(err)) return true;
  return err instanceof KubeApiError && (err.status >= 500 || err.status === 429);
}
