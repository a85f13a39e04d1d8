// One tRPC client per signed-in session: subscriptions over a WebSocket, everything else over
// batched HTTP, both carrying the current access token.
import { createWSClient, httpBatchLink, splitLink, wsLink } from '@trpc/client';
import { authStore } from './auth-store';
import { connectionStore, type ConnectionStore } from './connection-store';
import { createReconnectGate } from './reconnect';
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

/** Follows the socket into the connection store, and wakes a waiting reconnect when it may work. */
function watchConnection(
  wsClient: ReturnType<typeof createWSClient>,
  gate: ReturnType<typeof createReconnectGate>,
  store: ConnectionStore,
) {
  let everOpen = false;
  const subscription = wsClient.connectionState.subscribe({
    next: (state) => {
      if (state.state === 'pending') {
        everOpen = true;
        store.set('connected');
      } else if (state.state === 'connecting') {
        store.set(everOpen || state.error ? 'reconnecting' : 'connecting');
      }
    },
  });
  const wake = () => gate.wake();
  const wakeIfShown = () => {
    if (document.visibilityState === 'visible') gate.wake();
  };
  // the browser knows the network is gone before the socket does: give up on it now
  const offline = () => wsClient.connection?.ws.close();
  window.addEventListener('online', wake);
  window.addEventListener('focus', wake);
  window.addEventListener('offline', offline);
  document.addEventListener('visibilitychange', wakeIfShown);
  return () => {
    subscription.unsubscribe();
    window.removeEventListener('online', wake);
    window.removeEventListener('focus', wake);
    window.removeEventListener('offline', offline);
    document.removeEventListener('visibilitychange', wakeIfShown);
  };
}

export function createApiClient() {
  /** The token the open socket authenticated with (the server reads it once, in createContext). */
  let socketToken: string | null = null;
  const gate = createReconnectGate();
  const wsClient = createWSClient({
    // tRPC's own delay is 0: the wait happens here, where a wake can cut it short
    retryDelayMs: () => 0,
    url: async () => {
      await gate.beforeAttempt();
      return socketUrl(window.location);
    },
    onOpen: () => gate.connected(),
    onClose: () => gate.lost(),
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

  const stopWatching = watchConnection(wsClient, gate, connectionStore);
  return {
    client,
    close: () => {
      stopWatching();
      connectionStore.set('connecting');
      return wsClient.close();
    },
  };
}
