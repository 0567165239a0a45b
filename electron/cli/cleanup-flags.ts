/** The flags of `aicr-studio cleanup`, apart from the command so help and parsing load no cluster code. */
import type { FlagSpec } from './flags.ts';
import { CONTEXT_FLAGS } from './snapshot-options.ts';

export const CLEANUP_FLAGS: FlagSpec[] = [
  ...CONTEXT_FLAGS,
  { name: 'namespace', alias: 'n', kind: 'string', usage: 'only runs whose agent namespace is this one', defaultText: 'all namespaces' },
  { name: 'run-id', kind: 'string', usage: 'delete what this run left (even if its Job is still active)' },
  { name: 'all-finished', kind: 'bool', usage: 'delete what every run with no active Job left' },
];
