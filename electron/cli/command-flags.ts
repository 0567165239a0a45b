/** The flags of `aicr-studio cleanup` and `serve`, apart from the commands so help and parsing load no cluster code. */
import type { FlagSpec } from './flags.ts';
import { CONTEXT_FLAGS } from './snapshot-options.ts';

export const CLEANUP_FLAGS: FlagSpec[] = [
  ...CONTEXT_FLAGS,
  { name: 'namespace', alias: 'n', kind: 'string', usage: 'only runs whose agent namespace is this one', defaultText: 'all namespaces' },
  { name: 'run-id', kind: 'string', usage: 'delete what this run left (even if its Job is still active)' },
  { name: 'all-finished', kind: 'bool', usage: 'delete what every run with no active Job left' },
];

export const SERVE_FLAGS: FlagSpec[] = [
  { name: 'kubeconfig', alias: 'k', kind: 'string', usage: 'the kubeconfig whose contexts the app offers (fixed while it runs)', defaultText: '$KUBECONFIG, then ~/.kube/config' },
  { name: 'port', kind: 'string', usage: 'port on 127.0.0.1 (0 = any free port)', defaultText: '0' },
  { name: 'library', kind: 'string', usage: 'folder of saved snapshots', defaultText: '$XDG_DATA_HOME/aicr-studio/snapshots' },
  { name: 'renderer', kind: 'string', usage: 'the built renderer to serve', defaultText: '.vite/renderer/main_window' },
];
