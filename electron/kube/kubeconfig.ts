/**
 * Kubeconfig loading with kubectl's semantics, which client-node's loadFromDefault does not follow:
 * an explicit path wins; otherwise every file in $KUBECONFIG is merged with the first definition of
 * each cluster, user and context (and the first current-context) winning, missing files skipped;
 * otherwise ~/.kube/config. Relative paths resolve against the file that names them.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { ErrorCode, newError, wrapError } from '../../shared/errors.ts';

export interface KubeconfigSource {
  /** An explicit kubeconfig file (the CLI's --kubeconfig); overrides $KUBECONFIG. */
  kubeconfigPath?: string;
  env?: NodeJS.ProcessEnv;
}

export interface LoadedKubeconfig {
  files: string[];
  clusters: Cluster[];
  users: User[];
  contexts: Context[];
  currentContext: string;
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

function absolutiseExecCommand(user: User, dir: string): User {
  const command: unknown = user.exec?.command;
  // client-go resolves a relative exec command only when it contains a path separator.
  if (typeof command === 'string' && command.includes('/') && !path.isAbsolute(command)) {
    return { ...user, exec: { ...user.exec, command: path.join(dir, command) } };
  }
  return user;
}

function loadFile(file: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file, { onInvalidEntry: 'filter' });
  } catch (err) {
    throw wrapError(ErrorCode.InvalidRequest, `cannot read kubeconfig ${file}`, err);
  }
  kc.users = kc.users.map((u) => absolutiseExecCommand(u, path.dirname(file)));
  return kc;
}

export function loadKubeconfig(source: KubeconfigSource = {}): LoadedKubeconfig {
  const files = kubeconfigFiles(source);
  const explicit = source.kubeconfigPath !== undefined;
  const merged: LoadedKubeconfig = { files: [], clusters: [], users: [], contexts: [], currentContext: '' };
  for (const file of files) {
    if (!existsSync(file)) {
      if (explicit) throw newError(ErrorCode.InvalidRequest, `kubeconfig file ${file} does not exist; check --kubeconfig`);
      continue;
    }
    const kc = loadFile(file);
    merged.files.push(file);
    const firstWins = <T extends { name: string }>(into: T[], from: T[]) => {
      for (const item of from) if (!into.some((x) => x.name === item.name)) into.push(item);
    };
    firstWins(merged.clusters, kc.clusters);
    firstWins(merged.users, kc.users);
    firstWins(merged.contexts, kc.contexts);
    if (merged.currentContext === '' && kc.currentContext) merged.currentContext = kc.currentContext;
  }
  if (merged.files.length === 0) {
    throw newError(ErrorCode.InvalidRequest, `no kubeconfig found (looked at ${files.join(', ')}); pass --kubeconfig or set KUBECONFIG`);
  }
  return merged;
}

/**
 * A KubeConfig bound to one context. Each context gets its own instance because client-node reads
 * auth from the *current* context on every request; sharing one and switching would race.
 */
export function kubeConfigForContext(loaded: LoadedKubeconfig, contextName?: string): KubeConfig {
  const name = contextName || loaded.currentContext;
  if (!name) {
    throw newError(ErrorCode.InvalidRequest, `the kubeconfig has no current-context; pass --context (available: ${loaded.contexts.map((c) => c.name).join(', ') || 'none'})`);
  }
  const context = loaded.contexts.find((c) => c.name === name);
  if (!context) {
    throw newError(ErrorCode.NotFound, `context "${name}" not found in kubeconfig (available: ${loaded.contexts.map((c) => c.name).join(', ') || 'none'})`);
  }
  if (!loaded.clusters.some((c) => c.name === context.cluster)) {
    throw newError(ErrorCode.InvalidRequest, `context "${name}" refers to cluster "${context.cluster}", which the kubeconfig does not define`);
  }
  if (!loaded.users.some((u) => u.name === context.user)) {
    throw newError(ErrorCode.InvalidRequest, `context "${name}" refers to user "${context.user}", which the kubeconfig does not define`);
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: loaded.clusters, users: loaded.users, contexts: loaded.contexts, currentContext: name });
  return kc;
}
