import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannel,
  createTestDeps,
  createUser,
  testDatabaseKinds,
  type TestDeps,
  type TestUser,
} from '../testing.js';
import { setMuted } from './channel-mute.js';
import * as channels from './channels.js';

describe.each(testDatabaseKinds())('channel mute service on %s', (kind) => {
  let deps: TestDeps;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  beforeAll(async () => {
    deps = await createTestDeps(kind);
    [alice, bob, carol] = await Promise.all([createUser(deps), createUser(deps), createUser(deps)]);
  });
  afterAll(() => deps.dispose());

  const mutedFor = async (actor: TestUser, channelId: string) =>
    (await channels.getChannel(deps, actor, channelId)).muted;

  it('starts unmuted, mutes and unmutes the caller, and answers the channel as they see it', async () => {
    const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
    expect(channel.muted).toBe(false);
    const muted = await setMuted(deps, alice, { channelId: channel.id, muted: true });
    expect(muted).toMatchObject({ id: channel.id, isMember: true, muted: true });
    expect(await mutedFor(alice, channel.id)).toBe(true);
    const listed = await channels.listChannels(deps, alice, { limit: 100 });
    expect(listed.items.find((c) => c.id === channel.id)?.muted).toBe(true);
    await setMuted(deps, alice, { channelId: channel.id, muted: false });
    expect(await mutedFor(alice, channel.id)).toBe(false);
  });

  it('is idempotent, and publishes nothing', async () => {
    const channel = await createChannel(deps, alice);
    const mark = deps.published.length;
    await setMuted(deps, alice, { channelId: channel.id, muted: true });
    await expect(
      setMuted(deps, alice, { channelId: channel.id, muted: true }),
    ).resolves.toMatchObject({ muted: true });
    await setMuted(deps, alice, { channelId: channel.id, muted: false });
    await expect(
      setMuted(deps, alice, { channelId: channel.id, muted: false }),
    ).resolves.toMatchObject({ muted: false });
    expect(deps.published.slice(mark)).toEqual([]);
  });

  it("leaves every other member's mute as it was", async () => {
    const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
    await setMuted(deps, bob, { channelId: channel.id, muted: true });
    await setMuted(deps, alice, { channelId: channel.id, muted: true });
    await setMuted(deps, alice, { channelId: channel.id, muted: false });
    expect(await mutedFor(bob, channel.id)).toBe(true);
    expect(await mutedFor(alice, channel.id)).toBe(false);
  });

  it('has no muted field for a non-member, who may not set one', async () => {
    const channel = await createChannel(deps, alice);
    expect(await channels.getChannel(deps, carol, channel.id)).not.toHaveProperty('muted');
    await expect(
      setMuted(deps, carol, { channelId: channel.id, muted: true }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await channels.getChannel(deps, carol, channel.id)).not.toHaveProperty('muted');
  });

  it('answers NOT_FOUND for a channel the caller cannot see, as for one that does not exist', async () => {
    const hidden = await createChannel(deps, alice, { isPrivate: true });
    await expect(
      setMuted(deps, carol, { channelId: hidden.id, muted: true }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      setMuted(deps, carol, { channelId: randomUUID(), muted: true }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await mutedFor(alice, hidden.id)).toBe(false);
  });
});
