/**
 * Kubeconfig loading with kubectl's semantics: an explicit path wins; otherwise every file in
 * $KUBECONFIG is merged with the first definition of each cluster, user and context (and the first
 * current-context) winning, missing and empty files skipped; otherwise ~/.kube/config. Relative paths
 * resolve against the file that names them. Parse errors never echo file content (kubeconfigs hold
 * tokens and keys): they name the file, line and column only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { ErrorCode, newError } from '../../shared/errors.ts';

export interface KubeconfigSource {
  /** An explicit kubeconfig file (the CLI's --kubeconfig); overrides $KUBECONFIG. */
  kubeconfigPath?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ClusterEntry {
  name: string;
  server: string;
  caFile?: string;
  caData?: string;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

export interface ExecConfig {
  apiVersion: string;
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  installHint?: string;
  provideClusterInfo: boolean;
}

export interface UserEntry {
  name: string;
  token?: string;
  tokenFile?: string;
  clientCertificateFile?: string;
  clientCertificateData?: string;
  clientKeyFile?: string;
  clientKeyData?: string;
  username?: string;
  password?: string;
  impersonate?: string;
  impersonateGroups: string[];
  exec?: ExecConfig;
  authProvider?: { name: string; config: Record<string, string> };
}

export interface ContextEntry {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  /** The kubeconfig file that defines it (with several files, the first that names it, as kubectl). */
  file: string;
}

export interface LoadedKubeconfig {
  files: string[];
  clusters: ClusterEntry[];
  users: UserEntry[];
  contexts: ContextEntry[];
  currentContext: string;
}

/** One context with its cluster and user resolved: everything a client needs. */
export interface ResolvedContext {
  name: string;
  cluster: ClusterEntry;
  user: UserEntry;
  namespace?: string;
}

export function kubeconfigFiles(source: KubeconfigSource = {}): string[] {
  if (source.kubeconfigPath) return [path.resolve(source.kubeconfigPath)];
  const env = source.env ?? process.env;
  if (env.KUBECONFIG) {
    return env.KUBECONFIG.split(path.delimiter)
      .filter((f) => f !== '')
      .map((f) => path.resolve(f));
  }
  return [path.join(homedir(), '.kube', 'config')];
}

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function invalidEntry(file: string, what: string): never {
  throw newError(ErrorCode.InvalidRequest, `kubeconfig ${file}: ${what}; fix the file or remove the entry`);
}

/** Named list entries (`- name: x\n  cluster: {...}`); entries without a name are skipped as kubectl does. */
function namedEntries(file: string, doc: Raw, listKey: string, bodyKey: string): { name: string; body: Raw }[] {
  const list = doc[listKey];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) invalidEntry(file, `"${listKey}" must be a list`);
  return list.flatMap((item: unknown) => {
    if (!isRecord(item) || !str(item.name)) return [];
    return [{ name: item.name as string, body: isRecord(item[bodyKey]) ? item[bodyKey] : {} }];
  });
}

function resolvePath(dir: string, file: string | undefined): string | undefined {
  return file === undefined ? undefined : path.resolve(dir, file);
}

function parseCluster(dir: string, name: string, body: Raw): ClusterEntry {
  return {
    name,
    server: str(body.server) ?? '',
    caFile: resolvePath(dir, str(body['certificate-authority'])),
    caData: str(body['certificate-authority-data']),
    insecureSkipTlsVerify: body['insecure-skip-tls-verify'] === true,
    tlsServerName: str(body['tls-server-name']),
    proxyUrl: str(body['proxy-url']),
  };
}

function parseExec(file: string, dir: string, userName: string, exec: Raw): ExecConfig {
  const command = str(exec.command);
  if (!command) invalidEntry(file, `user "${userName}" has an exec credential plugin without a command`);
  const env = Array.isArray(exec.env) ? exec.env.filter(isRecord).map((e) => ({ name: String(e.name ?? ''), value: String(e.value ?? '') })) : [];
  return {
    apiVersion: str(exec.apiVersion) ?? 'client.authentication.k8s.io/v1',
    // client-go resolves a relative exec command only when it contains a path separator.
    command: command.includes('/') && !path.isAbsolute(command) ? path.join(dir, command) : command,
    args: Array.isArray(exec.args) ? exec.args.map(String) : [],
    env,
    installHint: str(exec.installHint),
    provideClusterInfo: exec.provideClusterInfo === true,
  };
}

function parseUser(file: string, dir: string, name: string, body: Raw): UserEntry {
  const authProvider = isRecord(body['auth-provider']) ? body['auth-provider'] : undefined;
  return {
    name,
    token: str(body.token),
    tokenFile: resolvePath(dir, str(body.tokenFile)),
    clientCertificateFile: resolvePath(dir, str(body['client-certificate'])),
    clientCertificateData: str(body['client-certificate-data']),
    clientKeyFile: resolvePath(dir, str(body['client-key'])),
    clientKeyData: str(body['client-key-data']),
    username: str(body.username),
    password: str(body.password),
    impersonate: str(body.as),
    impersonateGroups: Array.isArray(body['as-groups']) ? body['as-groups'].map(String) : [],
    ...(isRecord(body.exec) ? { exec: parseExec(file, dir, name, body.exec) } : {}),
    ...(authProvider
      ? { authProvider: { name: String(authProvider.name ?? ''), config: isRecord(authProvider.config) ? (authProvider.config as Record<string, string>) : {} } }
      : {}),
  };
}

/** The parsed file, or undefined for an empty one. */
function readKubeconfigFile(file: string): Omit<LoadedKubeconfig, 'files'> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw newError(ErrorCode.InvalidRequest, `cannot read kubeconfig ${file}: ${(err as NodeJS.ErrnoException).code ?? 'read error'}`);
  }
  if (text.trim() === '') return undefined;
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: false });
  const syntax = doc.errors[0];
  if (syntax) {
    // The yaml library's own message quotes the offending lines, which may hold a token: report the position only.
    const line = syntax.linePos?.[0];
    const where = line ? ` at line ${line.line}, column ${line.col}` : '';
    throw newError(ErrorCode.InvalidRequest, `kubeconfig ${file} is not valid YAML${where} (${syntax.code}); fix the file or point --kubeconfig elsewhere`);
  }
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) return undefined;
  if (!isRecord(raw)) invalidEntry(file, 'the document is not a mapping');
  const dir = path.dirname(file);
  return {
    clusters: namedEntries(file, raw, 'clusters', 'cluster').map((e) => parseCluster(dir, e.name, e.body)),
    users: namedEntries(file, raw, 'users', 'user').map((e) => parseUser(file, dir, e.name, e.body)),
    contexts: namedEntries(file, raw, 'contexts', 'context').map((e) => ({
      name: e.name,
      file,
      cluster: str(e.body.cluster) ?? '',
      user: str(e.body.user) ?? '',
      ...(str(e.body.namespace) ? { namespace: str(e.body.namespace) } : {}),
    })),
    currentContext: str(raw['current-context']) ?? '',
  };
}

/** Appends the entries whose names are new; linear in the number of entries. */
export function mergeFirstWins<T extends { name: string }>(into: T[], seen: Set<string>, from: readonly T[]): void {
  for (const item of from) {
    if (seen.has(item.name)) continue;
    seen.add(item.name);
    into.push(item);
  }
}

export function loadKubeconfig(source: KubeconfigSource = {}): LoadedKubeconfig {
  const files = kubeconfigFiles(source);
  const explicit = source.kubeconfigPath !== undefined;
  const merged: LoadedKubeconfig = { files: [], clusters: [], users: [], contexts: [], currentContext: '' };
  const seen = { clusters: new Set<string>(), users: new Set<string>(), contexts: new Set<string>() };
  for (const file of files) {
    if (!existsSync(file)) {
      if (explicit) throw newError(ErrorCode.InvalidRequest, `kubeconfig file ${file} does not exist; check --kubeconfig`);
      continue;
    }
    const parsed = readKubeconfigFile(file);
    if (!parsed) continue;
    merged.files.push(file);
    mergeFirstWins(merged.clusters, seen.clusters, parsed.clusters);
    mergeFirstWins(merged.users, seen.users, parsed.users);
    mergeFirstWins(merged.contexts, seen.contexts, parsed.contexts);
    if (merged.currentContext === '' && parsed.currentContext) merged.currentContext = parsed.currentContext;
  }
  if (merged.files.length === 0) {
    throw newError(ErrorCode.InvalidRequest, `no kubeconfig found (looked at ${files.join(', ')}); pass --kubeconfig or set KUBECONFIG`);
  }
  return merged;
}

function available(loaded: LoadedKubeconfig): string {
  return loaded.contexts.map((c) => c.name).join(', ') || 'none';
}

/** One context with its cluster and user, or an error that says what is missing and how to fix it. */
export function resolveContext(loaded: LoadedKubeconfig, contextName?: string): ResolvedContext {
  const name = contextName || loaded.currentContext;
  if (!name) throw newError(ErrorCode.InvalidRequest, `the kubeconfig has no current-context; pass --context (available: ${available(loaded)})`);
  const context = loaded.contexts.find((c) => c.name === name);
  if (!context) throw newError(ErrorCode.NotFound, `context "${name}" not found in kubeconfig (available: ${available(loaded)})`);
  if (context.cluster === '') throw newError(ErrorCode.InvalidRequest, `context "${name}" names no cluster; add "cluster:" to the context in the kubeconfig`);
  const cluster = loaded.clusters.find((c) => c.name === context.cluster);
  if (!cluster) throw newError(ErrorCode.InvalidRequest, `context "${name}" refers to cluster "${context.cluster}", which the kubeconfig does not define`);
  if (cluster.server === '') throw newError(ErrorCode.InvalidRequest, `cluster "${cluster.name}" of context "${name}" has no server URL; add "server:" to it in the kubeconfig`);
  if (context.user === '') {
    throw newError(ErrorCode.InvalidRequest, `context "${name}" names no user; add "user:" to the context in the kubeconfig (kubectl would send no credentials)`);
  }
  const user = loaded.users.find((u) => u.name === context.user);
  if (!user) throw newError(ErrorCode.InvalidRequest, `context "${name}" refers to user "${context.user}", which the kubeconfig does not define`);
  return { name, cluster, user, ...(context.namespace ? { namespace: context.namespace } : {}) };
}
