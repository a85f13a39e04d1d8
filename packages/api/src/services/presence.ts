// Presence: online while any connection is open (on any instance), the chosen status
// (online, away, dnd) while connected, offline otherwise; changes go to everyone who shares a
// channel with the user.
import { schema } from '@chat/db';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Actor, ServiceDeps } from './deps.js';
import type { UserStatus } from './views.js';

type ChosenStatus = Exclude<UserStatus, 'offline'>;

const { users, channelMembers } = schema;

export async function connectionOpened(deps: ServiceDeps, actor: Actor, connectionId: string) {
  if (!(await deps.presence.connect(actor.userId, connectionId))) return;
  const [row] = await deps.db
    .select({ status: users.status })
    .from(users)
    .where(eq(users.id, actor.userId));
  if (row) await publishPresence(deps, actor.userId, row.status);
}

export async function connectionClosed(deps: ServiceDeps, actor: Actor, connectionId: string) {
  if (await deps.presence.disconnect(actor.userId, connectionId))
    await wentOffline(deps, [actor.userId]);
}

/** Users whose last connection is gone (closed, or lost with a crashed instance). */
export async function wentOffline(deps: ServiceDeps, userIds: string[]) {
  if (userIds.length === 0) return;
  await deps.db
    .update(users)
    .set({ lastSeen: sql`now()` })
    .where(inArray(users.id, userIds));
  for (const userId of userIds) await publishPresence(deps, userId, 'offline');
}

/** Tells the user's channels the status they just chose, if they are connected. */
export async function statusChosen(deps: ServiceDeps, userId: string, status: ChosenStatus) {
  // Someone with no connection is offline whatever they chose, and was already announced so.
  const connected = await deps.presence.connectedUserIds([userId]);
  if (connected.has(userId)) await publishPresence(deps, userId, status);
}

async function publishPresence(deps: ServiceDeps, userId: string, status: UserStatus) {
  const memberships = await deps.db
    .select({ channelId: channelMembers.channelId })
    .from(channelMembers)
    .where(eq(channelMembers.userId, userId));
  const channelIds = memberships.map((m) => m.channelId);
  if (channelIds.length > 0)
    await deps.events.publish({ type: 'presence', userId, status, channelIds });
}
