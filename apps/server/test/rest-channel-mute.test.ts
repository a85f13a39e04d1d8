// REST channel mute: PUT / DELETE /api/channels/:id/mute set the caller's own mute.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  createChannel,
  expectError,
  expectValidationError,
  registerUser,
  testDatabaseKinds,
  type ChannelBody,
  type RegisteredUser,
  type TestApp,
} from './helpers.js';

describe.each(testDatabaseKinds())('REST channel mute on %s', (kind) => {
  let t: TestApp;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let carol: RegisteredUser;

  beforeAll(async () => {
    t = await buildTestApp(kind);
    [alice, bob, carol] = await Promise.all([
      registerUser(t.app),
      registerUser(t.app),
      registerUser(t.app),
    ]);
  });
  afterAll(() => t.close());

  const mute = (user: RegisteredUser, channelId: string, method: 'PUT' | 'DELETE') =>
    t.app.inject({ method, url: `/api/channels/${channelId}/mute`, headers: user.auth });
  const channelAs = async (user: RegisteredUser, channelId: string) =>
    (
      await t.app.inject({ method: 'GET', url: `/api/channels/${channelId}`, headers: user.auth })
    ).json<{ channel: ChannelBody }>().channel;

  it('mutes and unmutes with 204 and no body, again and again', async () => {
    const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
    for (const method of ['PUT', 'PUT'] as const) {
      const response = await mute(alice, channel.id, method);
      expect(response.statusCode, response.body).toBe(204);
      expect(response.body).toBe('');
    }
    expect((await channelAs(alice, channel.id)).muted).toBe(true);
    expect((await channelAs(bob, channel.id)).muted).toBe(false);
    for (const method of ['DELETE', 'DELETE'] as const)
      expect((await mute(alice, channel.id, method)).statusCode).toBe(204);
    expect((await channelAs(alice, channel.id)).muted).toBe(false);
  });

  it('answers 403 to a non-member of a public channel', async () => {
    const channel = await createChannel(t.app, alice);
    expectError(await mute(carol, channel.id, 'PUT'), 403, 'FORBIDDEN');
    expect(await channelAs(carol, channel.id)).not.toHaveProperty('muted');
  });

  it('answers 404 for a private channel of others and for no channel at all', async () => {
    const hidden = await createChannel(t.app, alice, { isPrivate: true });
    expectError(await mute(carol, hidden.id, 'PUT'), 404, 'NOT_FOUND');
    expectError(await mute(carol, randomUUID(), 'DELETE'), 404, 'NOT_FOUND');
  });

  it('answers 400 for an id that is not a UUID, and 401 without a token', async () => {
    expectValidationError(await mute(alice, 'general', 'PUT'), 'id');
    const anonymous = await t.app.inject({
      method: 'PUT',
      url: `/api/channels/${randomUUID()}/mute`,
    });
    expectError(anonymous, 401, 'UNAUTHORIZED');
  });
});
