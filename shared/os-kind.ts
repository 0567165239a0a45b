import { ErrorCode, newError } from './errors.ts';

/** The recipe OS criteria values (pkg/recipe/oskind). `talos` changes the agent's pod spec. */
export const OS_KINDS = ['any', 'ubuntu', 'rhel', 'cos', 'amazonlinux', 'ol', 'talos', 'sles'] as const;
export type OsKind = (typeof OS_KINDS)[number];
export const TALOS: OsKind = 'talos';

/** Normalises an `--os` value (case and surrounding space are forgiven); empty means unset. */
export function parseOsKind(text: string): OsKind | '' {
  const value = text.trim().toLowerCase();
  if (value === '') return '';
  if ((OS_KINDS as readonly string[]).includes(value)) return value as OsKind;
  throw newError(ErrorCode.InvalidRequest, `unknown OS "${text}", expected one of: ${OS_KINDS.join(', ')}`);
}
