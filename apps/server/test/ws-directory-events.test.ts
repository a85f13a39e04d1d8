// The events behind a live channel browser, live profiles and mutes: a public channel being
// made reaches everyone, a private one nobody outside it; a profile change reaches those who
// share a channel with its owner, once, and nobody else; a mute reaches its user's own
// connections only.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, registerUser, testDatabaseKinds, type RegisteredUser } from './helpers.js';
import {
  closeAllClients,
  ofType,
  startTestServer,
  WsClient,
  type TestServer,
} from './ws-client.js';

describe.each(testDatabaseKinds())(
  '/ws channel_created, user_updated and channel_muted on %s',
  (kind) => {
    let server: TestServer;

    beforeAll(async () => {
      server = await startTestServer(kind);
    });
    afterEach(closeAllClients);
    afterAll(() => server.close());

    const connect = (user: RegisteredUser) => WsClient.ready(server, user.accessToken);
    const three = () =>
      Promise.all([registerUser(server.app), registerUser(server.app), registerUser(server.app)]);
    const updateProfile = async (user: RegisteredUser, payload: object) => {
      const response = await server.app.inject({
        method: 'PATCH',
        url: '/api/auth/me',
        headers: user.auth,
        payload,
      });
      expect(response.statusCode).toBe(200);
    };

    it('tells everyone of a new public channel, and nobody outside of a new private one', async () => {
      const [alice, bob, carol] = await three();
      const carolWs = await connect(carol);
      const hidden = await createChannel(server.app, alice, {
        isPrivate: true,
        memberIds: [bob.id],
      });
      const open = await createChannel(server.app, alice, { name: `lobby-${Date.now()}` });

      const created = await carolWs.next(ofType('channel_created', { channel: open.id }));
      expect(created).toMatchObject({ name: open.name, createdBy: alice.id });
      const everything = JSON.stringify(carolWs.frames);
      expect(everything).not.toContain(hidden.id);
    });

    it('tells who shares a channel of a new display name, once, and nobody else', async () => {
      const [alice, bob, carol] = await three();
      // two channels in common: still one event
      await createChannel(server.app, alice, { memberIds: [bob.id] });
      await createChannel(server.app, alice, { isPrivate: true, memberIds: [bob.id] });
      const [bobWs, carolWs] = await Promise.all([connect(bob), connect(carol)]);

      await updateProfile(alice, { displayName: 'Alice Liddell' });
      const first = await bobWs.next(ofType('user_updated'));
      expect(first.user).toMatchObject({ id: alice.id, displayName: 'Alice Liddell' });
      expect(Object.keys(first.user as object)).not.toContain('email');

      await updateProfile(alice, { avatarUrl: 'https://example.com/alice.png' });
      const second = await bobWs.next(ofType('user_updated'));
      expect(second.user).toMatchObject({ avatarUrl: 'https://example.com/alice.png' });

      // carol shares nothing with alice: a public channel made afterwards reaches her, the
      // profile changes before it did not
      const marker = await createChannel(server.app, bob, { name: `marker-${Date.now()}` });
      await carolWs.next(ofType('channel_created', { channel: marker.id }));
      expect(carolWs.frames.filter((frame) => frame.type === 'user_updated')).toEqual([]);
    });

    it("tells the user's other connections of a mute, once per change, and nobody else", async () => {
      const [alice, bob] = await three();
      const channel = await createChannel(server.app, alice, { memberIds: [bob.id] });
      const [laptop, phone, bobWs] = await Promise.all([
        connect(alice),
        connect(alice),
        connect(bob),
      ]);
      const mute = async (method: 'PUT' | 'DELETE') => {
        const url = `/api/channels/${channel.id}/mute`;
        const response = await server.app.inject({ method, url, headers: alice.auth });
        expect(response.statusCode).toBe(204);
      };

      await mute('PUT');
      await mute('PUT');
      await mute('DELETE');
      for (const socket of [laptop, phone]) {
        await socket.next(ofType('channel_muted', { channel: channel.id, muted: false }));
        const muted = socket.frames.filter((frame) => frame.type === 'channel_muted');
        expect(muted.map((frame) => frame.muted)).toEqual([true, false]);
      }

      // bob is in the channel: a message after the mutes reaches him, the mutes did not
      const sent = await server.app.inject({
        method: 'POST',
        url: `/api/channels/${channel.id}/messages`,
        headers: alice.auth,
        payload: { content: 'after the mutes' },
      });
      expect(sent.statusCode).toBe(201);
      await bobWs.next(ofType('message', { channel: channel.id }));
      expect(bobWs.frames.filter((frame) => frame.type === 'channel_muted')).toEqual([]);
    });
  },
);
