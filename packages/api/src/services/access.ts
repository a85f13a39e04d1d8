// The one place that decides who may see and act in a channel. A private channel or DM is
// NOT_FOUND to a non-member on every route, so its existence never leaks.
import { schema, type Queryable } from '@chat/db';
import { and, eq } from 'drizzle-orm';
import { forbidden, notFound } from '../errors.js';
import type { Actor } from './deps.js';

const { channels, channelMembers } = schema;

export type ChannelRow = typeof channels.$inferSelect;

export interface ChannelAccess {
  channel: ChannelRow;
  isMember: boolean;
}

/** The channel if the actor may see it: every public channel, and private ones they belong to. */
export async function visibleChannel(
  q: Queryable,
  actor: Actor,
  channelId: string,
): Promise<ChannelAccess> {
  const [row] = await q
    .select({ channel: channels, memberId: channelMembers.userId })
    .from(channels)
    .leftJoin(
      channelMembers,
      and(eq(channelMembers.channelId, channels.id), eq(channelMembers.userId, actor.userId)),
    )
    .where(eq(channels.id, channelId));
  if (!row) throw notFound('Channel');
  const isMember = row.memberId !== null;
  if (row.channel.isPrivate && !isMember) throw notFound('Channel');
  return { channel: row.channel, isMember };
}

/** The channel if the actor is a member; a public channel they have not joined is FORBIDDEN. */
export async function memberChannel(
  q: Queryable,
  actor: Actor,
  channelId: string,
): Promise<ChannelRow> {
  const access = await visibleChannel(q, actor, channelId);
  if (!access.isMember) throw forbidden('Join the channel first');
  return access.channel;
}
