// The access token every request carries: refreshed shortly before it expires, and again when
// the server refuses it anyway (clock skew, a restarted server).
import { refresh as requestRefresh } from './auth-api';
import { authStore } from './auth-store';
import { expiresSoon } from './jwt';
import { createTokenRefresher } from './token-refresher';

const refresher = createTokenRefresher({
  read: () => authStore.tokens(),
  write: (tokens) => authStore.setTokens(tokens),
  expire: () => authStore.signOut(),
  request: requestRefresh,
  // Tabs share the refresh token; two tabs rotating it at once would look like a stolen token.
  withLock: typeof navigator !== 'undefined' && 'locks' in navigator ? withTabLock : undefined,
});

function withTabLock<T>(run: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    navigator.locks.request('chat.refresh-token', () => run().then(resolve, reject)).catch(reject);
  });
}

/** A token for a request about to be sent: the stored one, or a new one if it is about to expire. */
export async function freshAccessToken(): Promise<string | null> {
  const token = authStore.tokens()?.accessToken ?? null;
  if (token === null || !expiresSoon(token, Date.now())) return token;
  return refresher.refresh(token);
}

/** After the server refused `stale`: a new token, or null when the session is over. */
export function replaceAccessToken(stale: string | null): Promise<string | null> {
  return refresher.refresh(stale);
}
