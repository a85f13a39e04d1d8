// The outbox of one signed-in session: what it holds shows as pending in the message store, it
// sends whenever the connection is up, and tries again a little later after a passing failure.
import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@chat/api';
import { connectionStore } from './connection-store';
import { messageStore } from './message-store';
import { createOutbox, type OutboxEntry } from './outbox';
import { isUnauthorized } from './refresh-link';

const retryMs = 2_000;

export interface SessionOutbox {
  /** Shows the message as pending and sends it when it can. */
  send(entry: OutboxEntry): void;
  stop(): void;
}

/** A 4xx the server will answer again (not a refused token, a timeout or a rate limit). */
export function isPermanentSendError(error: unknown): boolean {
  const status = (error as { data?: { httpStatus?: unknown } } | null)?.data?.httpStatus;
  if (typeof status !== 'number' || isUnauthorized(error)) return false;
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export function createSessionOutbox(client: TRPCClient<AppRouter>, userId: string): SessionOutbox {
  let retry: ReturnType<typeof setTimeout> | undefined;
  const outbox = createOutbox({
    storage: window.localStorage,
    key: `chat.outbox.${userId}`,
    send: async (entry) => {
      const { message } = await client.messages.send.mutate({
        channelId: entry.channelId,
        content: entry.content,
        clientMsgId: entry.clientMsgId,
        attachmentIds: entry.attachmentIds,
      });
      return message;
    },
    canSend: () => connectionStore.get() === 'connected',
    isPermanent: isPermanentSendError,
    onSent: (entry, message) => messageStore.add(entry.channelId, [message]),
    onFailed: (entry) => messageStore.failPending(entry.channelId, entry.clientMsgId),
  });

  const flush = () => {
    clearTimeout(retry);
    void outbox.flush().then(() => {
      if (outbox.entries().length > 0 && connectionStore.get() === 'connected')
        retry = setTimeout(flush, retryMs);
    });
  };

  // what a previous page left unsent shows again, and goes as soon as it can
  for (const entry of outbox.entries()) {
    messageStore.addPending(entry.channelId, {
      clientMsgId: entry.clientMsgId,
      content: entry.content,
      createdAt: entry.createdAt,
      status: 'sending',
    });
  }
  const stopListening = connectionStore.subscribe(() => {
    if (connectionStore.get() === 'connected') flush();
  });
  flush();

  return {
    send(entry) {
      messageStore.addPending(entry.channelId, {
        clientMsgId: entry.clientMsgId,
        content: entry.content,
        createdAt: entry.createdAt,
        status: 'sending',
      });
      outbox.add(entry);
      flush();
    },
    stop() {
      clearTimeout(retry);
      stopListening();
    },
  };
}
