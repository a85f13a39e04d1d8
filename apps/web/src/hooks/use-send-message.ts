// Sending: the message shows at once as pending, under a clientMsgId the server deduplicates by,
// waits in the outbox while the connection is down, and becomes the stored message when the
// server answers (or its live copy arrives first).
import { useCallback } from 'react';
import { useOutbox } from './use-outbox';

export function useSendMessage(channelId: string) {
  const outbox = useOutbox();
  return useCallback(
    (content: string, clientMsgId: string = crypto.randomUUID(), attachmentIds: string[] = []) =>
      outbox.send({
        clientMsgId,
        channelId,
        content,
        ...(attachmentIds.length ? { attachmentIds } : {}),
        createdAt: new Date().toISOString(),
      }),
    [channelId, outbox],
  );
}
