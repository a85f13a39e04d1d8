// The REST auth endpoints (API.md): signing in needs no tRPC client, and refreshing must not go
// through the link that itself asks for refreshes.
import type { Session, TokenPair } from './api-types';
import { RefreshRejectedError } from './token-refresher';

export interface ApiIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const payload = (await response.json().catch(() => null)) as unknown;
  if (response.ok) return payload as T;
  const error = (
    payload as { error?: { code?: string; message?: string; issues?: ApiIssue[] } } | null
  )?.error;
  throw new ApiError(
    response.status,
    error?.code ?? 'HTTP_ERROR',
    error?.message ?? `Request failed (${response.status})`,
    error?.issues ?? [],
  );
}

export function register(input: { username: string; email: string; password: string }) {
  return post<Session>('/api/auth/register', input);
}

export function login(input: { login: string; password: string }) {
  const key = input.login.includes('@') ? 'email' : 'username';
  return post<Session>('/api/auth/login', { [key]: input.login, password: input.password });
}

export async function refresh(refreshToken: string): Promise<TokenPair> {
  try {
    return await post<TokenPair>('/api/auth/refresh', { refreshToken });
  } catch (error) {
    // 401 (or a malformed token): this session is over; anything else may pass, so try again later
    if (error instanceof ApiError && (error.status === 401 || error.status === 400)) {
      throw new RefreshRejectedError(error.message);
    }
    throw error;
  }
}

/** A sentence for the user: the message plus what was wrong with which field. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const details = error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return details ? `${error.message} (${details})` : error.message;
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}
