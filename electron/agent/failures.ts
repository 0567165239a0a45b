/**
 * What a failure to talk to the cluster means for the user, with the guidance that fits its real
 * cause: unreachable (VPN, endpoint, firewall), untrusted certificate (CA, name), credentials that
 * could not be obtained (plugin) or were refused (401), or missing rights (403).
 */
import { ErrorCode, isStructuredError, wrapError, type StructuredError } from '../../shared/errors.ts';
import { forbiddenCause, isCredentialFailure, isNetworkError, isTlsFailure, isUnauthenticated } from '../kube/errors.ts';

export const UNREACHABLE_GUIDANCE =
  'cannot reach Kubernetes API server\n\nCheck your network connectivity:\n  - Is your VPN connected?\n  - Is the cluster endpoint correct in your kubeconfig?\n  - Are firewall rules allowing egress to the API server?';
export const TLS_GUIDANCE =
  "the API server's TLS certificate is not trusted\n\nThe server was reached, but its certificate does not match the kubeconfig:\n  - Is certificate-authority(-data) the CA of this cluster?\n  - Does the server name match the certificate (tls-server-name)?\n  - Is a proxy intercepting TLS?";
export const CREDENTIAL_GUIDANCE =
  'cannot obtain credentials for the cluster\n\nThe kubeconfig user runs a credential plugin or reads a file that failed. Check that the plugin (for example aws, gke-gcloud-auth-plugin or kubelogin) is installed, on PATH, and logged in.';
export const REJECTED_CREDENTIALS_GUIDANCE =
  'the API server rejected the credentials (401 Unauthorized)\n\nThe token or certificate in the kubeconfig is expired, revoked or for another cluster. Log in again (aws eks update-kubeconfig, gcloud container clusters get-credentials, kubelogin...) or refresh the kubeconfig.';
export const ANONYMOUS_GUIDANCE =
  'the API server does not know who you are (system:anonymous)\n\nThe kubeconfig user sent no credentials the server accepts (basic auth is not supported by most clusters). Use a token, a client certificate or a credential plugin.';
export const INSUFFICIENT_PERMISSIONS_GUIDANCE = 'insufficient permissions to deploy agent\n\nTo deploy the agent, you need cluster admin privileges.';

/** The error a failed cluster call maps to; `what` says what was being done, for failures that fit no class. */
export function connectionFailure(err: unknown, what: string, fallback: ErrorCode = ErrorCode.Internal): StructuredError {
  if (isTlsFailure(err)) return wrapError(ErrorCode.ServiceUnavailable, TLS_GUIDANCE, err);
  if (isNetworkError(err)) return wrapError(ErrorCode.ServiceUnavailable, UNREACHABLE_GUIDANCE, err);
  if (isCredentialFailure(err)) return wrapError(ErrorCode.Unauthorized, CREDENTIAL_GUIDANCE, err);
  if (isUnauthenticated(err)) return wrapError(ErrorCode.Unauthorized, REJECTED_CREDENTIALS_GUIDANCE, err);
  const forbidden = forbiddenCause(err);
  if (forbidden) return wrapError(ErrorCode.Unauthorized, forbidden.message.includes('"system:anonymous"') ? ANONYMOUS_GUIDANCE : `${what}: forbidden`, err);
  if (isStructuredError(err) && err.code !== ErrorCode.Internal) return err;
  return wrapError(fallback, what, err);
}
