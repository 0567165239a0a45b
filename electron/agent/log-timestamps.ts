/**
 * The kubelet's timestamps (pods/log with timestamps=true): `<RFC 3339 with nanoseconds> <line>`.
 */

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;
/** Nanoseconds per unit of the fraction's last digit, by the fraction's length. */
const FRACTION_SCALE = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1];
/**
 * The last whole second parsed: a flood's lines share their second by the thousand, and Date.parse
 * with BigInt arithmetic per line was the largest cost of streaming logs in main.
 */
let lastSeconds = { text: '', nanos: 0n };

/** RFC 3339 with up to nanosecond fraction, as the kubelet prefixes lines with timestamps=true, to epoch nanoseconds. */
export function timestampNanos(rfc3339: string): bigint | undefined {
  const match = RFC3339.exec(rfc3339);
  if (!match) return undefined;
  const seconds = `${match[1]}${match[3]}`;
  if (seconds !== lastSeconds.text) {
    const ms = Date.parse(seconds);
    if (Number.isNaN(ms)) return undefined;
    lastSeconds = { text: seconds, nanos: BigInt(ms) * 1_000_000n };
  }
  const fraction = match[2];
  // Exact: the fraction scaled to nanoseconds is an integer below 1e9.
  return fraction === undefined ? lastSeconds.nanos : lastSeconds.nanos + BigInt(Number(fraction) * (FRACTION_SCALE[fraction.length] as number));
}

/** Splits `<timestamp> <line>`; lines without a parsable timestamp are kept whole. */
export function splitTimestamp(raw: string): { nanos?: bigint; text: string } {
  const space = raw.indexOf(' ');
  const nanos = space > 0 ? timestampNanos(raw.slice(0, space)) : undefined;
  return nanos === undefined ? { text: raw } : { nanos, text: raw.slice(space + 1) };
}

/**
 * A line without its timestamp prefix, recognised by its shape (`YYYY-MM-DDT...`): parsing every
 * line's timestamp was most of main's work in a log flood, and only the last lines of a batch need it.
 */
export function withoutTimestamp(raw: string): string {
  const space = raw.indexOf(' ');
  return space >= 20 && raw.charCodeAt(4) === 45 && raw.charCodeAt(10) === 84 ? raw.slice(space + 1) : raw;
}
