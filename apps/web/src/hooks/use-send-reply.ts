// Replying in a thread: the reply shows at once as pending in the thread pane (not in the
// channel's list), under a clientMsgId the server deduplicates by, until the server answers.
import { useCallback, useState } from 'react';
import type { PendingMessage } from '../lib/message-list';
import { messageStore } from '../lib/message-store';
import { trpc } from '../lib/trpc';

export function useSendReply(channelId: string, rootId: string) {
  const utils = trpc.useUtils();
  const [pending, setPending] = useState<PendingMessage[]>([]);

  const drop = useCallback(
    (clientMsgId: string) =>
      setPending((list) => list.filter((item) => item.clientMsgId !== clientMsgId)),
    [],
  );

  const send = useCallback(
    (content: string, clientMsgId: string = crypto.randomUUID()) => {
      const item: PendingMessage = {
        clientMsgId,
        content,
        createdAt: new Date().toISOString(),
        status: 'sending',
      };
      setPending((list) => [...list.filter((p) => p.clientMsgId !== clientMsgId), item]);
      utils.client.messages.send.mutate({ channelId, content, clientMsgId, parentId: rootId }).then(
        (result) => {
          messageStore.add(channelId, [result.message]);
          drop(clientMsgId);
        },
        () =>
          setPending((list) =>
            list.map((p) => (p.clientMsgId === clientMsgId ? { ...p, status: 'failed' } : p)),
          ),
      );
    },
    [channelId, rootId, utils, drop],
  );

  return { pending, send, discard: drop };
}
