// GET /api/search through app.inject: the page shape, scoping, operators, hostile input.
import { hostileQueries } from '@chat/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  createChannel,
  expectError,
  expectValidationError,
  messageKeys,
  registerUser,
  sendMessage,
  testDatabaseKinds,
  type MessageBody,
  type RegisteredUser,
  type TestApp,
} from './helpers.js';

type Hit = MessageBody & { highlight: string };

describe.each(testDatabaseKinds())('REST search on %s', (kind) => {
  let t: TestApp;
  let alice: RegisteredUser;
  let outsider: RegisteredUser;
  beforeAll(async () => {
    t = await buildTestApp(kind);
    [alice, outsider] = await Promise.all([registerUser(t.app), registerUser(t.app)]);
  });
  afterAll(() => t.close());

  const search = (user: RegisteredUser, query: Record<string, string>) =>
    t.app.inject({ method: 'GET', url: '/api/search', headers: user.auth, query });

  it('answers a page of hits, each a Message with its highlight', async () => {
    const channel = await createChannel(t.app, alice);
    await sendMessage(t.app, alice, channel.id, 'Two zebras & a <b>lion</b>');
    const response = await search(alice, { q: 'zebra', channelId: channel.id });
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json<{ items: Hit[]; nextCursor: string | null }>();
    expect(page.nextCursor).toBeNull();
    expect(page.items).toHaveLength(1);
    const [hit] = page.items;
    expect(Object.keys(hit ?? {}).sort()).toEqual([...messageKeys, 'highlight'].sort());
    expect(hit?.highlight).toBe('Two <mark>zebras</mark> &amp; a &lt;b&gt;lion&lt;/b&gt;');
  });

  it('keeps private channels out for outsiders; NOT_FOUND for their channelId', async () => {
    const secret = await createChannel(t.app, alice, { isPrivate: true });
    await sendMessage(t.app, alice, secret.id, 'classified hippopotamus');
    const mine = await search(alice, { q: 'hippopotamus' });
    expect(mine.json<{ items: Hit[] }>().items).toHaveLength(1);
    const theirs = await search(outsider, { q: 'hippopotamus' });
    expect(theirs.json<{ items: Hit[] }>().items).toEqual([]);
    expectError(await search(outsider, { q: 'x', channelId: secret.id }), 404, 'NOT_FOUND');
  });

  it('pages with limit and cursor', async () => {
    const channel = await createChannel(t.app, alice);
    for (let i = 0; i < 3; i++) await sendMessage(t.app, alice, channel.id, `meerkat ${i}`);
    const first = await search(alice, { q: `meerkat in:${channel.name}`, limit: '2' });
    const page = first.json<{ items: Hit[]; nextCursor: string | null }>();
    expect(page.items.map((m) => m.content)).toEqual(['meerkat 2', 'meerkat 1']);
    const second = await search(alice, {
      q: `meerkat in:${channel.name}`,
      limit: '2',
      cursor: page.nextCursor ?? '',
    });
    expect(second.json<{ items: Hit[] }>().items.map((m) => m.content)).toEqual(['meerkat 0']);
  });

  it('answers malformed input with 400', async () => {
    expectValidationError(await search(alice, {}), 'q');
    expectValidationError(await search(alice, { q: '   ' }), 'q');
    expectValidationError(await search(alice, { q: 'x'.repeat(501) }), 'q');
    expectValidationError(await search(alice, { q: 'x', limit: '0' }), 'limit');
    expectValidationError(await search(alice, { q: 'x', channelId: 'nope' }), 'channelId');
    expectValidationError(await search(alice, { q: 'x', cursor: 'garbage' }), 'cursor');
    expectValidationError(await search(alice, { q: 'x before:2026-13-01' }), 'q');
    expectError(await t.app.inject({ method: 'GET', url: '/api/search?q=x' }), 401, 'UNAUTHORIZED');
  });

  it('never answers a hostile query with a server error', async () => {
    const channel = await createChannel(t.app, alice);
    await sendMessage(t.app, alice, channel.id, 'zebra & friends | (all) "quoted" \\ *');
    for (const q of [...hostileQueries, 'x\u0000y', '\ud800 lone']) {
      const response = await search(alice, { q });
      expect([200, 400], `${JSON.stringify(q)}: ${response.body}`).toContain(response.statusCode);
    }
  });
});
