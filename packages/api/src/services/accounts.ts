// What an operator does to accounts and channels (the admin CLI): no actor, since whoever can
// reach the database is trusted with it. Each change that ends a user's access does so at once:
// their token version moves (every access token is checked against it), their refresh tokens
// are revoked, and their open streams hear of it on every instance.
import { schema } from '@chat/db';
import { and, asc, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import { badRequest, notFound } from '../errors.js';
import type { ServiceDeps } from './deps.js';
import { readHistory } from './messages.js';
import { hashPassword } from './passwords.js';
import { iso, type Message } from './views.js';

const { users, refreshTokens, channels } = schema;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Account {
  id: string;
  username: string;
  email: string;
  isAdmin: boolean;
  deactivatedAt: string | null;
}

const accountColumns = {
  id: users.id,
  username: users.username,
  email: users.email,
  isAdmin: users.isAdmin,
  deactivatedAt: users.deactivatedAt,
};

const toAccount = (row: { deactivatedAt: Date | null } & Omit<Account, 'deactivatedAt'>) => ({
  ...row,
  deactivatedAt: row.deactivatedAt && iso(row.deactivatedAt),
});

/** A user by id, username or email (names in any case); NOT_FOUND otherwise. */
export async function findAccount(deps: Pick<ServiceDeps, 'db'>, ref: string): Promise<Account> {
  const name = ref.toLowerCase();
  const byName = or(sql`lower(${users.username}) = ${name}`, sql`lower(${users.email}) = ${name}`);
  const [row] = await deps.db
    .select(accountColumns)
    .from(users)
    .where(uuidPattern.test(ref) ? or(eq(users.id, ref), byName) : byName)
    .limit(1);
  if (!row) throw notFound('User');
  return toAccount(row);
}

/** A new password; every session of the user ends (other devices must sign in again). */
export async function resetPassword(
  deps: ServiceDeps,
  ref: string,
  password: string,
): Promise<Account> {
  const account = await findAccount(deps, ref);
  const passwordHash = await hashPassword(password);
  return endAccess(deps, account, { passwordHash });
}

/** The user can no longer sign in; their tokens stop working and their streams close. */
export async function deactivate(deps: ServiceDeps, ref: string): Promise<Account> {
  const account = await findAccount(deps, ref);
  return endAccess(deps, account, { deactivatedAt: sql`coalesce(${users.deactivatedAt}, now())` });
}

/** Grants (or takes back) the admin flag. */
export async function setAdmin(
  deps: Pick<ServiceDeps, 'db'>,
  ref: string,
  isAdmin: boolean,
): Promise<Account> {
  const account = await findAccount(deps, ref);
  const [row] = await deps.db
    .update(users)
    .set({ isAdmin })
    .where(eq(users.id, account.id))
    .returning(accountColumns);
  if (!row) throw notFound('User');
  return toAccount(row);
}

async function endAccess(
  deps: ServiceDeps,
  account: Account,
  changes: { passwordHash: string } | { deactivatedAt: SQL },
): Promise<Account> {
  const row = await deps.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(users)
      .set({ ...changes, tokenVersion: sql`${users.tokenVersion} + 1` })
      .where(eq(users.id, account.id))
      .returning(accountColumns);
    await tx
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(refreshTokens.userId, account.id), isNull(refreshTokens.revokedAt)));
    return updated;
  });
  if (!row) throw notFound('User');
  await deps.events.publish({ type: 'access_revoked', userId: account.id });
  return toAccount(row);
}

export interface ChannelExport {
  channel: {
    id: string;
    name: string | null;
    kind: 'channel' | 'dm';
    isPrivate: boolean;
    createdBy: string | null;
    createdAt: string;
    lastSeq: number;
  };
  /** Every message, oldest first, read page by page as it is consumed. */
  messages: AsyncIterable<Message>;
}

/** A channel (by id or by name) and its whole history. */
export async function exportChannel(
  deps: Pick<ServiceDeps, 'db' | 'files'>,
  ref: string,
): Promise<ChannelExport> {
  const rows = await deps.db
    .select()
    .from(channels)
    .where(uuidPattern.test(ref) ? eq(channels.id, ref) : eq(channels.name, ref))
    .orderBy(asc(channels.createdAt))
    .limit(2);
  const [row] = rows;
  if (!row) throw notFound('Channel');
  if (rows.length > 1) throw badRequest(`Several channels are named "${ref}": name one by its id`);
  const channelId = row.id;
  async function* messages() {
    for (let after = 0; ;) {
      const page = await readHistory(deps.db, deps.files.urls, { channelId, after, limit: 500 });
      yield* page.items;
      const last = page.items.at(-1);
      if (!page.hasMore || !last) return;
      after = last.seq;
    }
  }
  return {
    channel: {
      id: row.id,
      name: row.name,
      kind: row.kind,
      isPrivate: row.isPrivate,
      createdBy: row.createdBy,
      createdAt: iso(row.createdAt),
      lastSeq: row.lastSeq,
    },
    messages: messages(),
  };
}
