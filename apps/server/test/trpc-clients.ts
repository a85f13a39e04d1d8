// tRPC clients of a server by its URL, one per transport a browser may use for subscriptions
// (wsLink over /trpc's WebSocket, httpSubscriptionLink over SSE), and a recorder of what a
// channel's subscriptions deliver and how they end.
import type { AppRouter, Message } from '@chat/api/server';
import {
  createTRPCClient,
  createWSClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  wsLink,
  type TRPCClient,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import WebSocket from 'ws';

export type Transport = 'websocket' | 'sse';

export interface TrpcConnection {
  client: TRPCClient<AppRouter>;
  close(): Promise<void>;
}

/** A tRPC client whose subscriptions go over `transport`; queries and mutations over HTTP. */
export function connectTrpcTo(
  baseUrl: string,
  token: string,
  transport: Transport,
): TrpcConnection {
  const url = `${baseUrl}/trpc`;
  const http = httpLink({ url, headers: { authorization: `Bearer ${token}` } });
  if (transport === 'sse') {
    const client = createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription',
          // EventSource sends no headers of its own: the token goes as a connection param
          true: httpSubscriptionLink({ url, EventSource, connectionParams: { token } }),
          false: http,
        }),
      ],
    });
    return { client, close: () => Promise.resolve() };
  }
  const wsClient = createWSClient({
    url: url.replace(/^http/, 'ws'),
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { token },
    retryDelayMs: () => 50,
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: wsClient }),
        false: http,
      }),
    ],
  });
  return { client, close: () => wsClient.close() };
}

const open = new Set<Recorded<unknown>>();

/** Unsubscribes every recorder still open (an SSE stream is otherwise held open to the end). */
export function stopAllSubscriptions() {
  for (const recorded of open) recorded.stop();
}

function opened<T>(recorded: Recorded<T>, subscription: { unsubscribe(): void }): Recorded<T> {
  recorded.stop = () => {
    open.delete(recorded);
    subscription.unsubscribe();
  };
  open.add(recorded);
  return recorded;
}

export interface Recorded<T> {
  items: T[];
  /** The error the subscription ended with (its tRPC code in `data.code`), if any. */
  error: { message: string; data?: { code?: string } | null } | null;
  stop(): void;
}

/** Keeps what `realtime.messages` of a channel delivers, and its error. */
export function recordMessages(
  client: TRPCClient<AppRouter>,
  channelId: string,
): Recorded<Message> {
  const recorded: Recorded<Message> = { items: [], error: null, stop: () => {} };
  const subscription = client.realtime.messages.subscribe(
    { channelId, lastEventId: '0' },
    {
      onData: ({ data }) => recorded.items.push(data),
      onError: (error) => (recorded.error = error),
    },
  );
  return opened(recorded, subscription);
}

/** Keeps every list of typers `realtime.typing` of a channel delivers, and its error. */
export function recordTyping(
  client: TRPCClient<AppRouter>,
  channelId: string,
): Recorded<{ userId: string; username: string }[]> {
  const recorded: Recorded<{ userId: string; username: string }[]> = {
    items: [],
    error: null,
    stop: () => {},
  };
  const subscription = client.realtime.typing.subscribe(
    { channelId },
    {
      onData: (typers) => recorded.items.push(typers),
      onError: (error) => (recorded.error = error),
    },
  );
  return opened(recorded, subscription);
}

/** Keeps what `realtime.events` delivers, and its error. */
export function recordEvents(client: TRPCClient<AppRouter>): Recorded<{ type: string }> {
  const recorded: Recorded<{ type: string }> = { items: [], error: null, stop: () => {} };
  const subscription = client.realtime.events.subscribe(undefined, {
    onData: (event) => recorded.items.push(event),
    onError: (error) => (recorded.error = error),
  });
  return opened(recorded, subscription);
}
