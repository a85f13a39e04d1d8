import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../cursor.js';
import {
  createTestDeps,
  createUser,
  testDatabaseKinds,
  uniqueName,
  type TestDeps,
} from '../testing.js';
import * as users from './users.js';
import type { User } from './views.js';

describe.each(testDatabaseKinds())('users service on %s', (kind) => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps(kind);
  });
  afterAll(() => deps.dispose());

  /** Every page of `listUsers`, followed through its cursors. */
  async function listAll(input: { q?: string; limit: number }) {
    const pages: User[][] = [];
    let cursor: string | undefined;
    do {
      const page = await users.listUsers(deps, { ...input, cursor });
      pages.push(page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && pages.length < 1000);
    return pages;
  }

  describe('me and updateProfile', () => {
    it('shows the caller their own user with email', async () => {
      const user = await createUser(deps);
      await expect(users.me(deps, user)).resolves.toMatchObject({
        id: user.userId,
        username: user.username,
        email: `${user.username}@example.test`,
        displayName: user.username,
        avatarUrl: null,
      });
    });

    it('changes the display name, avatar and status, and clears them with null', async () => {
      const user = await createUser(deps);
      await deps.presence.connect(user.userId, 'connection');
      const updated = await users.updateProfile(deps, user, {
        displayName: 'Dr. Who',
        avatarUrl: 'https://example.test/who.png',
        status: 'dnd',
      });
      expect(updated).toMatchObject({
        displayName: 'Dr. Who',
        avatarUrl: 'https://example.test/who.png',
        status: 'dnd',
      });
      await expect(users.me(deps, user)).resolves.toMatchObject({
        displayName: 'Dr. Who',
        status: 'dnd',
      });

      const cleared = await users.updateProfile(deps, user, { displayName: null, avatarUrl: null });
      // with no display name of their own, users are shown by their username
      expect(cleared).toMatchObject({ displayName: user.username, avatarUrl: null, status: 'dnd' });
    });

    it('leaves the fields it is not given as they were', async () => {
      const user = await createUser(deps);
      await users.updateProfile(deps, user, {
        displayName: 'Kept',
        avatarUrl: 'https://example.test/a.png',
      });
      await expect(users.updateProfile(deps, user, {})).resolves.toMatchObject({
        displayName: 'Kept',
        avatarUrl: 'https://example.test/a.png',
      });
      await expect(users.updateProfile(deps, user, { status: 'away' })).resolves.toMatchObject({
        displayName: 'Kept',
      });
    });
  });

  describe('getUser', () => {
    it('shows another user without their email', async () => {
      const user = await createUser(deps);
      const seen = await users.getUser(deps, user.userId);
      expect(seen).toMatchObject({ id: user.userId, username: user.username });
      expect(seen).not.toHaveProperty('email');
    });

    it('answers NOT_FOUND for an unknown id', async () => {
      await expect(users.getUser(deps, randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('status', () => {
    it("is 'offline' while the user has no connection, whatever they chose", async () => {
      const user = await createUser(deps);
      await users.updateProfile(deps, user, { status: 'away' });
      await expect(users.getUser(deps, user.userId)).resolves.toMatchObject({ status: 'offline' });
      await expect(users.me(deps, user)).resolves.toMatchObject({ status: 'offline' });
    });

    it('is the chosen status while the user is connected, and offline again after', async () => {
      const user = await createUser(deps);
      await deps.presence.connect(user.userId, 'socket-1');
      await expect(users.getUser(deps, user.userId)).resolves.toMatchObject({ status: 'online' });
      await users.updateProfile(deps, user, { status: 'away' });
      await expect(users.getUser(deps, user.userId)).resolves.toMatchObject({ status: 'away' });
      const listed = await users.listUsers(deps, { limit: 10, q: user.username });
      expect(listed.items.map((u) => u.status)).toEqual(['away']);
      await deps.presence.disconnect(user.userId, 'socket-1');
      await expect(users.getUser(deps, user.userId)).resolves.toMatchObject({ status: 'offline' });
    });
  });

  describe('listUsers', () => {
    it('pages through every user once, in username order', async () => {
      const tag = uniqueName('page');
      const names = ['g', 'c', 'a', 'e', 'b', 'f', 'd'].map((letter) => `${tag}${letter}`);
      for (const username of names) await createUser(deps, { username });

      const pages = await listAll({ q: tag, limit: 3 });
      expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
      expect(pages.flat().map((u) => u.username)).toEqual([...names].sort());
    });

    it('pages through all users without a filter, each once and in order', async () => {
      for (let i = 0; i < 4; i++) await createUser(deps);
      const all = (await listAll({ limit: 3 })).flat().map((u) => u.username.toLowerCase());
      expect(all.length).toBeGreaterThanOrEqual(4);
      expect(new Set(all).size).toBe(all.length);
      expect(all).toEqual([...all].sort());
    });

    it('sorts usernames regardless of their case', async () => {
      const tag = uniqueName('case');
      await createUser(deps, { username: `${tag}B` });
      await createUser(deps, { username: `${tag}a` });
      await createUser(deps, { username: `${tag}C` });
      const page = await users.listUsers(deps, { limit: 2, q: tag });
      const rest = await users.listUsers(deps, {
        limit: 2,
        q: tag,
        cursor: page.nextCursor ?? undefined,
      });
      expect([...page.items, ...rest.items].map((u) => u.username)).toEqual([
        `${tag}a`,
        `${tag}B`,
        `${tag}C`,
      ]);
      expect(rest.nextCursor).toBeNull();
    });

    it('filters by username prefix, ignoring case', async () => {
      const tag = uniqueName('Prefix');
      await createUser(deps, { username: `${tag}one` });
      await createUser(deps, { username: `${tag}two` });
      await createUser(deps, { username: `x${tag}` });
      const found = await users.listUsers(deps, { limit: 10, q: tag.toUpperCase() });
      expect(found.items.map((u) => u.username)).toEqual([`${tag}one`, `${tag}two`]);
      expect(found.nextCursor).toBeNull();
    });

    it('treats % and _ in the prefix as plain characters', async () => {
      const tag = uniqueName('like');
      await createUser(deps, { username: `${tag}_x` });
      await createUser(deps, { username: `${tag}ax` });
      const underscore = await users.listUsers(deps, { limit: 10, q: `${tag}_` });
      expect(underscore.items.map((u) => u.username)).toEqual([`${tag}_x`]);
      const percent = await users.listUsers(deps, { limit: 10, q: `${tag}%` });
      expect(percent.items).toEqual([]);
      const backslash = await users.listUsers(deps, { limit: 10, q: `${tag}\\` });
      expect(backslash.items).toEqual([]);
    });

    it('answers BAD_REQUEST for a cursor it did not give', async () => {
      for (const cursor of [
        'garbage',
        encodeCursor(['a', 'not-a-uuid']),
        Buffer.from('{"a":1}').toString('base64url'),
      ]) {
        await expect(users.listUsers(deps, { limit: 3, cursor })).rejects.toMatchObject({
          code: 'BAD_REQUEST',
        });
      }
    });
  });
});
