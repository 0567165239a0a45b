import { ErrorCode, newError } from './errors.ts';
import { labelKeyErrors, labelValueErrors } from './k8s-names.ts';

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export type TaintEffect = (typeof TAINT_EFFECTS)[number];

export interface Toleration {
  key?: string;
  operator: 'Equal' | 'Exists';
  value?: string;
  effect?: TaintEffect;
}

/** What the reference uses when no toleration is given: tolerate every taint. */
export const TOLERATE_ALL: Toleration = { operator: 'Exists' };

function isTaintEffect(value: string): value is TaintEffect {
  return (TAINT_EFFECTS as readonly string[]).includes(value);
}

/**
 * Parses one `key=value:effect`, `key:effect` or `*` entry with the reference's rules (TARGET
 * ParseTolerations): an empty value means `Exists`, an empty key is allowed, the effect is
 * case-sensitive. Key and value syntax are also checked here.
 */
export function parseToleration(entry: string): Toleration {
  if (entry === '*') return { ...TOLERATE_ALL };
  const parts = entry.split(':');
  if (parts.length !== 2) {
    throw newError(ErrorCode.InvalidRequest, `invalid format "${entry}", expected key=value:effect or key:effect`);
  }
  const [left, effect] = parts as [string, string];
  if (!isTaintEffect(effect)) {
    throw newError(ErrorCode.InvalidRequest, `invalid taint effect "${effect}", expected NoSchedule, PreferNoSchedule, or NoExecute`);
  }
  const eq = left.indexOf('=');
  const key = eq === -1 ? left : left.slice(0, eq);
  const value = eq === -1 ? '' : left.slice(eq + 1);
  if (key !== '') {
    const problems = labelKeyErrors(key);
    if (problems.length > 0) throw newError(ErrorCode.InvalidRequest, `invalid toleration key "${key}" in "${entry}": ${problems.join('; ')}`);
  }
  const valueProblems = labelValueErrors(value);
  if (valueProblems.length > 0) {
    throw newError(ErrorCode.InvalidRequest, `invalid toleration value "${value}" in "${entry}": ${valueProblems.join('; ')}`);
  }
  const toleration: Toleration = value === '' ? { operator: 'Exists', effect } : { operator: 'Equal', value, effect };
  return key === '' ? toleration : { key, ...toleration };
}

/** No entries means tolerate all; any entry replaces that default. One bad entry fails the list. */
export function parseTolerations(entries: readonly string[]): Toleration[] {
  if (entries.length === 0) return [{ ...TOLERATE_ALL }];
  return entries.map(parseToleration);
}
