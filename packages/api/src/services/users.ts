import { schema } from '@chat/db';
import { and, asc, eq, gt, or, sql, type SQL } from 'drizzle-orm';
import { decodeCursor, toPage } from '../cursor.js';
import { notFound } from '../errors.js';
import type { ListUsersInput, UpdateProfileInput } from '../schemas/index.js';
import type { Page } from '../schemas/common.js';
import type { Actor, ServiceDeps } from './deps.js';
import { memberChannelIds } from './channels.js';
import { statusChosen } from './presence.js';
import { toUser, toUsers, userColumns, type OwnUser, type User } from './views.js';

const { users } = schema;

export async function toOwnUser(
  deps: Pick<ServiceDeps, 'presence'>,
  row: Parameters<typeof toUser>[1] & { email: string },
): Promise<OwnUser> {
  return { ...(await toUser(deps.presence, row)), email: row.email };
}

export async function me(deps: ServiceDeps, actor: Actor): Promise<OwnUser> {
  const [row] = await deps.db
    .select({ ...userColumns, email: users.email })
    .from(users)
    .where(eq(users.id, actor.userId));
  // a valid token for a user that no longer exists
  if (!row) throw notFound('User');
  return toOwnUser(deps, row);
}

export async function updateProfile(
  deps: ServiceDeps,
  actor: Actor,
  input: UpdateProfileInput,
): Promise<OwnUser> {
  const changes: Partial<typeof users.$inferInsert> = {};
  if (input.displayName !== undefined) changes.displayName = input.displayName;
  if (input.avatarUrl !== undefined) changes.avatarUrl = input.avatarUrl;
  if (input.status !== undefined) changes.status = input.status;
  if (Object.keys(changes).length > 0) {
    await deps.db.update(users).set(changes).where(eq(users.id, actor.userId));
  }
  if (input.status !== undefined) await statusChosen(deps, actor.userId, input.status);
  const updated = await me(deps, actor);
  if (input.displayName !== undefined || input.avatarUrl !== undefined) {
    const channelIds = await memberChannelIds(deps, actor);
    const { email: _email, ...user } = updated;
    if (channelIds.length > 0)
      await deps.events.publish({ type: 'user_updated', user, channelIds });
  }
  return updated;
}

export async function getUser(deps: ServiceDeps, userId: string): Promise<User> {
  const [row] = await deps.db.select(userColumns).from(users).where(eq(users.id, userId));
  if (!row) throw notFound('User');
  return toUser(deps.presence, row);
}

/** Users ordered by username (case-insensitively), optionally those starting with `q`. */
export async function listUsers(deps: ServiceDeps, input: ListUsersInput): Promise<Page<User>> {
  const sortKey = sql<string>`lower(${users.username})`;
  const conditions: SQL[] = [];
  if (input.q) conditions.push(sql`${sortKey} like ${escapeLike(input.q.toLowerCase()) + '%'}`);
  if (input.cursor) {
    const [name, id] = decodeCursor(input.cursor);
    conditions.push(or(gt(sortKey, name), and(eq(sortKey, name), gt(users.id, id))) as SQL);
  }
  const rows = await deps.db
    .select(userColumns)
    .from(users)
    .where(and(...conditions))
    .orderBy(asc(sortKey), asc(users.id))
    .limit(input.limit + 1);
  const page = toPage(
    rows,
    input.limit,
    (row) => row,
    (row) => [row.username.toLowerCase(), row.id],
  );
  return { items: await toUsers(deps.presence, page.items), nextCursor: page.nextCursor };
}

export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
