// Threads as the client shows them: the channel's list holds top-level messages only (replies
// live in the thread pane, as in Slack), and a root says how its thread is doing.
import type { Message } from './api-types';
import { mergeBySeq } from './message-list';

export const isTopLevel = (message: Message) => message.parentId === null;

/** The thread a message belongs to: its root's id. */
export const threadRootId = (message: Message) => message.parentId ?? message.id;

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function timeAgo(iso: string, now = Date.now()): string {
  const minutes = Math.floor((now - new Date(iso).getTime()) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? '1 day ago' : `${days} days ago`;
}

/** "1 reply", "N replies · last reply 5 min ago", or null for a message without a thread. */
export function replySummary(message: Message, now = Date.now()): string | null {
  if (message.replyCount === 0) return null;
  if (message.replyCount === 1) return '1 reply';
  const count = `${message.replyCount} replies`;
  return message.lastReplyAt ? `${count} · last reply ${timeAgo(message.lastReplyAt, now)}` : count;
}

/** The replies of `rootId` read from the server, with those that arrived live since. */
export function threadReplies(
  fetched: readonly Message[],
  live: readonly Message[],
  rootId: string,
): Message[] {
  return mergeBySeq(
    fetched,
    live.filter((message) => message.parentId === rootId),
  );
}
