import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannel,
  createTestDeps,
  createUser,
  testDatabaseKinds,
  type TestDeps,
  type TestUser,
} from '../testing.js';
import * as channels from './channels.js';
import * as messages from './messages.js';
import * as webhooks from './webhooks.js';

describe.each(testDatabaseKinds())('webhooks service on %s', (kind) => {
  let deps: TestDeps;
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    deps = await createTestDeps(kind);
    [alice, bob] = await Promise.all([createUser(deps), createUser(deps)]);
  });
  afterAll(() => deps.dispose());

  const secretOf = (url: string) => url.slice('/hooks/'.length);

  it('posts through the send path under its creator, shown with its name, unread to them', async () => {
    const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
    const { webhook } = await webhooks.createWebhook(deps, bob, {
      channelId: channel.id,
      name: 'Alerts',
    });
    const message = await webhooks.postThroughWebhook(deps, secretOf(webhook.url), {
      text: 'disk full',
    });
    expect(message).toMatchObject({
      seq: 1,
      userId: bob.userId,
      username: 'Alerts',
      webhookId: webhook.id,
      iconUrl: null,
    });
    const { items } = await messages.history(deps, alice, { channelId: channel.id, limit: 10 });
    expect(items).toEqual([message]);
    // what a webhook of theirs posted is news to its creator too
    await expect(channels.getChannel(deps, bob, channel.id)).resolves.toMatchObject({
      unreadCount: 1,
    });
  });

  it('hides a deleted webhook: NOT_FOUND for its secret and gone from the list', async () => {
    const channel = await createChannel(deps, alice);
    const { webhook } = await webhooks.createWebhook(deps, alice, {
      channelId: channel.id,
      name: 'Old',
    });
    await webhooks.deleteWebhook(deps, alice, webhook.id);
    await expect(
      webhooks.postThroughWebhook(deps, secretOf(webhook.url), { text: 'x' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(webhooks.listWebhooks(deps, alice, channel.id)).resolves.toEqual({ items: [] });
  });
});
