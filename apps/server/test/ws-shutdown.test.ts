// A graceful shutdown records the disconnects of its /ws connections (presence, lastSeen)
// before the stores behind them close.
import { schema } from '@chat/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { registerUser, testDatabaseKinds } from './helpers.js';
import { closeAllClients, startTestServer, WsClient } from './ws-client.js';

describe.each(testDatabaseKinds())('/ws on shutdown on %s', (kind) => {
  it('takes its connected users offline and sets their lastSeen as the server closes', async () => {
    const server = await startTestServer(kind);
    try {
      const alice = await registerUser(server.app);
      await WsClient.ready(server, alice.accessToken);
      const connected = await server.runtime.deps.presence.connectedUserIds([alice.id]);
      expect(connected.has(alice.id)).toBe(true);

      await server.app.close();

      const after = await server.runtime.deps.presence.connectedUserIds([alice.id]);
      expect(after.has(alice.id)).toBe(false);
      const [row] = await server.runtime.deps.db
        .select({ lastSeen: schema.users.lastSeen })
        .from(schema.users)
        .where(eq(schema.users.id, alice.id));
      expect(row?.lastSeen).toBeInstanceOf(Date);
    } finally {
      await closeAllClients();
      await server.close();
    }
  });
});
