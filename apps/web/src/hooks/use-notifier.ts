// Raises a browser notification for a live message that deserves one (lib/notify.ts decides);
// clicking it brings the tab forward with the message in view.
import { useCallback } from 'react';
import type { Message } from '../lib/api-types';
import { requestFocus } from '../lib/focus-message';
import { messageStore } from '../lib/message-store';
import { notificationTitle, notifyReason } from '../lib/notify';
import { channelPath, navigate } from '../lib/route';
import { trpc } from '../lib/trpc';
import { useMe } from './use-me';

export const notificationPermission = (): NotificationPermission | 'unsupported' =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

const pageVisible = () => document.visibilityState === 'visible' && document.hasFocus();

/** The message this one answers, if the server says so (threads) and the user wrote it. */
function repliesTo(message: Message, myId: string): boolean {
  const parentId = (message as { parentId?: string | null }).parentId;
  if (!parentId) return false;
  const parent = messageStore.get(message.channelId).messages.find((m) => m.id === parentId);
  return parent?.userId === myId;
}

export function useNotifier() {
  const me = useMe();
  const utils = trpc.useUtils();
  return useCallback(
    (message: Message) => {
      const channel = utils.channels.list
        .getInfiniteData({ limit: 100 })
        ?.pages.flatMap((page) => page.items)
        .find((item) => item.id === message.channelId);
      if (!channel) return;
      const reason = notifyReason(message, {
        me,
        channelKind: channel.kind,
        muted: channel.muted ?? false,
        pageVisible: pageVisible(),
        permission: notificationPermission(),
        repliesToMe: repliesTo(message, me.id),
      });
      if (!reason) return;
      const author = utils.users.get.getData({ userId: message.userId })?.displayName;
      const where = channel.kind === 'dm' ? 'a direct message' : `#${channel.name ?? ''}`;
      const notification = new Notification(
        notificationTitle(reason, author ?? message.username, where),
        { body: message.content.slice(0, 200), tag: message.id },
      );
      notification.onclick = () => {
        window.focus();
        navigate(channelPath(message.channelId));
        requestFocus(message.channelId, message.seq);
        notification.close();
      };
    },
    [me, utils],
  );
}
