// Reads channels as the Channel object of API.md, with the caller's own counters.
import { schema, type Queryable } from '@chat/db';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Actor } from './deps.js';
import { iso, type Channel } from './views.js';

const { channels, channelMembers, messages } = schema;

/**
 * `@name` as a whole word, in any case (names are unique regardless of case), for the messages
 * that mention a user. Dots may end a sentence after the name ("see you @bob.") but not continue
 * it ("@bob.smith" is someone else). Postgres (`~`) and JavaScript (`new RegExp`) both read it:
 * letters become `[bB]` classes because the two have no common case-insensitive flag.
 */
export const mentionPattern = (username: string) => {
  const name = [...username]
    .map((c) =>
      /[a-z]/i.test(c)
        ? `[${c.toLowerCase()}${c.toUpperCase()}]`
        : c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'),
    )
    .join('');
  return `(^|[^A-Za-z0-9_.-])@${name}\\.*($|[^A-Za-z0-9_.-])`;
};

const mentionToken = /(?<![A-Za-z0-9_.-])@([A-Za-z0-9_.-]+)/g;

/**
 * Every name `content` mentions, lower-cased: the same rule as `mentionPattern`, read once per
 * message rather than once per user who might be in it.
 */
export function mentionedNames(content: string): Set<string> {
  const names = new Set<string>();
  for (const match of content.matchAll(mentionToken))
    names.add((match[1] ?? '').replace(/\.+$/, '').toLowerCase());
  return names;
}

function channelViewColumns(actor: Actor) {
  const unreadFrom = sql`from ${messages} where ${messages.channelId} = ${channels.id}
    and ${messages.seq} > ${channelMembers.lastReadSeq}
    and ${messages.deletedAt} is null
    and (${messages.userId} <> ${actor.userId} or ${messages.webhookId} is not null)`;
  return {
    channel: channels,
    lastReadSeq: channelMembers.lastReadSeq,
    muted: channelMembers.muted,
    memberCount: sql<number>`(select count(*) from ${channelMembers} cm where cm.channel_id = ${channels.id})::int`,
    unreadCount: sql<number | null>`case when ${channelMembers.userId} is null then null
      else (select count(*) ${unreadFrom})::int end`,
    mentionCount: sql<number | null>`case when ${channelMembers.userId} is null then null
      else (select count(*) ${unreadFrom} and ${messages.content} ~ ${mentionPattern(actor.username)})::int end`,
  };
}

type ChannelViewRow = {
  channel: typeof channels.$inferSelect;
  lastReadSeq: number | null;
  muted: boolean | null;
  memberCount: number;
  unreadCount: number | null;
  mentionCount: number | null;
};

export function selectChannelViews(q: Queryable, actor: Actor) {
  return q
    .select(channelViewColumns(actor))
    .from(channels)
    .leftJoin(
      channelMembers,
      and(eq(channelMembers.channelId, channels.id), eq(channelMembers.userId, actor.userId)),
    )
    .$dynamic();
}

/** Within selectChannelViews: the channels the actor may see (public, or theirs). */
export const visibleToActor: SQL = sql`(${channels.isPrivate} = false or ${channelMembers.userId} is not null)`;

export function toChannel(row: ChannelViewRow): Channel {
  const { channel } = row;
  const base: Channel = {
    id: channel.id,
    name: channel.name,
    kind: channel.kind,
    isPrivate: channel.isPrivate,
    topic: channel.topic,
    createdBy: channel.createdBy,
    createdAt: iso(channel.createdAt),
    memberCount: row.memberCount,
    isMember: row.lastReadSeq !== null,
    lastSeq: channel.lastSeq,
  };
  if (row.lastReadSeq === null) return base;
  return {
    ...base,
    lastReadSeq: row.lastReadSeq,
    unreadCount: row.unreadCount ?? 0,
    mentionCount: row.mentionCount ?? 0,
    muted: row.muted ?? false,
  };
}

export async function channelView(q: Queryable, actor: Actor, channelId: string): Promise<Channel> {
  const [row] = await selectChannelViews(q, actor).where(eq(channels.id, channelId));
  if (!row) throw new Error(`channel ${channelId} vanished`);
  return toChannel(row);
}
