// PostgreSQL behind a transaction-mode connection pooler (PgBouncer's `pool_mode = transaction`,
// Supabase's pooler URL): each transaction, and each statement outside one, runs on whichever
// server connection is free. Nothing tied to a session holds there: not prepared statements
// (postgres-js prepares by default; one prepared on one backend and run on another can go
// astray, which lost acknowledged messages), not session settings, not session advisory locks.
// So with DATABASE_POOLER=transaction nothing is prepared, and without it the server refuses a
// pooler it can detect rather than risk an ack without a row.
import postgres from 'postgres';

/** What sits between us and PostgreSQL, as the operator declared it (DATABASE_POOLER). */
export type DatabasePooler = 'transaction';

/** postgres-js options for the declared pooler. */
export function poolerClientOptions(pooler: DatabasePooler | undefined): { prepare?: boolean } {
  return pooler === 'transaction' ? { prepare: false } : {};
}

export class UndeclaredPoolerError extends Error {
  override name = 'UndeclaredPoolerError';
  constructor() {
    super(
      'DATABASE_URL leads to a transaction-mode connection pooler (the PostgreSQL server process ' +
        'behind one connection changed between two of its statements). Prepared statements and ' +
        'session state do not hold there, so the server will not start on it as if it were a ' +
        'direct connection. Set DATABASE_POOLER=transaction to run behind the pooler (and ' +
        'DATABASE_MIGRATION_URL to a direct connection for migrations, if you have one), or ' +
        'point DATABASE_URL at the database itself.',
    );
  }
}

/**
 * True when connections to `url` do not keep their server process between statements. Two
 * connections, A and B: A opens a transaction, which pins a server process to it in any pooler;
 * B asks for its server's pid; A commits, setting its server process free; B asks again. On a
 * direct connection (or a session-mode pooler) B's pid never changes. A transaction pooler gives
 * B's next statement any free server process, and PgBouncer takes the one freed last: A's.
 */
export async function detectTransactionPooler(url: string, rounds = 3): Promise<boolean> {
  const options = { max: 1, prepare: false, onnotice: () => {} };
  const a = postgres(url, options);
  const b = postgres(url, options);
  const backendPid = async (sql: postgres.Sql) =>
    (await sql<{ pid: number }[]>`select pg_backend_pid() as pid`)[0]?.pid;
  try {
    for (let round = 0; round < rounds; round++) {
      await a`begin`;
      try {
        await backendPid(a);
        const before = await backendPid(b);
        await a`commit`;
        const after = await backendPid(b);
        if (before !== after) return true;
      } catch (error) {
        await a`rollback`.catch(() => {});
        throw error;
      }
    }
    return false;
  } finally {
    await Promise.all([a.end({ timeout: 5 }), b.end({ timeout: 5 })]);
  }
}

/** Throws UndeclaredPoolerError when `url` is behind a transaction pooler nobody declared. */
export async function assertPoolerDeclared(
  url: string,
  pooler: DatabasePooler | undefined,
): Promise<void> {
  if (pooler === 'transaction') return;
  if (await detectTransactionPooler(url)) throw new UndeclaredPoolerError();
}
