// sslmode in DATABASE_URL reaches postgres-js through openDatabase: `require` encrypts, and never
// falls back to talking in the clear to a server that offers no TLS.
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './client.js';

const databaseUrl = process.env.DATABASE_URL;

const withSslMode = (url: string, mode: string) => {
  const withMode = new URL(url);
  withMode.searchParams.set('sslmode', mode);
  return withMode.toString();
};

describe.skipIf(!databaseUrl)('TLS to PostgreSQL with sslmode=require (DATABASE_URL)', () => {
  it('encrypts when the server offers TLS, and refuses a server without it', async () => {
    const url = databaseUrl ?? '';
    const plain = postgres(url, { max: 1, onnotice: () => {} });
    const [setting] = await plain<{ ssl: string }[]>`show ssl`;
    await plain.end();

    const handle = await openDatabase({
      databaseUrl: withSslMode(url, 'require'),
      maxConnections: 1,
    });
    try {
      if (setting?.ssl === 'on') {
        const rows = await handle.db.execute<{ ssl: boolean }>(
          sql`select ssl from pg_stat_ssl where pid = pg_backend_pid()`,
        );
        expect(rows).toEqual([{ ssl: true }]); // postgres-js: an array of rows
      } else {
        await expect(handle.ping()).rejects.toThrow(/TLS|SSL|secure/i);
      }
    } finally {
      await handle.close();
    }
  });
});
