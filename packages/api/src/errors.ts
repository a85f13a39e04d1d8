import { sqlState } from '@chat/db';

// Domain errors. Services throw these; each transport maps the code through one table
// (HTTP status + API.md body, TRPCError, /ws error frame).

export const errorStatus = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export interface ValidationIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ValidationIssue[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** TOO_MANY_REQUESTS, with when to try again (REST sends it as `retry-after`). */
export class RateLimitedError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super('TOO_MANY_REQUESTS', `${message}; retry in ${retryAfterSeconds} s`);
  }
}

export const badRequest = (message: string, issues?: ValidationIssue[]) =>
  new AppError('BAD_REQUEST', message, issues);
export const unauthorized = (message = 'Not authenticated') =>
  new AppError('UNAUTHORIZED', message);
export const forbidden = (message: string) => new AppError('FORBIDDEN', message);
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new AppError('CONFLICT', message);
export const serviceUnavailable = (
  message = 'A backing service is unavailable; try again shortly',
) => new AppError('SERVICE_UNAVAILABLE', message);

/** `{ path: "a.b", message }` items from zod's issues, as API.md shows them. */
export function toValidationIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): ValidationIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

// Driver errors that mean Postgres or Redis cannot be reached right now (connection refused or
// lost, server shutting down, SQLSTATE class 08): SERVICE_UNAVAILABLE, not a bug.
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01', // admin shutdown
  '57P03', // cannot connect now
]);

// ioredis's own failures carry no code: a command refused while disconnected (the offline queue
// is off), one that got no answer in commandTimeout, one dropped with its lost connection.
const redisUnavailableMessages = new Set([
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Command timed out',
  'Connection is closed.',
]);

/** Whether an error (or one of its causes) says a backing store is down. */
export function isUnavailable(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if (e instanceof AppError) return e.code === 'SERVICE_UNAVAILABLE';
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && (unavailableCodes.has(code) || code.startsWith('08')))
      return true;
    if (name === 'MaxRetriesPerRequestError') return true;
    if (typeof message === 'string' && redisUnavailableMessages.has(message)) return true;
  }
  return false;
}

/**
 * What the database refuses because of what a request asked for, as the domain error it is —
 * the one table from SQLSTATE to a client's 4xx, for every transport. Nothing was written: the
 * statement (and its transaction) failed as a whole.
 */
export function fromDatabaseError(error: unknown): AppError | undefined {
  const state = sqlState(error);
  if (!state) return undefined;
  switch (state) {
    case '23503': // foreign_key_violation: it refers to a row that is gone (a deleted user…)
      return notFound('Something the request refers to');
    case '23505': // unique_violation
      return conflict('That already exists');
    case '23502': // not_null_violation
    case '23514': // check_violation
      return badRequest('The request is missing or breaks a required value');
    case '40001': // serialization_failure
    case '40P01': // deadlock_detected
      return new AppError('SERVICE_UNAVAILABLE', 'The database was busy; try again');
  }
  // class 22, data exception: a value Postgres cannot store (a NUL in a text, a date out of range)
  if (state.startsWith('22'))
    return badRequest('The request contains a value that cannot be stored');
  return undefined;
}
