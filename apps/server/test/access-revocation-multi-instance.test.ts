// Access ends at once across instances: two server processes (dist/main.js) on one PostgreSQL
// database and one Redis. A member removed through instance A stops receiving the private
// channel on instance B within 1 s, on /ws, tRPC over WebSocket and tRPC over SSE; a logout
// through A ends that login's socket on B. Needs DATABASE_URL and REDIS_URL.
import { randomBytes } from 'node:crypto';
import type { Message } from '@chat/api/server';
import { createEmptyPostgresDatabase } from '@chat/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request, startServer, stopAllServers, type StartedServer } from './server-process.js';
import {
  connectTrpcTo,
  recordMessages,
  recordTyping,
  stopAllSubscriptions,
  type TrpcConnection,
  type Transport,
} from './trpc-clients.js';
import { closeAllClients, eventually, ofType, WsClient } from './ws-client.js';

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const transports: Transport[] = ['websocket', 'sse'];

interface User {
  id: string;
  username: string;
  accessToken: string;
  refreshToken: string;
}

describe.skipIf(!databaseUrl || !redisUrl)(
  'access that ends at once across two instances (DATABASE_URL, REDIS_URL)',
  () => {
    let database: Awaited<ReturnType<typeof createEmptyPostgresDatabase>> | undefined;
    let a: StartedServer;
    let b: StartedServer;
    const connections: TrpcConnection[] = [];

    beforeAll(async () => {
      database = await createEmptyPostgresDatabase();
      const env = {
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl ?? '',
        REDIS_KEY_PREFIX: `test:${randomBytes(6).toString('hex')}:`,
        JWT_SECRET: randomBytes(48).toString('base64url'),
      };
      a = await startServer({ env, timeoutMs: 120_000 });
      b = await startServer({ env, timeoutMs: 120_000 });
    }, 240_000);
    afterEach(async () => {
      stopAllSubscriptions();
      await Promise.all(connections.splice(0).map((connection) => connection.close()));
      await closeAllClients();
    });
    afterAll(async () => {
      await stopAllServers();
      await database?.drop();
    });

    const wsUrl = (server: StartedServer, user: User) =>
      `${server.url.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(user.accessToken)}`;

    async function register(server: StartedServer): Promise<User> {
      const username = `u_${randomBytes(5).toString('hex')}`;
      const reply = await request<{
        user: { id: string };
        accessToken: string;
        refreshToken: string;
      }>(server.url, 'POST', '/api/auth/register', {
        body: { username, email: `${username}@example.test`, password: 'correct horse battery' },
      });
      expect(reply.status).toBe(201);
      return { id: reply.body.user.id, username, ...reply.body };
    }

    async function post(server: StartedServer, user: User, channelId: string, content: string) {
      const reply = await request<{ message: Message }>(
        server.url,
        'POST',
        `/api/channels/${channelId}/messages`,
        { token: user.accessToken, body: { content } },
      );
      expect(reply.status).toBe(201);
      return reply.body.message;
    }

    it('stops /ws, tRPC over WebSocket and tRPC over SSE on B within 1 s of a removal through A', async () => {
      const [owner, bob, carol] = [await register(a), await register(b), await register(a)];
      const created = await request<{ channel: { id: string } }>(a.url, 'POST', '/api/channels', {
        token: owner.accessToken,
        body: {
          name: `secret_${randomBytes(3).toString('hex')}`,
          isPrivate: true,
          memberIds: [bob.id, carol.id],
        },
      });
      expect(created.status).toBe(201);
      const channelId = created.body.channel.id;

      const ws = await WsClient.connect(wsUrl(b, bob));
      await ws.next(ofType('ready'));
      const carolOnB = await WsClient.connect(wsUrl(b, carol));
      await carolOnB.next(ofType('ready'));
      const subscriptions = transports.map((transport) => {
        const connection = connectTrpcTo(b.url, bob.accessToken, transport);
        connections.push(connection);
        return {
          transport,
          messages: recordMessages(connection.client, channelId),
          typing: recordTyping(connection.client, channelId),
        };
      });
      const first = await post(a, owner, channelId, 'before');
      await ws.next((frame) => frame.type === 'message' && frame.id === first.id);
      for (const { transport, messages, typing } of subscriptions) {
        await eventually(() => messages.items.some((m) => m.id === first.id), `${transport} live`);
        await eventually(() => typing.items.length > 0, `${transport} typing live`);
      }

      const removal = await request(
        a.url,
        'DELETE',
        `/api/channels/${channelId}/members/${bob.id}`,
        {
          token: owner.accessToken,
        },
      );
      expect(removal.status).toBe(204);
      const removedAt = Date.now();
      const after = await post(a, owner, channelId, 'after the removal');

      await ws.next(ofType('leave', { channel: channelId, userId: bob.id }), 1_000);
      for (const { transport, messages, typing } of subscriptions) {
        await eventually(
          () => messages.error !== null && typing.error !== null,
          `the ${transport} subscriptions on B to end`,
          Math.max(0, removedAt + 1_000 - Date.now()),
        );
        expect(messages.error?.data?.code, transport).toBe('NOT_FOUND');
        expect(typing.error?.data?.code, transport).toBe('NOT_FOUND');
      }
      // carol, still a member on B, got what bob must not have
      await carolOnB.waitFor((frame) => frame.type === 'message' && frame.id === after.id);
      await ws.roundTrip();
      expect(ws.messages(channelId).map((m) => m.content)).toEqual(['before']);
      for (const { transport, messages } of subscriptions)
        expect(
          messages.items.map((m) => m.content),
          transport,
        ).toEqual(['before']);
    });

    it("ends a login's socket on B when it logs out through A, and B refuses its token", async () => {
      const bob = await register(a);
      const ws = await WsClient.connect(wsUrl(b, bob));
      await ws.next(ofType('ready'));
      const logout = await request(a.url, 'POST', '/api/auth/logout', {
        token: bob.accessToken,
        body: { refreshToken: bob.refreshToken },
      });
      expect(logout.status).toBe(204);
      const closed = await Promise.race([
        ws.closed,
        new Promise((resolve) => setTimeout(() => resolve('still open'), 1_000)),
      ]);
      expect(closed).toMatchObject({ code: 1008 });
      const me = await request(b.url, 'GET', '/api/auth/me', { token: bob.accessToken });
      expect(me.status).toBe(401);
    });
  },
);
