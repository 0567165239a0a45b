import { ErrorCode, newError } from './errors.ts';

/** A resource name to quantity map, quantities kept exactly as written (the API server canonicalises). */
export type ResourceList = Record<string, string>;

// resource.ParseQuantity's grammar: signed decimal number, then a binary-SI, decimal-SI or exponent suffix.
const quantityPattern = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

export function isQuantity(value: string): boolean {
  return quantityPattern.test(value);
}

/**
 * Parses `cpu=500m,memory=1Gi` (reference parseResourceList): blank input means no override
 * (undefined), empty entries are skipped, every entry needs a name and a valid quantity.
 */
export function parseResourceList(spec: string): ResourceList | undefined {
  const trimmed = spec.trim();
  if (trimmed === '') return undefined;
  const list: ResourceList = {};
  for (const rawEntry of trimmed.split(',')) {
    const entry = rawEntry.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    if (eq === -1) throw newError(ErrorCode.InvalidRequest, `entry "${entry}" is not in name=quantity form`);
    const name = entry.slice(0, eq).trim();
    const quantity = entry.slice(eq + 1).trim();
    if (name === '' || quantity === '') throw newError(ErrorCode.InvalidRequest, `entry "${entry}" has empty name or quantity`);
    if (!isQuantity(quantity)) {
      throw newError(ErrorCode.InvalidRequest, `entry "${entry}": quantity "${quantity}" must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (e.g. 500m, 2, 1Gi)`);
    }
    list[name] = quantity;
  }
  return Object.keys(list).length === 0 ? undefined : list;
}
