import { ErrorCode, newError } from './errors.ts';

const unitMillis: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const durationPattern = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/** Node's timers (and so every deadline here) cannot wait longer than 2^31-1 ms, about 24.8 days. */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** Parses Go-style durations (`5m`, `90s`, `1h30m`, `500ms`, `0`) into milliseconds. */
export function parseDuration(text: string): number {
  const value = text.trim();
  if (value === '0') return 0;
  if (!durationPattern.test(value)) {
    throw newError(ErrorCode.InvalidRequest, `invalid duration "${text}", expected a number with a unit such as 90s, 5m or 1h30m`);
  }
  let total = 0;
  for (const match of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(match[1]) * (unitMillis[match[2] as string] as number);
  }
  const ms = Math.round(total);
  if (!Number.isFinite(ms) || ms > MAX_DURATION_MS) {
    throw newError(ErrorCode.InvalidRequest, `duration "${text.length > 40 ? `${text.slice(0, 40)}...` : text}" is too long; the maximum is ${formatDuration(MAX_DURATION_MS)}`);
  }
  return ms;
}

/** Renders milliseconds the way Go's time.Duration prints them (`5m0s`, `1m30s`, `500ms`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
