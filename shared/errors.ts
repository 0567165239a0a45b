/**
 * Structured errors with the reference package's codes (pkg/errors), plus CANCELLED for runs a user
 * stopped. `message` is what a user reads; `toString()` renders the reference's `[CODE] message: cause`
 * form used by the CLI. Errors turn into plain data and back (toPlainError / fromPlainError) so they
 * cross IPC and WebSockets intact.
 */
export const ErrorCode = {
  InvalidRequest: 'INVALID_REQUEST',
  NotFound: 'NOT_FOUND',
  Unauthorized: 'UNAUTHORIZED',
  Timeout: 'TIMEOUT',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  RateLimitExceeded: 'RATE_LIMIT_EXCEEDED',
  Internal: 'INTERNAL',
  MethodNotAllowed: 'METHOD_NOT_ALLOWED',
  Cancelled: 'CANCELLED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const exitCodes: Record<ErrorCode, number> = {
  INVALID_REQUEST: 2,
  NOT_FOUND: 3,
  UNAUTHORIZED: 4,
  TIMEOUT: 5,
  SERVICE_UNAVAILABLE: 6,
  RATE_LIMIT_EXCEEDED: 7,
  INTERNAL: 8,
  METHOD_NOT_ALLOWED: 2,
  CANCELLED: 130,
};

/** Extra machine-readable facts about a failure (never part of the rendered message, as in the reference). */
export type ErrorContext = Record<string, unknown>;

export class StructuredError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;
  /** The message without the code prefix or cause. */
  readonly summary: string;

  constructor(code: ErrorCode, summary: string, options: { cause?: unknown; context?: ErrorContext } = {}) {
    const causeText = options.cause === undefined ? '' : `: ${describeError(options.cause)}`;
    super(`[${code}] ${summary}${causeText}`, { cause: options.cause });
    this.name = 'StructuredError';
    this.code = code;
    this.summary = summary;
    this.context = options.context ?? {};
  }
}

export function newError(code: ErrorCode, summary: string, context?: ErrorContext): StructuredError {
  return new StructuredError(code, summary, { context });
}

export function wrapError(code: ErrorCode, summary: string, cause: unknown, context?: ErrorContext): StructuredError {
  return new StructuredError(code, summary, { cause, context });
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The process exit code for an error: the outermost structured error decides; anything else is INTERNAL's 8. */
export function exitCodeFor(err: unknown): number {
  return err instanceof StructuredError ? exitCodes[err.code] : exitCodes.INTERNAL;
}

export function isStructuredError(err: unknown, code?: ErrorCode): err is StructuredError {
  return err instanceof StructuredError && (code === undefined || err.code === code);
}

/** A run stopped on purpose (Cancel, Ctrl-C, SIGTERM): its own code, never mistaken for a failure. */
export function cancelledError(reason = 'cancelled'): StructuredError {
  return newError(ErrorCode.Cancelled, reason);
}

/** An error as plain JSON-safe data: what IPC and WebSockets carry. */
export interface PlainError {
  code: ErrorCode;
  message: string;
  summary: string;
  /** The guidance paragraphs of the summary (after its first line), for a UI to show apart. */
  guidance: string;
  details: Record<string, unknown>;
  /** Each cause's message, outermost first. */
  causes: string[];
}

/** Keeps only JSON-representable values, so details survive structured cloning and JSON alike. */
function plainValue(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (depth > 8) return '[nested too deeply]';
  if (Array.isArray(value)) return value.map((v) => plainValue(v, depth + 1));
  if (value instanceof Error) return describeError(value);
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined && typeof v !== 'function')
        .map(([k, v]) => [k, plainValue(v, depth + 1)]),
    );
  }
  return String(value);
}

export function toPlainError(err: unknown): PlainError {
  const structured = err instanceof StructuredError ? err : wrapError(ErrorCode.Internal, describeError(err), undefined);
  const causes: string[] = [];
  for (let c: unknown = structured.cause; c !== undefined && c !== null && causes.length < 20; c = (c as { cause?: unknown }).cause) {
    causes.push(describeError(c));
    if (!(c instanceof Error)) break;
  }
  const newline = structured.summary.indexOf('\n');
  return {
    code: structured.code,
    message: structured.message,
    summary: structured.summary,
    guidance: newline === -1 ? '' : structured.summary.slice(newline + 1).trim(),
    details: plainValue(structured.context) as Record<string, unknown>,
    causes,
  };
}

/** The StructuredError a PlainError describes; its message reads exactly as the original's. */
export function fromPlainError(plain: PlainError): StructuredError {
  const code = (Object.values(ErrorCode) as string[]).includes(plain.code) ? plain.code : ErrorCode.Internal;
  const cause = plain.causes.reduceRight<Error | undefined>((inner, message) => new Error(message, inner ? { cause: inner } : undefined), undefined);
  return new StructuredError(code, plain.summary, { ...(cause ? { cause } : {}), context: plain.details });
}
