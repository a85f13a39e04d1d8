// One tRPC client per signed-in session: subscriptions over a WebSocket, everything else over
// batched HTTP, both carrying the current access token.
import { createWSClient, httpBatchLink, splitLink, wsLink } from '@trpc/client';
import { authStore } from './auth-store';
import { refreshLink } from './refresh-link';
import { freshAccessToken, replaceAccessToken } from './session-tokens';
import { trpc } from './trpc';

/** ws(s)://<this host>/trpc, so the page and its socket always talk to the same server. */
export function socketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/trpc`;
}

function closeSocket(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) return resolve();
    socket.addEventListener('close', () => resolve(), { once: true });
    socket.close();
  });
}

export function createApiClient() {
  /** The token the open socket authenticated with (the server reads it once, in createContext). */
  let socketToken: string | null = null;
  const wsClient = createWSClient({
    url: () => socketUrl(window.location),
    connectionParams: async () => {
      socketToken = await freshAccessToken();
      return { token: socketToken ?? '' };
    },
    lazy: { enabled: true, closeMs: 10_000 },
    keepAlive: { enabled: true, intervalMs: 20_000, pongTimeoutMs: 5_000 },
  });

  const client = trpc.createClient({
    links: [
      refreshLink({
        currentToken: () => authStore.tokens()?.accessToken ?? null,
        socketToken: () => socketToken,
        replaceToken: replaceAccessToken,
        // A socket that authenticated with the old token is closed, and the retry waits for it
        // to be gone, so it goes out on a new socket with the new token.
        beforeRetry: () => {
          const socket = wsClient.connection?.ws;
          if (!socket || socketToken === authStore.tokens()?.accessToken) return Promise.resolve();
          return closeSocket(socket);
        },
      }),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: wsClient }),
        false: httpBatchLink({
          url: '/trpc',
          headers: async () => {
            const token = await freshAccessToken();
            return token ? { authorization: `Bearer ${token}` } : {};
          },
        }),
      }),
    ],
  });

  return { client, close: () => wsClient.close() };
}
