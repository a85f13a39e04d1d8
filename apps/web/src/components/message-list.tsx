// The virtualized list (react-virtuoso): only the rows in view are rendered, older pages load
// as the user scrolls near the top (the position stays where it was), and the list follows new
// messages while the user is at the bottom. It opens at the "new messages" divider when there
// is one, and offers a jump back to it whenever it is out of view.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import type { useChannelHistory } from '../hooks/use-channel-history';
import { topOverscan, useOlderPages } from '../hooks/use-older-pages';
import { useScrollAnchor } from '../hooks/use-scroll-anchor';
import { useMe } from '../hooks/use-me';
import type { Channel } from '../lib/api-types';
import { useChannelActivity } from '../lib/channel-activity';
import { formatDay } from '../lib/format';
import { useFocusRequests } from '../lib/focus-message';
import { isTopLevel } from '../lib/threads';
import { buildRows, dividerIndex, type Row } from '../lib/message-rows';
import { MessageItem } from './message-item';
import { PendingItem } from './pending-item';
import { SeenBy } from './seen-by';
import { SystemLineItem } from './system-line';

interface MessageListProps {
  channelId: string;
  channel?: Channel;
  history: ReturnType<typeof useChannelHistory>;
}

/** Virtuoso counts prepended rows down from here (it must stay positive). */
const base = 10_000_000;

export function MessageList({ channelId, channel, history }: MessageListProps) {
  const me = useMe();
  const virtuoso = useRef<VirtuosoHandle>(null);
  const { pending } = history;
  // replies are read in the thread pane: the channel shows top-level messages only
  const messages = useMemo(() => history.messages.filter(isTopLevel), [history.messages]);
  const { lines } = useChannelActivity(channelId);
  // the read mark as the channel was opened: the divider stays put while the user reads on
  const [readMark] = useState(() =>
    channel?.isMember && channel.lastReadSeq !== undefined && channel.lastReadSeq < channel.lastSeq
      ? channel.lastReadSeq
      : null,
  );
  const rows = useMemo(
    () => buildRows(messages, lines, readMark, me.id),
    [messages, lines, readMark, me.id],
  );

  // the first message ever shown anchors the indexes: rows before it were prepended
  const [anchorSeq, setAnchorSeq] = useState<number | null>(null);
  const firstSeq = messages[0]?.seq ?? null;
  if (anchorSeq === null && firstSeq !== null) setAnchorSeq(firstSeq);
  const anchor = anchorSeq ?? firstSeq;
  const anchorIndex = rows.findIndex((row) => row.kind === 'message' && row.message.seq === anchor);
  const firstItemIndex = base - Math.max(0, anchorIndex);
  const divider = dividerIndex(rows);
  // until Virtuoso reports its first range, the list is taken to open at the divider
  const [dividerInView, setDividerInView] = useState(true);

  const { hasOlder, loadingOlder, loadOlder } = history;
  const { scrollerRef, hold, restore } = useScrollAnchor();
  // older pages wait until the list stands where it opened: one prepended while Virtuoso is
  // still on its way there (a divider near the top of the first page) left it elsewhere
  const positioned = useRef(false);
  const openTries = useRef(0);
  const older = useOlderPages(history, firstItemIndex, hold);

  // what the user sends always comes into view
  useEffect(() => {
    if (pending.length > 0) virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end' });
  }, [pending.length]);

  // a message asked for (a notification or a search hit) is shown, once it is held: older pages
  // are read until it is, however far back it lies. The list then opens anew around it, as
  // scrollToIndex right after a prepend or on mount is not reliably honoured by Virtuoso.
  const [focus, setFocus] = useState<{ key: number; seq: number } | null>(null);
  const [focusView, setFocusView] = useState<{ key: number; index: number } | null>(null);
  useFocusRequests(channelId, (seq) => setFocus((asked) => ({ key: (asked?.key ?? 0) + 1, seq })));
  const focusPending = focus !== null && focusView?.key !== focus.key && history.historyLoaded;
  const focusIndex = focusPending
    ? rows.findIndex((row) => row.kind === 'message' && row.message.seq === focus.seq)
    : -1;
  if (focusPending && focusIndex >= 0) setFocusView({ key: focus.key, index: focusIndex });
  const oldestTried = useRef<number | null>(null);
  const wantedOlderSeq = focusPending && focusIndex < 0 ? focus.seq : null;
  const oldest = messages[0]?.seq ?? null;
  useEffect(() => {
    if (wantedOlderSeq === null || loadingOlder || !hasOlder || oldest === null) return;
    // a page that brings nothing older ends the search (the message is a reply, or gone)
    if (wantedOlderSeq >= oldest || oldestTried.current === oldest) return;
    oldestTried.current = oldest;
    void loadOlder();
  }, [wantedOlderSeq, loadingOlder, hasOlder, oldest, loadOlder]);

  const jumpToUnread = () => {
    if (divider >= 0) virtuoso.current?.scrollToIndex({ index: divider, align: 'start' });
  };

  const renderRow = (_index: number, row: Row) => {
    switch (row.kind) {
      case 'message':
        return (
          <MessageItem
            message={row.message}
            startsGroup={row.startsGroup}
            dayLabel={row.startsDay ? formatDay(row.message.createdAt) : null}
            own={row.message.userId === me.id}
            myUsername={me.username}
          />
        );
      case 'system':
        return <SystemLineItem line={row.line} />;
      case 'divider':
        return (
          <div className="unread-divider" role="separator" aria-label="New messages">
            New messages
          </div>
        );
    }
  };

  const Header = useCallback(
    () => (
      <div className="messages-top">
        {history.loadingOlder && <p className="messages-note">Loading older messages…</p>}
        {history.olderError && (
          <p className="form-error">
            {history.olderError.message}{' '}
            <button type="button" className="link-button" onClick={() => void loadOlder()}>
              Try again
            </button>
          </p>
        )}
        {!history.hasOlder && (
          <p className="messages-note">
            {messages.length > 0
              ? 'This is the very beginning of the conversation.'
              : 'No messages yet. Say hello!'}
          </p>
        )}
      </div>
    ),
    [history.loadingOlder, history.olderError, history.hasOlder, loadOlder, messages.length],
  );

  const Footer = useCallback(
    () => (
      <ol className="message-rows">
        {pending.map((item) => (
          <PendingItem key={item.clientMsgId} channelId={channelId} item={item} me={me} />
        ))}
        {channel && pending.length === 0 && <SeenBy channel={channel} messages={messages} />}
      </ol>
    ),
    [pending, channelId, me, channel, messages],
  );

  if (history.loading || !history.historyLoaded) {
    return (
      <div className="messages">
        <p className="messages-note">Loading messages…</p>
      </div>
    );
  }
  if (messages.length === 0 && pending.length === 0 && lines.length === 0) {
    return (
      <div className="messages">
        <p className="messages-note">No messages yet. Say hello!</p>
      </div>
    );
  }

  return (
    <div className="messages-frame">
      {divider >= 0 && !dividerInView && (
        <button type="button" className="button jump-unread" onClick={jumpToUnread}>
          Jump to first unread
        </button>
      )}
      <Virtuoso
        key={focusView?.key ?? 0}
        ref={virtuoso}
        className="messages"
        data={rows}
        firstItemIndex={firstItemIndex}
        initialTopMostItemIndex={
          focusView
            ? { index: focusView.index, align: 'center' }
            : divider >= 0
              ? { index: divider, align: 'start' }
              : { index: 'LAST', align: 'end' }
        }
        computeItemKey={(_index, row) => row.key}
        itemContent={renderRow}
        scrollerRef={(element) => {
          const list = element instanceof HTMLElement ? element : null;
          scrollerRef(list);
          older.listRef(list);
        }}
        totalListHeightChanged={restore}
        followOutput={(atBottom) => (atBottom ? 'auto' : false)}
        rangeChanged={(range) => {
          const shows = (index: number) =>
            range.startIndex <= firstItemIndex + index && firstItemIndex + index <= range.endIndex;
          setDividerInView(divider >= 0 && shows(divider));
          const opensAt = focusView?.index ?? (divider >= 0 ? divider : rows.length - 1);
          if (!positioned.current) positioned.current = shows(opensAt);
          older.rangeChanged(range.startIndex, positioned.current);
          if (positioned.current) return;
          if (openTries.current < 5) {
            // Virtuoso aimed by estimated row heights and missed once it measured them
            openTries.current += 1;
            virtuoso.current?.scrollToIndex({
              index: opensAt,
              align: focusView ? 'center' : divider >= 0 ? 'start' : 'end',
            });
          }
        }}
        increaseViewportBy={{ top: topOverscan, bottom: 200 }}
        alignToBottom
        components={{ Header, Footer }}
      />
    </div>
  );
}
