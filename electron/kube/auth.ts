/**
 * How requests of one context authenticate and which TLS they trust, from its kubeconfig entries:
 * CA, tls-server-name and insecure-skip-tls-verify; bearer token (inline or tokenFile, re-read every
 * minute as client-go does), basic auth, client certificates, impersonation, exec plugins, and the
 * legacy oidc auth-provider's id-token.
 */
import { readFileSync } from 'node:fs';
import { execCredential, invalidateExecCredential } from './exec-credential.ts';
import { KubeCredentialError } from './errors.ts';
import type { ResolvedContext } from './kubeconfig.ts';

export interface TlsSettings {
  ca?: Buffer;
  servername?: string;
  rejectUnauthorized: boolean;
}

export interface RequestCredentials {
  headers: Record<string, string | string[]>;
  cert?: Buffer;
  key?: Buffer;
}

const TOKEN_FILE_REFRESH_MS = 60_000;

function fileOrData(what: string, file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file) {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new KubeCredentialError(`cannot read ${what} file ${file} (${(err as NodeJS.ErrnoException).code ?? 'read error'}); fix the path in the kubeconfig`, err);
    }
  }
  return data ? Buffer.from(data, 'base64') : undefined;
}

export class ContextAuth {
  private readonly context: ResolvedContext;
  private tokenFromFile: { token: string; readAt: number } | undefined;
  private staticCert: { cert?: Buffer; key?: Buffer } | undefined;

  constructor(context: ResolvedContext) {
    this.context = context;
    const provider = context.user.authProvider;
    if (provider && provider.name !== 'oidc') {
      throw new KubeCredentialError(
        `user "${context.user.name}" uses the "${provider.name}" auth-provider, which kubectl no longer supports; switch the kubeconfig to its exec credential plugin (for example gke-gcloud-auth-plugin or kubelogin)`,
        undefined,
      );
    }
  }

  tls(): TlsSettings {
    const { cluster } = this.context;
    const ca = fileOrData('certificate-authority', cluster.caFile, cluster.caData);
    return {
      ...(ca ? { ca } : {}),
      ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
      rejectUnauthorized: !cluster.insecureSkipTlsVerify,
    };
  }

  /** True when the credential comes from an exec plugin, i.e. a 401 may be cured by running it again. */
  get usesExecPlugin(): boolean {
    return this.context.user.exec !== undefined;
  }

  /** Drops a cached plugin credential the server refused. */
  invalidate(): void {
    const { user, cluster } = this.context;
    if (user.exec) invalidateExecCredential(user.exec, cluster);
  }

  async credentials(signal?: AbortSignal): Promise<RequestCredentials> {
    const { user, cluster } = this.context;
    const headers: Record<string, string | string[]> = {};
    this.staticCert ??= {
      cert: fileOrData('client-certificate', user.clientCertificateFile, user.clientCertificateData),
      key: fileOrData('client-key', user.clientKeyFile, user.clientKeyData),
    };
    let { cert, key } = this.staticCert;
    const token = user.token ?? this.fileToken() ?? user.authProvider?.config['id-token'];
    if (token) headers.Authorization = `Bearer ${token.trim()}`;
    else if (user.username !== undefined) headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
    if (user.exec && !token) {
      const credential = await execCredential(user.exec, cluster, signal);
      if (credential.token) headers.Authorization = `Bearer ${credential.token}`;
      if (credential.clientCertificateData && credential.clientKeyData) {
        cert = Buffer.from(credential.clientCertificateData);
        key = Buffer.from(credential.clientKeyData);
      }
    }
    if (user.impersonate) headers['Impersonate-User'] = user.impersonate;
    // One header per group, as client-go sends them.
    if (user.impersonateGroups.length > 0) headers['Impersonate-Group'] = user.impersonateGroups;
    return { headers, ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
  }

  private fileToken(): string | undefined {
    const file = this.context.user.tokenFile;
    if (!file) return undefined;
    if (!this.tokenFromFile || Date.now() - this.tokenFromFile.readAt > TOKEN_FILE_REFRESH_MS) {
      const token = fileOrData('tokenFile', file, undefined)?.toString('utf8').trim() ?? '';
      this.tokenFromFile = { token, readAt: Date.now() };
    }
    return this.tokenFromFile.token || undefined;
  }
}
