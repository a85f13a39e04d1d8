// Sending: the message shows at once as pending, under a clientMsgId the server deduplicates by,
// and becomes the stored message when the server answers (or its live copy arrives first).
import { useCallback } from 'react';
import { messageStore } from '../lib/message-store';
import { trpc } from '../lib/trpc';

export function useSendMessage(channelId: string) {
  const utils = trpc.useUtils();
  return useCallback(
    (content: string, clientMsgId: string = crypto.randomUUID(), attachmentIds: string[] = []) => {
      messageStore.addPending(channelId, {
        clientMsgId,
        content,
        createdAt: new Date().toISOString(),
        status: 'sending',
      });
      utils.client.messages.send.mutate({ channelId, content, clientMsgId, attachmentIds }).then(
        (result) => messageStore.add(channelId, [result.message]),
        () => messageStore.failPending(channelId, clientMsgId),
      );
    },
    [channelId, utils],
  );
}
