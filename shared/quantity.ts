import { ErrorCode, newError } from './errors.ts';

/** A resource name to quantity map, quantities kept exactly as written (the API server canonicalises). */
export type ResourceList = Record<string, string>;

// resource.ParseQuantity's grammar: signed decimal number, then a binary-SI, decimal-SI or exponent suffix.
const quantityPattern = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

export function isQuantity(value: string): boolean {
  return quantityPattern.test(value);
}

const suffixFactor: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

/** The quantity's numeric value (for comparisons; precise enough for requests against limits). */
export function quantityValue(quantity: string): number {
  const match = quantityPattern.exec(quantity);
  if (!match) return Number.NaN;
  const suffix = match[3] ?? '';
  const number = Number(quantity.slice(0, quantity.length - suffix.length));
  if (/^[eE][+-]?\d+$/.test(suffix)) return number * 10 ** Number(suffix.slice(1));
  return number * (suffixFactor[suffix] ?? Number.NaN);
}

/** True for `-1`, `-500m`...; `-0` is zero, not negative. */
export function isNegativeQuantity(quantity: string): boolean {
  return quantity.trim().startsWith('-') && quantityValue(quantity) < 0;
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
    if (isNegativeQuantity(quantity)) throw newError(ErrorCode.InvalidRequest, `entry "${entry}": quantity must not be negative`);
    list[name] = quantity;
  }
  return Object.keys(list).length === 0 ? undefined : list;
}
