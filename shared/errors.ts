/**
 * Structured errors with the reference package's codes (pkg/errors). `message` is what a user reads;
 * `toString()` renders the reference's `[CODE] message: cause` form used by the CLI.
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

/** The process exit code for an error: the outermost structured error decides; anything else is 1. */
export function exitCodeFor(err: unknown): number {
  return err instanceof StructuredError ? exitCodes[err.code] : 1;
}

export function isStructuredError(err: unknown, code?: ErrorCode): err is StructuredError {
  return err instanceof StructuredError && (code === undefined || err.code === code);
}
