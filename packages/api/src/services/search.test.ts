import { Readable } from 'node:stream';
import { schema } from '@chat/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { searchQuery } from '../schemas/index.js';
import {
  createChannel,
  createTestDeps,
  hostileQueries,
  createUser,
  testDatabaseKinds,
  type TestDeps,
  type TestUser,
} from '../testing.js';
import * as files from './files.js';
import * as messages from './messages.js';
import { parseSearch } from './search-query.js';
import * as search from './search.js';

describe('parseSearch', () => {
  it('takes the operators out and leaves the words', () => {
    expect(
      parseSearch(
        'zebra from:@alice in:#general before:2026-03-01 after:2026-01-31 has:file "a b"',
      ),
    ).toEqual({
      text: 'zebra "a b"',
      from: ['alice'],
      in: ['general'],
      before: new Date('2026-03-01T00:00:00.000Z'),
      after: new Date('2026-02-01T00:00:00.000Z'),
      hasFile: true,
    });
  });

  it('leaves an operator inside a quoted phrase alone', () => {
    expect(parseSearch('"from:bob says hi"')).toMatchObject({
      text: '"from:bob says hi"',
      from: [],
    });
  });
});

describe.each(testDatabaseKinds())('search service on %s', (kind) => {
  let deps: TestDeps;
  let alice: TestUser;
  let bob: TestUser;
  let outsider: TestUser;
  let general: { id: string; name: string | null };
  let secret: { id: string; name: string | null };
  beforeAll(async () => {
    deps = await createTestDeps(kind);
    [alice, bob, outsider] = await Promise.all([
      createUser(deps),
      createUser(deps),
      createUser(deps),
    ]);
    general = await createChannel(deps, alice, { memberIds: [bob.userId] });
    secret = await createChannel(deps, alice, { isPrivate: true, memberIds: [bob.userId] });
  });
  afterAll(() => deps.dispose());

  const send = async (actor: TestUser, channelId: string, content: string) =>
    (await messages.sendMessage(deps, actor, { channelId, content })).message;
  const find = async (actor: TestUser, q: string, extra: { channelId?: string } = {}) =>
    search.searchMessages(deps, actor, searchQuery.parse({ q, ...extra }));
  const contentsOf = async (actor: TestUser, q: string) =>
    (await find(actor, q)).items.map((hit) => hit.content);

  it('stems: "zebras" finds "zebra", "running" finds "runs"', async () => {
    await send(alice, general.id, 'a zebra crossed the road');
    await send(alice, general.id, 'she runs every morning');
    expect(await contentsOf(bob, 'zebras')).toEqual(['a zebra crossed the road']);
    expect(await contentsOf(bob, 'running')).toEqual(['she runs every morning']);
  });

  it('ranks the better match first, and the newest first among equals', async () => {
    const c = await createChannel(deps, alice);
    await send(alice, c.id, 'giraffe');
    await send(alice, c.id, 'giraffe giraffe giraffe, all the giraffes');
    await send(alice, c.id, 'giraffe');
    const { items } = await find(alice, `giraffe in:${c.name}`);
    expect(items.map((m) => m.seq)).toEqual([2, 3, 1]);
  });

  it('wraps the terms in <mark> and escapes everything else', async () => {
    await send(alice, general.id, '<b>okapi</b> & "friends" <script>x</script>');
    const [hit] = (await find(alice, 'okapi')).items;
    expect(hit?.highlight).toBe(
      '&lt;b&gt;<mark>okapi</mark>&lt;/b&gt; &amp; &quot;friends&quot; &lt;script&gt;x&lt;/script&gt;',
    );
  });

  it('finds only what the caller can read', async () => {
    await send(alice, secret.id, 'the narwhal plan is secret');
    await send(alice, general.id, 'a public narwhal');
    expect(await contentsOf(bob, 'narwhal')).toHaveLength(2);
    expect(await contentsOf(outsider, 'narwhal')).toEqual(['a public narwhal']);
    expect(await contentsOf(outsider, `narwhal in:${secret.name}`)).toEqual([]);
    await expect(find(outsider, 'narwhal', { channelId: secret.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await find(bob, 'narwhal', { channelId: secret.id })).items).toHaveLength(1);
  });

  it('leaves deleted messages out', async () => {
    const gone = await send(alice, general.id, 'the quokka vanished');
    await messages.deleteMessage(deps, alice, gone.id);
    expect(await contentsOf(alice, 'quokka')).toEqual([]);
  });

  describe('operators', () => {
    it('from: one author (with or without @)', async () => {
      await send(alice, general.id, 'alice likes lemurs');
      await send(bob, general.id, 'bob likes lemurs');
      expect(await contentsOf(alice, `lemurs from:${bob.username}`)).toEqual(['bob likes lemurs']);
      expect(await contentsOf(alice, `lemurs from:@${alice.username}`)).toEqual([
        'alice likes lemurs',
      ]);
      expect(await contentsOf(alice, 'lemurs from:nobody-at-all')).toEqual([]);
    });

    it('in: one channel (with or without #)', async () => {
      const other = await createChannel(deps, alice);
      await send(alice, other.id, 'tapir in another place');
      await send(alice, general.id, 'tapir here');
      expect(await contentsOf(alice, `tapir in:#${other.name}`)).toEqual([
        'tapir in another place',
      ]);
    });

    it('before: and after: (days in UTC, the named day excluded)', async () => {
      const old = await send(alice, general.id, 'an ancient axolotl');
      await send(alice, general.id, 'a recent axolotl');
      await deps.db
        .update(schema.messages)
        .set({ createdAt: new Date('2020-06-15T12:00:00.000Z') })
        .where(eq(schema.messages.id, old.id));
      expect(await contentsOf(alice, 'axolotl before:2020-06-16')).toEqual(['an ancient axolotl']);
      expect(await contentsOf(alice, 'axolotl before:2020-06-15')).toEqual([]);
      expect(await contentsOf(alice, 'axolotl after:2020-06-14')).toEqual([
        'a recent axolotl',
        'an ancient axolotl',
      ]);
      expect(await contentsOf(alice, 'axolotl after:2020-06-15')).toEqual(['a recent axolotl']);
    });

    it('has:file, also alone (then newest first)', async () => {
      const upload = await files.uploadFile(deps, alice, {
        name: 'map.txt',
        body: Readable.from([Buffer.from('a map')]),
      });
      const c = await createChannel(deps, alice);
      await send(alice, c.id, 'pangolin without a file');
      await messages.sendMessage(deps, alice, {
        channelId: c.id,
        content: 'pangolin with a file',
        attachmentIds: [upload.id],
      });
      const [hit] = (await find(alice, 'pangolin has:file')).items;
      expect(hit?.content).toBe('pangolin with a file');
      expect(hit?.attachments.map((a) => a.id)).toEqual([upload.id]);
      expect(await contentsOf(alice, `has:file in:${c.name}`)).toEqual(['pangolin with a file']);
    });

    it('refuses a day that does not exist, or an unknown has:', async () => {
      for (const q of ['x before:2026-02-30', 'x after:2026-1-1', 'x has:cake']) {
        await expect(find(alice, q)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      }
    });
  });

  it('pages through the hits with a cursor: each once, in order', async () => {
    const c = await createChannel(deps, alice);
    for (let i = 0; i < 7; i++) await send(alice, c.id, `wombat ${'wombat '.repeat(i % 3)}${i}`);
    const all = (
      await search.searchMessages(
        deps,
        alice,
        searchQuery.parse({ q: `wombat in:${c.name}`, limit: 100 }),
      )
    ).items;
    expect(all).toHaveLength(7);
    const paged = [];
    let cursor: string | undefined;
    do {
      const page = await search.searchMessages(
        deps,
        alice,
        searchQuery.parse({ q: `wombat in:${c.name}`, limit: 3, cursor }),
      );
      paged.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged.map((m) => m.id)).toEqual(all.map((m) => m.id));
    await expect(
      search.searchMessages(deps, alice, searchQuery.parse({ q: 'wombat', cursor: 'bogus' })),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('answers every hostile query with hits or BAD_REQUEST, never a server error', async () => {
    await send(alice, general.id, 'zebra & friends | (all) of them: "quoted" \\ *');
    for (const q of hostileQueries) {
      const parsed = searchQuery.safeParse({ q });
      if (!parsed.success) continue; // the transports answer that with 400
      try {
        const page = await search.searchMessages(deps, alice, parsed.data);
        expect(Array.isArray(page.items), q).toBe(true);
      } catch (error) {
        expect(error, q).toBeInstanceOf(AppError);
        expect((error as AppError).code, q).toBe('BAD_REQUEST');
      }
    }
  });
});
