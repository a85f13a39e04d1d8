// Swaps the rotating refresh token for a new pair, once at a time. Every caller that finds its
// access token refused waits on the same request: a refresh token works only once, and a second
// use of it would revoke the whole session (the server's reuse detection).
import type { TokenPair } from './api-types';

/** The server refused the refresh token: the session is over. */
export class RefreshRejectedError extends Error {
  constructor(message = 'Session expired') {
    super(message);
    this.name = 'RefreshRejectedError';
  }
}

export interface TokenRefresherOptions {
  read(): TokenPair | null;
  write(tokens: TokenPair): void;
  /** Called when the refresh token is refused; the user has to log in again. */
  expire(): void;
  request(refreshToken: string): Promise<TokenPair>;
  /** Serialises refreshes across tabs sharing the same storage (Web Locks), when available. */
  withLock?: <T>(run: () => Promise<T>) => Promise<T>;
}

export interface TokenRefresher {
  /**
   * A valid access token to use instead of `stale`, or null once the session is over. If the
   * stored token already differs from `stale`, someone else refreshed: that one is returned.
   */
  refresh(stale: string | null): Promise<string | null>;
}

export function createTokenRefresher(options: TokenRefresherOptions): TokenRefresher {
  const withLock = options.withLock ?? ((run) => run());
  let inFlight: Promise<string | null> | null = null;

  const rotate = async (stale: string | null): Promise<string | null> => {
    const current = options.read();
    if (!current) return null;
    if (stale !== null && current.accessToken !== stale) return current.accessToken;
    try {
      const next = await options.request(current.refreshToken);
      options.write(next);
      return next.accessToken;
    } catch (error) {
      if (!(error instanceof RefreshRejectedError)) throw error;
      options.expire();
      return null;
    }
  };

  return {
    refresh(stale) {
      inFlight ??= withLock(() => rotate(stale)).finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}
