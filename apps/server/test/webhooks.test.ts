// Slack-compatible incoming webhooks (API.md "Integrations"): managed by channel members, posting
// through POST /hooks/<secret> into their own channel only, shown with their name; bad bodies
// get a 4xx with the contract's error body, never a 5xx.
import { createHash } from 'node:crypto';
import { schema } from '@chat/db';
import { eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannel,
  expectError,
  expectValidationError,
  isoTime,
  messageKeys,
  registerUser,
  sendMessage,
  testDatabaseKinds,
  type MessageBody,
  type RegisteredUser,
} from './helpers.js';
import {
  closeAllClients,
  ofType,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

interface WebhookBody {
  id: string;
  name: string;
  channelId: string;
  createdBy: string;
  createdAt: string;
  url?: string;
}

describe.each(testDatabaseKinds())('incoming webhooks on %s', (kind) => {
  let server: TestServer;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let carol: RegisteredUser;

  const createWebhook = async (owner: RegisteredUser, channelId: string, name = 'Deploy bot') => {
    const response = await server.app.inject({
      method: 'POST',
      url: `/api/channels/${channelId}/webhooks`,
      headers: owner.auth,
      payload: { name },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ webhook: WebhookBody & { url: string } }>().webhook;
  };
  const post = (url: string, payload: unknown, contentType = 'application/json') =>
    server.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': contentType },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const history = async (viewer: RegisteredUser, channelId: string) => {
    const response = await server.app.inject({
      method: 'GET',
      url: `/api/channels/${channelId}/messages`,
      headers: viewer.auth,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ items: MessageBody[] }>().items;
  };
  const expectOk = (response: LightMyRequestResponse) => {
    expect(response.statusCode, response.body).toBe(200);
    expect(response.body).toBe('ok');
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
  };

  beforeAll(async () => {
    server = await startTestServer(kind, { webhookRateLimit: { points: 1000 } });
    [alice, bob, carol] = await Promise.all([
      registerUser(server.app),
      registerUser(server.app),
      registerUser(server.app),
    ]);
  });
  afterEach(closeAllClients);
  afterAll(() => server.close());

  it('gives a member a webhook whose URL is shown once and whose secret is stored hashed', async () => {
    const channel = await createChannel(server.app, alice);
    const webhook = await createWebhook(alice, channel.id);
    expect(Object.keys(webhook).sort()).toEqual([
      'channelId',
      'createdAt',
      'createdBy',
      'id',
      'name',
      'url',
    ]);
    expect(webhook).toMatchObject({
      name: 'Deploy bot',
      channelId: channel.id,
      createdBy: alice.id,
    });
    expect(webhook.createdAt).toMatch(isoTime);
    expect(webhook.url).toMatch(/^\/hooks\/[A-Za-z0-9_-]{43}$/);
    const secret = webhook.url.slice('/hooks/'.length);

    const [row] = await server.runtime.database.db
      .select()
      .from(schema.webhooks)
      .where(eq(schema.webhooks.id, webhook.id));
    expect(row?.secretHash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secret);

    const list = await server.app.inject({
      method: 'GET',
      url: `/api/channels/${channel.id}/webhooks`,
      headers: alice.auth,
    });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.body).not.toContain(secret);
    const items = list.json<{ items: WebhookBody[] }>().items;
    expect(items.map((item) => item.id)).toEqual([webhook.id]);
    expect(Object.keys(items[0] ?? {})).not.toContain('url');
  });

  it('lets only members manage webhooks; a private channel stays hidden', async () => {
    const open = await createChannel(server.app, alice);
    const hidden = await createChannel(server.app, alice, { isPrivate: true });
    const add = (who: RegisteredUser, channelId: string, payload: object = { name: 'x' }) =>
      server.app.inject({
        method: 'POST',
        url: `/api/channels/${channelId}/webhooks`,
        headers: who.auth,
        payload,
      });
    const list = (who: RegisteredUser, channelId: string) =>
      server.app.inject({
        method: 'GET',
        url: `/api/channels/${channelId}/webhooks`,
        headers: who.auth,
      });
    expectError(await add(bob, open.id), 403, 'FORBIDDEN');
    expectError(await list(bob, open.id), 403, 'FORBIDDEN');
    expectError(await add(bob, hidden.id), 404, 'NOT_FOUND');
    expectError(await list(bob, hidden.id), 404, 'NOT_FOUND');
    expectValidationError(await add(alice, open.id, {}), 'name');
    expectValidationError(await add(alice, open.id, { name: '' }), 'name');
    expectValidationError(await add(alice, 'nope'), 'id');
    const anonymous = await server.app.inject({
      method: 'POST',
      url: `/api/channels/${open.id}/webhooks`,
      payload: { name: 'x' },
    });
    expectError(anonymous, 401, 'UNAUTHORIZED');
  });

  it('posts as itself: the webhook’s name, its id, live to members and in history', async () => {
    const channel = await createChannel(server.app, alice, { memberIds: [bob.id] });
    const webhook = await createWebhook(alice, channel.id, 'CI');
    const watcher = await WsClient.ready(server, bob.accessToken);

    expectOk(await post(webhook.url, { text: 'build 42 passed' }));
    const frame = await watcher.next(ofType('message', { channel: channel.id }));
    expect(frame).toMatchObject({
      content: 'build 42 passed',
      username: 'CI',
      webhookId: webhook.id,
      iconUrl: null,
    });

    const [message] = await history(bob, channel.id);
    expect(Object.keys(message ?? {}).sort()).toEqual(messageKeys);
    expect(message).toMatchObject({
      content: 'build 42 passed',
      username: 'CI',
      webhookId: webhook.id,
      userId: alice.id,
      iconUrl: null,
    });
    // a person's message carries no webhook
    const own = await sendMessage(server.app, bob, channel.id, 'nice');
    expect(own).toMatchObject({ username: bob.username, webhookId: null, iconUrl: null });
  });

  it('shows the username and icon_url a payload asks for', async () => {
    const channel = await createChannel(server.app, alice);
    const webhook = await createWebhook(alice, channel.id);
    expectOk(
      await post(webhook.url, {
        text: 'hi',
        username: 'Release Bot',
        icon_url: 'https://example.test/bot.png',
      }),
    );
    const [message] = await history(alice, channel.id);
    expect(message).toMatchObject({
      content: 'hi',
      username: 'Release Bot',
      iconUrl: 'https://example.test/bot.png',
      webhookId: webhook.id,
    });
  });

  it('takes a form body whose payload field holds the JSON, as Slack clients send it', async () => {
    const channel = await createChannel(server.app, alice);
    const webhook = await createWebhook(alice, channel.id);
    const body = form({ payload: JSON.stringify({ text: 'from a form', username: 'Formy' }) });
    expectOk(await post(webhook.url, body, 'application/x-www-form-urlencoded'));
    // plain form fields work too (`curl -d text=…`)
    expectOk(
      await post(webhook.url, form({ text: 'plain field' }), 'application/x-www-form-urlencoded'),
    );
    const messages = await history(alice, channel.id);
    expect(messages[0]).toMatchObject({ content: 'from a form', username: 'Formy' });
    expect(messages[1]).toMatchObject({ content: 'plain field', username: 'Deploy bot' });
  });

  it('cannot post to a channel other than its own, whatever the payload names', async () => {
    const own = await createChannel(server.app, alice);
    const other = await createChannel(server.app, alice);
    const webhook = await createWebhook(alice, own.id);
    expectOk(await post(webhook.url, { text: 'where am I', channel: other.id }));
    expectOk(await post(webhook.url, { text: 'still here', channel: `#${other.name ?? ''}` }));
    expect((await history(alice, own.id)).map((m) => m.content)).toEqual([
      'where am I',
      'still here',
    ]);
    expect(await history(alice, other.id)).toEqual([]);
  });

  it('answers 404 for an unknown or deleted secret, and the messages stay', async () => {
    const channel = await createChannel(server.app, alice, { memberIds: [bob.id] });
    const webhook = await createWebhook(bob, channel.id);
    expectOk(await post(webhook.url, { text: 'before' }));
    expectError(await post('/hooks/not-a-secret', { text: 'x' }), 404, 'NOT_FOUND');

    // only its creator or the channel's creator deletes it
    await server.app.inject({
      method: 'POST',
      url: `/api/channels/${channel.id}/members`,
      headers: carol.auth,
      payload: {},
    });
    const del = (who: RegisteredUser) =>
      server.app.inject({
        method: 'DELETE',
        url: `/api/webhooks/${webhook.id}`,
        headers: who.auth,
      });
    expectError(await del(carol), 403, 'FORBIDDEN');
    const deleted = await del(alice);
    expect(deleted.statusCode, deleted.body).toBe(204);
    expectError(await del(alice), 404, 'NOT_FOUND');

    expectError(await post(webhook.url, { text: 'after' }), 404, 'NOT_FOUND');
    const messages = await history(alice, channel.id);
    expect(messages.map((m) => m.content)).toEqual(['before']);
    expect(messages[0]).toMatchObject({ webhookId: webhook.id, username: 'Deploy bot' });
    const list = await server.app.inject({
      method: 'GET',
      url: `/api/channels/${channel.id}/webhooks`,
      headers: alice.auth,
    });
    expect(list.json<{ items: WebhookBody[] }>().items).toEqual([]);
  });

  it('answers 400 with the error body for every bad body, never a 5xx, and posts nothing', async () => {
    const channel = await createChannel(server.app, alice);
    const webhook = await createWebhook(alice, channel.id);
    const formType = 'application/x-www-form-urlencoded';
    const cases: [unknown, string?][] = [
      [{}],
      [{ text: '' }],
      [{ text: '   ' }],
      [{ text: 42 }],
      [{ text: null }],
      [{ text: 'x'.repeat(4001) }],
      [{ text: 'nul \u0000 inside' }],
      [{ text: 'x', username: '' }],
      [{ text: 'x', icon_url: 'javascript:alert(1)' }],
      [{ username: 'no text' }],
      [[]],
      ['"just a string"'],
      ['null'],
      ['{"text": '],
      [form({ payload: '{not json' }), formType],
      [form({ payload: JSON.stringify({ username: 'no text' }) }), formType],
      [form({ payload: JSON.stringify({ text: '' }) }), formType],
      [form({ payload: '' }), formType],
      ['', formType],
      ['text=hi', 'text/plain'],
    ];
    for (const [payload, contentType] of cases) {
      const response = await post(webhook.url, payload, contentType);
      expect(response.statusCode, `${contentType ?? 'json'} ${JSON.stringify(payload)}`).toBe(400);
      expectError(response, 400, 'BAD_REQUEST');
    }
    const empty = await server.app.inject({ method: 'POST', url: webhook.url });
    expectError(empty, 400, 'BAD_REQUEST');
    expect(await history(alice, channel.id)).toEqual([]);
  });

  it('stops posting once its creator has left the channel', async () => {
    const channel = await createChannel(server.app, alice, { memberIds: [bob.id] });
    const webhook = await createWebhook(bob, channel.id);
    const left = await server.app.inject({
      method: 'DELETE',
      url: `/api/channels/${channel.id}/members/me`,
      headers: bob.auth,
    });
    expect(left.statusCode).toBe(204);
    expectError(await post(webhook.url, { text: 'x' }), 403, 'FORBIDDEN');
    expect(await history(alice, channel.id)).toEqual([]);
  });
});

describe('incoming webhook rate limit', () => {
  let server: TestServer;
  let alice: RegisteredUser;
  beforeAll(async () => {
    server = await startTestServer('pglite', {
      webhookRateLimit: { points: 3, durationSeconds: 60 },
    });
    alice = await registerUser(server.app);
  });
  afterAll(() => server.close());

  it('limits each webhook on its own, with 429 and retry-after', async () => {
    const channel = await createChannel(server.app, alice);
    const make = async () =>
      (
        await server.app.inject({
          method: 'POST',
          url: `/api/channels/${channel.id}/webhooks`,
          headers: alice.auth,
          payload: { name: 'busy' },
        })
      ).json<{ webhook: { url: string } }>().webhook.url;
    const [busy, calm] = [await make(), await make()];
    const send = (url: string) =>
      server.app.inject({ method: 'POST', url, payload: { text: 'tick' } });
    for (let i = 0; i < 3; i++) expect((await send(busy)).statusCode).toBe(200);
    const limited = await send(busy);
    expectError(limited, 429, 'TOO_MANY_REQUESTS');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await send(calm)).statusCode).toBe(200);
  });
});
