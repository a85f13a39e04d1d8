// The thread beside the channel: its root, its replies (live), and a composer of its own.
// Escape closes it.
import { useEffect, useLayoutEffect, useRef } from 'react';
import { useChannel } from '../hooks/use-channel-list';
import { useEscapeToClose } from '../hooks/use-escape-to-close';
import { useMe } from '../hooks/use-me';
import { useSendReply } from '../hooks/use-send-reply';
import { useThread } from '../hooks/use-thread';
import { requestFocus } from '../lib/focus-message';
import { closeThread } from '../lib/open-thread';
import { MessageItem } from './message-item';
import { PendingRow } from './pending-row';
import { ThreadComposer } from './thread-composer';

interface ThreadPaneProps {
  channelId: string;
  rootId: string;
  /** A reply to open the thread at (a search hit), rather than at its newest reply. */
  focusReplyId?: string | undefined;
}

/**
 * Opening at a reply: the channel's list is asked to show the root (once its seq is known), the
 * thread reads its later pages until it holds the reply, then scrolls it into view.
 */
function useReplyFocus(
  channelId: string,
  thread: ReturnType<typeof useThread>,
  scroller: React.RefObject<HTMLDivElement | null>,
  focusReplyId: string | undefined,
) {
  const rootSeq = thread.root?.seq;
  const rootShown = useRef<string | null>(null);
  useEffect(() => {
    if (!focusReplyId || rootSeq === undefined || rootShown.current === focusReplyId) return;
    rootShown.current = focusReplyId;
    requestFocus(channelId, rootSeq);
  }, [channelId, focusReplyId, rootSeq]);

  const held = thread.replies.some((reply) => reply.id === focusReplyId);
  const { hasMore, loadingMore, loadMore } = thread;
  useEffect(() => {
    if (focusReplyId && !held && hasMore && !loadingMore) void loadMore();
  }, [focusReplyId, held, hasMore, loadingMore, loadMore]);

  const scrolledTo = useRef<string | null>(null);
  useLayoutEffect(() => {
    if (!focusReplyId || !held || scrolledTo.current === focusReplyId) return;
    const row = scroller.current?.querySelector(`#message-${CSS.escape(focusReplyId)}`);
    if (!row) return;
    scrolledTo.current = focusReplyId;
    row.scrollIntoView({ block: 'center' });
  });
}

export function ThreadPane({ channelId, rootId, focusReplyId }: ThreadPaneProps) {
  const me = useMe();
  const { channel } = useChannel(channelId);
  const thread = useThread(channelId, rootId);
  const { pending, send, discard } = useSendReply(channelId, rootId);
  const scroller = useRef<HTMLDivElement>(null);
  useEscapeToClose(closeThread);
  const confirmed = new Set(thread.replies.map((reply) => reply.clientMsgId));
  const waiting = pending.filter((item) => !confirmed.has(item.clientMsgId));

  // new replies come into view
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [thread.replies.length, waiting.length]);
  // after the scroll to the newest, so that a reply asked for wins on the first paint
  useReplyFocus(channelId, thread, scroller, focusReplyId);

  const count = thread.root?.replyCount ?? thread.replies.length;
  return (
    <aside className="thread-pane" aria-label="Thread">
      <header className="pane-header thread-header">
        <h2>Thread</h2>
        <button
          type="button"
          className="button button-quiet"
          aria-label="Close thread"
          onClick={closeThread}
        >
          ✕
        </button>
      </header>
      <div className="messages" ref={scroller}>
        {thread.loading && <p className="messages-note thread-note">Loading thread…</p>}
        {thread.error && (
          <p className="form-error thread-note">
            {thread.error.data?.code === 'NOT_FOUND'
              ? 'This thread is not available.'
              : thread.error.message}
          </p>
        )}
        <ol className="message-rows">
          {thread.root && (
            <MessageItem
              message={thread.root}
              startsGroup
              dayLabel={null}
              own={thread.root.userId === me.id}
              myUsername={me.username}
              inThread
            />
          )}
        </ol>
        {thread.root && (
          <div className="day-divider thread-divider" role="separator">
            <span>{count === 1 ? '1 reply' : `${count} replies`}</span>
          </div>
        )}
        <ol className="message-rows" aria-label="Replies">
          {thread.replies.map((reply) => (
            <MessageItem
              key={reply.seq}
              message={reply}
              startsGroup
              dayLabel={null}
              own={reply.userId === me.id}
              myUsername={me.username}
              inThread
            />
          ))}
          {waiting.map((item) => (
            <PendingRow
              key={item.clientMsgId}
              item={item}
              me={me}
              onRetry={() => send(item.content, item.clientMsgId)}
              onDiscard={() => discard(item.clientMsgId)}
            />
          ))}
        </ol>
        {thread.hasMore && (
          <div className="messages-top">
            <button
              type="button"
              className="button button-quiet"
              onClick={() => void thread.loadMore()}
              disabled={thread.loadingMore}
            >
              {thread.loadingMore ? 'Loading…' : 'Load more replies'}
            </button>
          </div>
        )}
      </div>
      <footer className="pane-footer">
        {channel?.isMember ? (
          <ThreadComposer onSend={(content) => send(content)} />
        ) : (
          <p className="messages-note">Join the channel to reply.</p>
        )}
      </footer>
    </aside>
  );
}
