import { ErrorCode, newError } from './errors.ts';
import { labelKeyErrors, labelValueErrors } from './k8s-names.ts';

/**
 * Parses `key=value` node-selector entries (reference ParseNodeSelectors: split on the first '=',
 * later duplicates win, `k=` means an empty value) and, unlike the reference, checks label syntax up
 * front so a bad selector fails here instead of at Job creation.
 */
export function parseNodeSelectors(entries: readonly string[]): Record<string, string> {
  const selector: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq === -1) {
      throw newError(ErrorCode.InvalidRequest, `invalid format "${entry}", expected key=value`);
    }
    const key = entry.slice(0, eq);
    const value = entry.slice(eq + 1);
    const keyProblems = labelKeyErrors(key);
    if (keyProblems.length > 0) {
      throw newError(ErrorCode.InvalidRequest, `invalid label key "${key}" in "${entry}": ${keyProblems.join('; ')}`);
    }
    const valueProblems = labelValueErrors(value);
    if (valueProblems.length > 0) {
      throw newError(ErrorCode.InvalidRequest, `invalid label value "${value}" in "${entry}": ${valueProblems.join('; ')}`);
    }
    selector[key] = value;
  }
  return selector;
}
