// REST users (GET /api/users, /api/users/:id): pages, prefix search, and what a user may see of others.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  expectError,
  expectValidationError,
  isoTime,
  registerUser,
  testDatabaseKinds,
  userKeys,
  type RegisteredUser,
  type TestApp,
  type UserBody,
} from './helpers.js';

interface UserPage {
  items: UserBody[];
  nextCursor: string | null;
}

describe.each(testDatabaseKinds())('REST users on %s', (kind) => {
  let t: TestApp;
  let viewer: RegisteredUser;
  // "zed" sorts after every generated name, so a prefix search for it sees only these
  const names = ['zed_b', 'Zed_a', 'zed-c', 'zed.d', 'zedxe'];
  const registered: RegisteredUser[] = [];

  beforeAll(async () => {
    t = await buildTestApp(kind);
    viewer = await registerUser(t.app);
    for (const name of names) registered.push(await registerUser(t.app, name));
  });
  afterAll(() => t.close());

  const get = (url: string, user: RegisteredUser = viewer) =>
    t.app.inject({ method: 'GET', url, headers: user.auth });

  describe('GET /api/users', () => {
    it('answers 200 with a page of users as others see them: no email, no password', async () => {
      const response = await get('/api/users');
      expect(response.statusCode).toBe(200);
      const page = response.json<UserPage>();
      expect(Object.keys(page).sort()).toEqual(['items', 'nextCursor']);
      expect(page.nextCursor).toBeNull();
      expect(page.items.map((u) => u.id)).toEqual(
        expect.arrayContaining([viewer.id, ...registered.map((u) => u.id)]),
      );
      for (const user of page.items) {
        expect(Object.keys(user).sort()).toEqual(userKeys);
        expect(user.createdAt).toMatch(isoTime);
        if (user.lastSeen !== null) expect(user.lastSeen).toMatch(isoTime);
      }
      expect(response.body).not.toMatch(/email|@example\.test|passwordHash|password_hash|\$argon2/);
    });

    it('orders users by username regardless of case', async () => {
      const order = (await get('/api/users?q=zed')).json<UserPage>().items.map((u) => u.username);
      expect(order.indexOf('Zed_a')).toBeLessThan(order.indexOf('zed_b'));
      expect(order.indexOf('zed_b')).toBeLessThan(order.indexOf('zedxe'));
    });

    it('filters by username prefix, case-insensitively', async () => {
      const page = (await get('/api/users?q=ZED_')).json<UserPage>();
      expect(page.items.map((u) => u.username).sort()).toEqual(['Zed_a', 'zed_b']);
    });

    it('treats "_" and "%" in the prefix as plain characters, not wildcards', async () => {
      expect((await get('/api/users?q=zed_')).json<UserPage>().items).toHaveLength(2);
      expect((await get('/api/users?q=zed%25')).json<UserPage>().items).toEqual([]);
      expect((await get('/api/users?q=%25')).json<UserPage>().items).toEqual([]);
    });

    it('walks every user once through nextCursor', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const url: string = `/api/users?q=zed&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const response = await get(url);
        expect(response.statusCode, response.body).toBe(200);
        const page = response.json<UserPage>();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((u) => u.username));
        cursor = page.nextCursor;
        if (cursor === null) break;
      }
      expect(seen).toHaveLength(names.length);
      expect(new Set(seen)).toEqual(new Set(names));
    });

    it('gives nextCursor null on the last page even when it is full', async () => {
      const page = (await get(`/api/users?q=zed&limit=${names.length}`)).json<UserPage>();
      expect(page.items).toHaveLength(names.length);
      expect(page.nextCursor).toBeNull();
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=-1', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=2.5', 'limit'],
      [`q=${'a'.repeat(33)}`, 'q'],
    ])('rejects ?%s with 400', async (query, path) => {
      expectValidationError(await get(`/api/users?${query}`), path);
    });

    it('accepts the limits 1 and 100', async () => {
      expect((await get('/api/users?limit=1')).json<UserPage>().items).toHaveLength(1);
      expect((await get('/api/users?limit=100')).statusCode).toBe(200);
    });

    it.each([
      ['garbage', 'not-a-cursor'],
      ['base64 of a non-array', Buffer.from('{"a":1}').toString('base64url')],
      ['base64 of a foreign key', Buffer.from('["x","not-a-uuid"]').toString('base64url')],
      ['too long', 'a'.repeat(600)],
    ])('rejects a %s cursor with 400', async (_name, cursor) => {
      expectError(await get(`/api/users?cursor=${cursor}`), 400, 'BAD_REQUEST');
    });

    it('requires an access token', async () => {
      expectError(await t.app.inject({ method: 'GET', url: '/api/users' }), 401, 'UNAUTHORIZED');
    });
  });

  describe('GET /api/users/:id', () => {
    it('answers 200 with the user as others see them', async () => {
      const other = registered[0];
      if (!other) throw new Error('no users registered');
      const response = await get(`/api/users/${other.id}`);
      expect(response.statusCode).toBe(200);
      const body = response.json<{ user: UserBody }>();
      expect(Object.keys(body)).toEqual(['user']);
      expect(Object.keys(body.user).sort()).toEqual(userKeys);
      expect(body.user).toMatchObject({
        id: other.id,
        username: other.username,
        displayName: other.username,
      });
      expect(response.body).not.toMatch(/email|@example\.test|passwordHash|password_hash|\$argon2/);
    });

    it('answers 404 for an unknown id', async () => {
      expectError(await get(`/api/users/${randomUUID()}`), 404, 'NOT_FOUND');
    });

    it.each(['not-a-uuid', '123', `${randomUUID()}x`])(
      'rejects the id "%s" with 400',
      async (id) => {
        expectValidationError(await get(`/api/users/${id}`), 'id');
      },
    );

    it('requires an access token', async () => {
      expectError(
        await t.app.inject({ method: 'GET', url: `/api/users/${viewer.id}` }),
        401,
        'UNAUTHORIZED',
      );
    });
  });
});
