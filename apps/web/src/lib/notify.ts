// Which live messages deserve a browser notification: a mention of the user, a direct message,
// or a reply in a thread the user started, while the page is not in front of them. A muted
// channel stays quiet except for a mention by name.
import type { Channel, Message } from './api-types';
import { mentions } from './mentions';

export type NotifyReason = 'mention' | 'dm' | 'reply';

export interface NotifyContext {
  me: { id: string; username: string };
  channelKind: 'channel' | 'dm';
  muted: boolean;
  /** The page is shown and focused: the user sees the message arrive. */
  pageVisible: boolean;
  permission: NotificationPermission | 'unsupported';
  /** The message answers one of the user's own messages (a thread reply to them). */
  repliesToMe: boolean;
}

export function notifyReason(message: Message, context: NotifyContext): NotifyReason | null {
  if (context.permission !== 'granted' || context.pageVisible) return null;
  if (message.userId === context.me.id || message.deleted) return null;
  if (mentions(message.content, context.me.username)) return 'mention';
  if (context.muted) return null;
  if (context.channelKind === 'dm') return 'dm';
  if (context.repliesToMe) return 'reply';
  return null;
}

/** The title of the notification for a message from `author`. */
export function notificationTitle(reason: NotifyReason, author: string, channelName: string) {
  if (reason === 'mention') return `${author} mentioned you in ${channelName}`;
  if (reason === 'reply') return `${author} replied to you in ${channelName}`;
  return author;
}

/** "(3) Chat" while anything is unread, else "Chat". */
export function tabTitle(unread: number): string {
  return unread > 0 ? `(${unread}) Chat` : 'Chat';
}

/** The unread messages the tab's title counts: those of the user's channels that are not muted. */
export function unreadToTitle(channels: readonly Channel[]): number {
  return channels
    .filter((channel) => channel.isMember && !channel.muted)
    .reduce((sum, channel) => sum + (channel.unreadCount ?? 0), 0);
}
