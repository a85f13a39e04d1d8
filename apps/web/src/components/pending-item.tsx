// A pending message of the channel's list: retried and discarded through the channel's store.
import { useSendMessage } from '../hooks/use-send-message';
import type { OwnUser } from '../lib/api-types';
import type { PendingMessage } from '../lib/message-list';
import { messageStore } from '../lib/message-store';
import { PendingRow } from './pending-row';

export function PendingItem({
  channelId,
  item,
  me,
}: {
  channelId: string;
  item: PendingMessage;
  me: OwnUser;
}) {
  const send = useSendMessage(channelId);
  return (
    <PendingRow
      item={item}
      me={me}
      onRetry={() => send(item.content, item.clientMsgId)}
      onDiscard={() => messageStore.dropPending(channelId, item.clientMsgId)}
    />
  );
}
