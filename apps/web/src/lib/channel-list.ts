// The sidebar's view of the channel list: which section each channel goes in, how it is named,
// and how its counters move while the list is not refetched.
import type { Channel, Message } from './api-types';
import { mentions } from './mentions';

export interface SidebarSections {
  channels: Channel[];
  directMessages: Channel[];
  /** Public channels the user may join. */
  more: Channel[];
}

export function sidebarSections(channels: readonly Channel[]): SidebarSections {
  const sections: SidebarSections = { channels: [], directMessages: [], more: [] };
  for (const channel of channels) {
    if (channel.kind === 'dm') {
      if (channel.isMember) sections.directMessages.push(channel);
    } else if (channel.isMember) sections.channels.push(channel);
    else sections.more.push(channel);
  }
  const byName = (a: Channel, b: Channel) => (a.name ?? '').localeCompare(b.name ?? '');
  sections.channels.sort(byName);
  sections.more.sort(byName);
  return sections;
}

/** A channel after a live message arrived in it; unread counters move unless it was read there. */
export function afterMessage(
  channel: Channel,
  message: Message,
  viewer: { userId: string; username: string; reading: boolean },
): Channel {
  const lastSeq = Math.max(channel.lastSeq, message.seq);
  if (channel.lastReadSeq === undefined)
    return lastSeq === channel.lastSeq ? channel : { ...channel, lastSeq };
  // counted already (a resumed feed may repeat what the list knew), or not news to this user
  if (message.seq <= channel.lastSeq || message.seq <= channel.lastReadSeq) return channel;
  if (message.userId === viewer.userId || message.deleted || viewer.reading)
    return { ...channel, lastSeq };
  return {
    ...channel,
    lastSeq,
    unreadCount: (channel.unreadCount ?? 0) + 1,
    mentionCount:
      (channel.mentionCount ?? 0) + (mentions(message.content, viewer.username) ? 1 : 0),
  };
}

/** A channel after its read mark moved to `seq`. */
export function afterRead(channel: Channel, seq: number): Channel {
  if (channel.lastReadSeq === undefined || seq <= channel.lastReadSeq) return channel;
  const caughtUp = seq >= channel.lastSeq;
  return {
    ...channel,
    lastReadSeq: seq,
    // a partial read leaves counts the client cannot work out; the next list fetch has them
    unreadCount: caughtUp ? 0 : channel.unreadCount,
    mentionCount: caughtUp ? 0 : channel.mentionCount,
  };
}
