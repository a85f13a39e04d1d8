import { schema } from '@chat/db';
import { and, asc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import { decodeCursor, decodeTimeCursor, toPage } from '../cursor.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import type {
  ChannelMemberInput,
  CreateChannelInput,
  ListMembersInput,
  OpenDmInput,
  PageQuery,
} from '../schemas/index.js';
import type { Page } from '../schemas/common.js';
import { memberChannel, visibleChannel } from './access.js';
import { channelView, selectChannelViews, toChannel, visibleToActor } from './channel-views.js';
import type { Actor, ServiceDeps } from './deps.js';
import { iso, toUsers, userColumns, type Channel, type Member } from './views.js';

const { channels, channelMembers, users } = schema;

/** Every public channel and every private channel or DM the actor belongs to, oldest first. */
export async function listChannels(
  deps: ServiceDeps,
  actor: Actor,
  input: PageQuery,
): Promise<Page<Channel>> {
  const conditions: SQL[] = [visibleToActor];
  if (input.cursor) {
    const [after, id] = decodeTimeCursor(input.cursor);
    conditions.push(
      or(
        gt(channels.createdAt, after),
        and(eq(channels.createdAt, after), gt(channels.id, id)),
      ) as SQL,
    );
  }
  const rows = await selectChannelViews(deps.db, actor)
    .where(and(...conditions))
    .orderBy(asc(channels.createdAt), asc(channels.id))
    .limit(input.limit + 1);
  return toPage(rows, input.limit, toChannel, (row) => [
    iso(row.channel.createdAt),
    row.channel.id,
  ]);
}

/** Ids of every channel and DM the actor is a member of. */
export async function memberChannelIds(deps: ServiceDeps, actor: Actor): Promise<string[]> {
  const rows = await deps.db
    .select({ channelId: channelMembers.channelId })
    .from(channelMembers)
    .where(eq(channelMembers.userId, actor.userId));
  return rows.map((row) => row.channelId);
}

/** Every channel and DM the actor is a member of, as Channel objects. */
export async function memberChannels(deps: ServiceDeps, actor: Actor): Promise<Channel[]> {
  const rows = await selectChannelViews(deps.db, actor)
    .where(sql`${channelMembers.userId} is not null`)
    .orderBy(asc(channels.createdAt), asc(channels.id));
  return rows.map(toChannel);
}

export async function getChannel(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
): Promise<Channel> {
  await visibleChannel(deps.db, actor, channelId);
  return channelView(deps.db, actor, channelId);
}

export async function createChannel(
  deps: ServiceDeps,
  actor: Actor,
  input: CreateChannelInput,
): Promise<Channel> {
  const members = await existingUsers(deps, [actor.userId, ...input.memberIds]);
  const channel = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(channels)
      .values({ name: input.name, isPrivate: input.isPrivate, createdBy: actor.userId })
      .returning();
    if (!row) throw new Error('insert returned no row');
    await tx
      .insert(channelMembers)
      .values(members.map((m) => ({ channelId: row.id, userId: m.id })));
    return row;
  });
  await publishJoins(deps, channel.id, members);
  if (!channel.isPrivate) {
    await deps.events.publish({
      type: 'channel_created',
      channelId: channel.id,
      name: channel.name ?? input.name,
      createdBy: actor.userId,
    });
  }
  return channelView(deps.db, actor, channel.id);
}

/** The caller joins a public channel; idempotent. Private channels cannot be joined this way. */
export async function joinChannel(
  deps: ServiceDeps,
  actor: Actor,
  channelId: string,
): Promise<Channel> {
  const access = await visibleChannel(deps.db, actor, channelId);
  if (!access.isMember) {
    if (access.channel.isPrivate) throw notFound('Channel');
    await addMembership(deps, channelId, { id: actor.userId, username: actor.username });
  }
  return channelView(deps.db, actor, channelId);
}

/** A member adds someone to a channel; idempotent. A DM's members are fixed. */
export async function addMember(
  deps: ServiceDeps,
  actor: Actor,
  input: ChannelMemberInput,
): Promise<Channel> {
  if (input.userId === actor.userId) return joinChannel(deps, actor, input.channelId);
  const channel = await memberChannel(deps.db, actor, input.channelId);
  if (channel.kind === 'dm') throw forbidden('The members of a direct message cannot change');
  const [user] = await existingUsers(deps, [input.userId]);
  if (user) await addMembership(deps, input.channelId, user);
  return channelView(deps.db, actor, input.channelId);
}

/**
 * Leave (userId = the caller) or remove someone (only the channel's creator may, and nobody from a
 * DM); idempotent.
 */
export async function removeMember(
  deps: ServiceDeps,
  actor: Actor,
  input: ChannelMemberInput,
): Promise<void> {
  const { channel } = await visibleChannel(deps.db, actor, input.channelId);
  if (input.userId !== actor.userId) {
    // Whoever opened a DM first has no say over the others in it: they may only leave.
    if (channel.kind === 'dm') throw forbidden('The members of a direct message cannot change');
    if (channel.createdBy !== actor.userId)
      throw forbidden('Only the channel creator can remove other members');
  }
  const removed = await deps.db
    .delete(channelMembers)
    .where(
      and(eq(channelMembers.channelId, input.channelId), eq(channelMembers.userId, input.userId)),
    )
    .returning({ userId: channelMembers.userId });
  if (removed.length === 0) return;
  const [user] = await deps.db.select(userColumns).from(users).where(eq(users.id, input.userId));
  await deps.events.publish({
    type: 'leave',
    channelId: input.channelId,
    userId: input.userId,
    username: user?.username ?? '',
  });
}

export async function listMembers(
  deps: ServiceDeps,
  actor: Actor,
  input: ListMembersInput,
): Promise<Page<Member>> {
  await visibleChannel(deps.db, actor, input.channelId);
  const sortKey = sql<string>`lower(${users.username})`;
  const conditions: SQL[] = [eq(channelMembers.channelId, input.channelId)];
  if (input.cursor) {
    const [name, id] = decodeCursor(input.cursor);
    conditions.push(or(gt(sortKey, name), and(eq(sortKey, name), gt(users.id, id))) as SQL);
  }
  const rows = await deps.db
    .select({ ...userColumns, lastReadSeq: channelMembers.lastReadSeq })
    .from(channelMembers)
    .innerJoin(users, eq(users.id, channelMembers.userId))
    .where(and(...conditions))
    .orderBy(asc(sortKey), asc(users.id))
    .limit(input.limit + 1);
  const page = toPage(
    rows,
    input.limit,
    (row) => row,
    (row) => [row.username.toLowerCase(), row.id],
  );
  const readMarks = new Map(page.items.map((row) => [row.id, row.lastReadSeq]));
  const items = (await toUsers(deps.presence, page.items)).map((user) => ({
    ...user,
    lastReadSeq: readMarks.get(user.id) ?? 0,
  }));
  return { items, nextCursor: page.nextCursor };
}

/** The one DM channel of exactly this set of people (the caller and `userIds`), made on first use. */
export async function openDm(
  deps: ServiceDeps,
  actor: Actor,
  input: OpenDmInput,
): Promise<Channel> {
  const others = new Set(input.userIds.filter((id) => id !== actor.userId));
  if (others.size === 0)
    throw badRequest('Name at least one other user', [
      { path: 'userIds', message: 'has no other user' },
    ]);
  const members = await existingUsers(deps, [actor.userId, ...others]);
  const dmKey = members
    .map((m) => m.id)
    .sort()
    .join(',');
  const created = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(channels)
      .values({ kind: 'dm', isPrivate: true, createdBy: actor.userId, dmKey })
      .onConflictDoNothing({ target: channels.dmKey })
      .returning({ id: channels.id });
    if (row) {
      await tx
        .insert(channelMembers)
        .values(members.map((m) => ({ channelId: row.id, userId: m.id })));
    }
    return row;
  });
  if (created) {
    await publishJoins(deps, created.id, members);
    return channelView(deps.db, actor, created.id);
  }
  const [existing] = await deps.db
    .select({ id: channels.id })
    .from(channels)
    .where(eq(channels.dmKey, dmKey));
  if (!existing) throw new Error('DM channel vanished after a conflict');
  // A member who left a DM is back in it when the same people open it again.
  await addMembership(deps, existing.id, { id: actor.userId, username: actor.username });
  return channelView(deps.db, actor, existing.id);
}

interface MemberRef {
  id: string;
  username: string;
}

/** The named users, deduplicated; NOT_FOUND if any of them does not exist. */
async function existingUsers(deps: ServiceDeps, ids: string[]): Promise<MemberRef[]> {
  const unique = [...new Set(ids)];
  const rows = await deps.db
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(inArray(users.id, unique));
  if (rows.length !== unique.length) throw notFound('User');
  return unique.map((id) => rows.find((row) => row.id === id) as MemberRef);
}

async function addMembership(deps: ServiceDeps, channelId: string, user: MemberRef) {
  const [inserted] = await deps.db
    .insert(channelMembers)
    // A newcomer starts with the history read: only what arrives after joining is unread.
    .values({
      channelId,
      userId: user.id,
      lastReadSeq: sql`(select ${channels.lastSeq} from ${channels} where ${channels.id} = ${channelId})`,
    })
    .onConflictDoNothing()
    .returning({ seq: channelMembers.lastReadSeq });
  if (inserted) await publishJoins(deps, channelId, [user], inserted.seq);
}

async function publishJoins(deps: ServiceDeps, channelId: string, members: MemberRef[], seq = 0) {
  for (const member of members) {
    await deps.events.publish({
      type: 'join',
      channelId,
      userId: member.id,
      username: member.username,
      seq,
    });
  }
}
