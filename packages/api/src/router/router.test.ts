import { randomUUID } from 'node:crypto';
import { openDatabase } from '@chat/db';
import { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../cursor.js';
import { appRouter } from '../root.js';
import type { Actor } from '../services/deps.js';
import {
  createChannel,
  createTestDeps,
  createUser,
  testDatabaseKinds,
  uniqueName,
  type TestDeps,
  type TestUser,
} from '../testing.js';
import { createCallerFactory, type Context } from '../trpc.js';

const createCaller = createCallerFactory(appRouter);

/** What a tRPC client receives for a failed call: the formatted error shape. */
interface ErrorResponse {
  error: {
    message: string;
    data: {
      code: string;
      httpStatus: number;
      path: string;
      stack?: string;
      issues?: { path: string; message: string }[];
    };
  };
}

describe.each(testDatabaseKinds())('tRPC router on %s', (kind) => {
  let deps: TestDeps;
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    deps = await createTestDeps(kind);
    [alice, bob] = await Promise.all([createUser(deps), createUser(deps)]);
  });
  afterAll(() => deps.dispose());

  const as = (actor: Actor | null, overrides: Partial<Context['deps']> = {}) =>
    createCaller({ deps: { ...deps, ...overrides }, actor });

  /** Calls a procedure over tRPC's HTTP handler and returns the status and JSON body a client gets. */
  async function overHttp(req: Request, actor: Actor | null, overrides: Partial<Context['deps']>) {
    const response = await fetchRequestHandler({
      endpoint: '/trpc',
      req,
      router: appRouter,
      createContext: () => ({ deps: { ...deps, ...overrides }, actor }),
    });
    return { status: response.status, body: (await response.json()) as ErrorResponse };
  }

  const post = (
    path: string,
    input: unknown,
    actor: Actor | null,
    overrides: Partial<Context['deps']> = {},
  ) =>
    overHttp(
      new Request(`http://localhost/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      }),
      actor,
      overrides,
    );

  const get = (
    path: string,
    input: unknown,
    actor: Actor | null,
    overrides: Partial<Context['deps']> = {},
  ) =>
    overHttp(
      new Request(
        `http://localhost/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
      ),
      actor,
      overrides,
    );

  async function trpcErrorOf(call: Promise<unknown>): Promise<TRPCError> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    return error as TRPCError;
  }

  describe('authentication', () => {
    it('answers UNAUTHORIZED to every protected procedure called without an actor', async () => {
      const anonymous = as(null);
      const channelId = randomUUID();
      const calls = [
        anonymous.auth.me(),
        anonymous.auth.logout({ refreshToken: 'x' }),
        anonymous.users.list({}),
        anonymous.users.get({ userId: alice.userId }),
        anonymous.channels.list({}),
        anonymous.channels.create({ name: 'nope' }),
        anonymous.channels.leave({ channelId }),
        anonymous.messages.history({ channelId }),
        anonymous.messages.send({ channelId, content: 'hi' }),
        anonymous.messages.markRead({ channelId, seq: 1 }),
        anonymous.channels.setMuted({ channelId, muted: true }),
      ];
      for (const call of calls) {
        expect((await trpcErrorOf(call)).code).toBe('UNAUTHORIZED');
      }
    });

    it('checks the actor before the input', async () => {
      const error = await trpcErrorOf(
        as(null).messages.send({ channelId: 'not-a-uuid', content: '' }),
      );
      expect(error.code).toBe('UNAUTHORIZED');
    });

    it('registers, logs in and refreshes without an actor', async () => {
      const anonymous = as(null);
      const username = uniqueName();
      const registered = await anonymous.auth.register({
        username,
        email: `${username}@example.test`,
        password: 'correct horse battery',
      });
      expect(registered.user).toMatchObject({ username, email: `${username}@example.test` });
      const session = await anonymous.auth.login({ username, password: 'correct horse battery' });
      const pair = await anonymous.auth.refresh({ refreshToken: session.refreshToken });
      const actor = { userId: registered.user.id, username };
      await as(actor).auth.logout({ refreshToken: pair.refreshToken });
      expect(
        (await trpcErrorOf(anonymous.auth.refresh({ refreshToken: pair.refreshToken }))).code,
      ).toBe('UNAUTHORIZED');
      await expect(as(actor).auth.me()).resolves.toMatchObject({ id: registered.user.id });
    });
  });

  describe('validation', () => {
    it('answers BAD_REQUEST for invalid input, before calling any service', async () => {
      const channel = await createChannel(deps, alice);
      const error = await trpcErrorOf(
        as(alice).messages.send({ channelId: channel.id, content: '   ' }),
      );
      expect(error.code).toBe('BAD_REQUEST');
      await expect(as(alice).channels.get({ channelId: channel.id })).resolves.toMatchObject({
        lastSeq: 0,
      });
    });

    it('tells the client what was wrong as data.issues, without a stack', async () => {
      const channel = await createChannel(deps, alice);
      const { status, body } = await post(
        'messages.send',
        { channelId: channel.id, content: '' },
        alice,
      );
      expect(status).toBe(400);
      expect(body.error.message).toBe('Invalid input');
      expect(body.error.data).toMatchObject({
        code: 'BAD_REQUEST',
        httpStatus: 400,
        path: 'messages.send',
      });
      expect(body.error.data.issues).toEqual([
        {
          path: 'content',
          message: 'must have 1 to 4000 characters (or be empty, with attachments)',
        },
      ]);
      expect(body.error.data.stack).toBeUndefined();
    });

    it('names every invalid field, nested paths joined with dots', async () => {
      const { body } = await post('channels.openDm', { userIds: ['nope'] }, alice);
      expect(body.error.data.issues).toEqual([{ path: 'userIds.0', message: 'must be a UUID' }]);
      const register = await post(
        'auth.register',
        { username: 'a', email: 'not-an-email', password: 'short' },
        null,
      );
      expect(register.body.error.data.issues?.map((issue) => issue.path).sort()).toEqual([
        'email',
        'password',
        'username',
      ]);
    });

    it('refuses text with a NUL character, which Postgres cannot store, as BAD_REQUEST', async () => {
      const channel = await createChannel(deps, alice);
      const me = as(alice);
      const calls = {
        content: () => me.messages.send({ channelId: channel.id, content: 'a\u0000b' }),
        clientMsgId: () =>
          me.messages.send({ channelId: channel.id, content: 'ok', clientMsgId: 'id\u0000' }),
        channelName: () => me.channels.create({ name: 'nul\u0000' }),
        displayName: () => me.auth.updateMe({ displayName: 'nul\u0000' }),
        avatarUrl: () => me.auth.updateMe({ avatarUrl: 'https://example.test/a\u0000.png' }),
        q: () => me.users.list({ q: 'a\u0000' }),
        loginUsername: () => as(null).auth.login({ username: 'a\u0000', password: 'whatever!' }),
        loginEmail: () =>
          as(null).auth.login({ email: 'a\u0000@example.test', password: 'whatever!' }),
        cursor: () => me.users.list({ cursor: encodeCursor(['\u0000', randomUUID()]) }),
      };
      const codes: Record<string, string> = {};
      for (const [field, call] of Object.entries(calls))
        codes[field] = (await trpcErrorOf(call())).code;
      expect(codes).toEqual(
        Object.fromEntries(Object.keys(calls).map((field) => [field, 'BAD_REQUEST'])),
      );
    });

    it('accepts only http and https avatar URLs', async () => {
      const me = as(alice);
      const script = await trpcErrorOf(me.auth.updateMe({ avatarUrl: 'javascript:alert(1)' }));
      expect(script.code).toBe('BAD_REQUEST');
      await expect(
        me.auth.updateMe({ avatarUrl: 'https://example.test/me.png' }),
      ).resolves.toMatchObject({
        avatarUrl: 'https://example.test/me.png',
      });
      await expect(me.auth.updateMe({ avatarUrl: null })).resolves.toMatchObject({
        avatarUrl: null,
      });
    });

    it('refuses a history query with both before and after', async () => {
      const channel = await createChannel(deps, alice);
      const error = await trpcErrorOf(
        as(alice).messages.history({ channelId: channel.id, before: 5, after: 1 }),
      );
      expect(error.code).toBe('BAD_REQUEST');
    });

    it('passes the issues of a domain BAD_REQUEST on, such as a foreign cursor', async () => {
      const error = await trpcErrorOf(as(alice).users.list({ cursor: 'garbage' }));
      expect(error.code).toBe('BAD_REQUEST');
      const listed = await get('users.list', { cursor: 'garbage' }, alice);
      expect(listed.status).toBe(400);
      expect(listed.body.error.data.issues).toEqual([
        { path: 'cursor', message: 'is not a cursor this API gave' },
      ]);
      const { status, body } = await post('channels.openDm', { userIds: [alice.userId] }, alice);
      expect(status).toBe(400);
      expect(body.error.data.issues).toEqual([{ path: 'userIds', message: 'has no other user' }]);
    });
  });

  describe('domain errors', () => {
    it('answers NOT_FOUND for a private channel of others, as for one that does not exist', async () => {
      const secret = await createChannel(deps, alice, { isPrivate: true });
      for (const channelId of [secret.id, randomUUID()]) {
        expect((await trpcErrorOf(as(bob).channels.get({ channelId }))).code).toBe('NOT_FOUND');
        expect((await trpcErrorOf(as(bob).messages.history({ channelId }))).code).toBe('NOT_FOUND');
        expect((await trpcErrorOf(as(bob).channels.join({ channelId }))).code).toBe('NOT_FOUND');
      }
      const { status, body } = await post('channels.join', { channelId: secret.id }, bob);
      expect(status).toBe(404);
      expect(body.error).toMatchObject({
        message: 'Channel not found',
        data: { code: 'NOT_FOUND' },
      });
    });

    it("answers FORBIDDEN for editing someone else's message", async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      const { message } = await as(alice).messages.send({ channelId: channel.id, content: 'mine' });
      const error = await trpcErrorOf(
        as(bob).messages.edit({ messageId: message.id, content: 'yours' }),
      );
      expect(error.code).toBe('FORBIDDEN');
    });

    it('answers FORBIDDEN for sending to a public channel without joining it', async () => {
      const channel = await createChannel(deps, alice);
      expect(
        (await trpcErrorOf(as(bob).messages.send({ channelId: channel.id, content: 'hi' }))).code,
      ).toBe('FORBIDDEN');
    });

    it('answers CONFLICT for a taken username and UNAUTHORIZED for wrong credentials', async () => {
      const anonymous = as(null);
      const taken = await trpcErrorOf(
        anonymous.auth.register({
          username: alice.username.toUpperCase(),
          email: `${uniqueName()}@example.test`,
          password: 'correct horse battery',
        }),
      );
      expect(taken.code).toBe('CONFLICT');
      const wrong = await trpcErrorOf(
        anonymous.auth.login({ username: alice.username, password: 'wrong password' }),
      );
      expect(wrong.code).toBe('UNAUTHORIZED');
    });

    it('answers NOT_FOUND for an unknown user', async () => {
      expect((await trpcErrorOf(as(alice).users.get({ userId: randomUUID() }))).code).toBe(
        'NOT_FOUND',
      );
    });

    it('hides the details of an unexpected failure behind INTERNAL_SERVER_ERROR', async () => {
      const channel = await createChannel(deps, alice);
      const failing = {
        send: () => Promise.reject(new Error('broker at 10.0.0.7:6379 said NOAUTH')),
      };
      const broken = { sends: failing as unknown as Context['deps']['sends'] };
      const { status, body } = await post(
        'messages.send',
        { channelId: channel.id, content: 'hi' },
        alice,
        broken,
      );
      expect(status).toBe(500);
      expect(body.error.data.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(body)).not.toContain('NOAUTH');
    });
    it('answers SERVICE_UNAVAILABLE when the database cannot be reached', async () => {
      // a real driver pointed at a port where no server listens
      const unreachable = await openDatabase({
        databaseUrl: 'postgres://postgres@127.0.0.1:1/chat',
        maxConnections: 1,
      });
      try {
        const { status, body } = await get('channels.list', {}, alice, { db: unreachable.db });
        expect(status).toBe(503);
        expect(body.error.data.code).toBe('SERVICE_UNAVAILABLE');
        expect(JSON.stringify(body)).not.toContain('ECONNREFUSED');
      } finally {
        await unreachable.close();
      }
    });
  });

  describe('procedures', () => {
    it('reads and changes the caller and other users', async () => {
      const me = as(alice);
      await expect(me.auth.me()).resolves.toMatchObject({
        id: alice.userId,
        email: `${alice.username}@example.test`,
      });
      await expect(me.auth.updateMe({ displayName: '  Alice A.  ' })).resolves.toMatchObject({
        displayName: 'Alice A.',
      });
      await expect(me.users.get({ userId: bob.userId })).resolves.toMatchObject({
        username: bob.username,
      });
      const listed = await me.users.list({ q: bob.username, limit: 5 });
      expect(listed.items.map((u) => u.id)).toEqual([bob.userId]);
    });

    it('runs a channel from creation to leaving', async () => {
      const channel = await as(alice).channels.create({ name: '  general  ' });
      expect(channel).toMatchObject({ name: 'general', isMember: true, memberCount: 1 });
      await expect(as(bob).channels.join({ channelId: channel.id })).resolves.toMatchObject({
        memberCount: 2,
      });
      const members = await as(bob).channels.members({ channelId: channel.id });
      expect(members.items.map((u) => u.id).sort()).toEqual([alice.userId, bob.userId].sort());
      // with each member's read mark (nothing posted yet)
      expect(members.items.map((u) => u.lastReadSeq)).toEqual([0, 0]);
      await as(bob).channels.leave({ channelId: channel.id });
      await expect(as(bob).channels.get({ channelId: channel.id })).resolves.toMatchObject({
        isMember: false,
      });
      await as(alice).channels.addMember({ channelId: channel.id, userId: bob.userId });
      await as(alice).channels.removeMember({ channelId: channel.id, userId: bob.userId });
      await expect(as(alice).channels.get({ channelId: channel.id })).resolves.toMatchObject({
        memberCount: 1,
      });
      const list = await as(bob).channels.list({ limit: 100 });
      expect(list.items.map((c) => c.id)).toContain(channel.id);
      const dm = await as(bob).channels.openDm({ userIds: [alice.userId] });
      await expect(as(alice).channels.openDm({ userIds: [bob.userId] })).resolves.toMatchObject({
        id: dm.id,
      });
    });

    it("sets the caller's own mute of a channel, members only", async () => {
      const channel = await as(alice).channels.create({ name: uniqueName('quiet') });
      await expect(
        as(alice).channels.setMuted({ channelId: channel.id, muted: true }),
      ).resolves.toMatchObject({ id: channel.id, muted: true });
      await expect(as(alice).channels.get({ channelId: channel.id })).resolves.toMatchObject({
        muted: true,
      });
      expect(
        (await trpcErrorOf(as(bob).channels.setMuted({ channelId: channel.id, muted: true }))).code,
      ).toBe('FORBIDDEN');
      const refused = await post(
        'channels.setMuted',
        { channelId: channel.id, muted: 'yes' },
        alice,
      );
      expect(refused.status).toBe(400);
      await as(alice).channels.setMuted({ channelId: channel.id, muted: false });
      await expect(as(alice).channels.get({ channelId: channel.id })).resolves.toMatchObject({
        muted: false,
      });
    });

    it('sends, reads, edits, deletes and marks messages read', async () => {
      const channel = await as(alice).channels.create({ name: 'talk', memberIds: [bob.userId] });
      const sent = await as(alice).messages.send({
        channelId: channel.id,
        content: ' hello ',
        clientMsgId: 'r-1',
      });
      expect(sent).toMatchObject({ created: true, message: { seq: 1, content: 'hello' } });
      await expect(
        as(alice).messages.send({ channelId: channel.id, content: 'hello', clientMsgId: 'r-1' }),
      ).resolves.toEqual({ message: sent.message, created: false });
      await as(alice).messages.edit({ messageId: sent.message.id, content: 'hello there' });
      await as(alice).messages.send({ channelId: channel.id, content: 'second' });
      const history = await as(bob).messages.history({ channelId: channel.id, limit: 10 });
      expect(history.items.map((m) => m.content)).toEqual(['hello there', 'second']);
      await expect(as(bob).messages.markRead({ channelId: channel.id, seq: 2 })).resolves.toEqual({
        lastReadSeq: 2,
      });
      await as(alice).messages.delete({ messageId: sent.message.id });
      const after = await as(bob).messages.history({ channelId: channel.id, after: 0 });
      expect(after.items[0]).toMatchObject({ seq: 1, deleted: true, content: '' });
    });
  });
});
