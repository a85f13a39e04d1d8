// The scrolling list: older pages on demand at the top, new messages at the bottom. It stays
// pinned to the bottom while the user is there, and keeps their place when older ones load.
import { useLayoutEffect, useMemo, useRef } from 'react';
import type { useChannelHistory } from '../hooks/use-channel-history';
import { useMe } from '../hooks/use-me';
import { formatDay } from '../lib/format';
import { groupMessages } from '../lib/message-groups';
import { isTopLevel } from '../lib/threads';
import { MessageItem } from './message-item';
import { PendingItem } from './pending-item';

interface MessageListProps {
  channelId: string;
  history: ReturnType<typeof useChannelHistory>;
}

export function MessageList({ channelId, history }: MessageListProps) {
  const me = useMe();
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const place = useRef({ firstSeq: null as number | null, fromBottom: 0 });
  const { pending } = history;
  // replies are read in the thread pane: the channel shows top-level messages only
  const messages = useMemo(() => history.messages.filter(isTopLevel), [history.messages]);
  const firstSeq = messages[0]?.seq ?? null;

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const olderLoaded =
      place.current.firstSeq !== null && firstSeq !== null && firstSeq < place.current.firstSeq;
    if (olderLoaded) element.scrollTop = element.scrollHeight - place.current.fromBottom;
    else if (pinned.current) element.scrollTop = element.scrollHeight;
    place.current = { firstSeq, fromBottom: element.scrollHeight - element.scrollTop };
  }, [messages, pending, firstSeq]);

  // what the user sends always comes into view
  useLayoutEffect(() => {
    if (pending.length > 0) pinned.current = true;
  }, [pending.length]);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 48;
    place.current = { firstSeq, fromBottom: element.scrollHeight - element.scrollTop };
  };

  return (
    <div className="messages" ref={scroller} onScroll={onScroll}>
      <div className="messages-top">
        {history.loading && <p className="messages-note">Loading messages…</p>}
        {history.hasOlder && (
          <button
            type="button"
            className="button button-quiet"
            onClick={() => void history.loadOlder()}
            disabled={history.loadingOlder}
          >
            {history.loadingOlder ? 'Loading…' : 'Load older messages'}
          </button>
        )}
        {history.olderError && <p className="form-error">{history.olderError.message}</p>}
        {!history.loading && !history.hasOlder && (
          <p className="messages-note">
            {messages.length
              ? 'This is the very beginning of the conversation.'
              : 'No messages yet. Say hello!'}
          </p>
        )}
      </div>
      <ol className="message-rows">
        {groupMessages(messages).map(({ message, startsGroup, startsDay }) => (
          <MessageItem
            key={message.seq}
            message={message}
            startsGroup={startsGroup}
            dayLabel={startsDay ? formatDay(message.createdAt) : null}
            own={message.userId === me.id}
            myUsername={me.username}
          />
        ))}
        {pending.map((item) => (
          <PendingItem key={item.clientMsgId} channelId={channelId} item={item} me={me} />
        ))}
      </ol>
    </div>
  );
}
