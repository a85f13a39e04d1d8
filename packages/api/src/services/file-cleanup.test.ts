import { Readable } from 'node:stream';
import { schema } from '@chat/db';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends, type Backend } from '../storage/test-backends.js';
import {
  createChannel,
  createTestDeps,
  createUser,
  testDatabaseKinds,
  tinyPng,
  type TestDeps,
  type TestUser,
} from '../testing.js';
import { sweepFiles, uploadGraceMs } from './file-cleanup.js';
import * as files from './files.js';
import * as messages from './messages.js';

const kinds = testDatabaseKinds().flatMap((kind) =>
  storageBackends.map(([name, open]) => [kind, name, open] as const),
);

describe.each(kinds)('unreachable files on %s with %s storage', (kind, _name, open) => {
  let deps: TestDeps;
  let backend: Backend;
  let alice: TestUser;
  let bob: TestUser;
  beforeAll(async () => {
    [deps, backend] = await Promise.all([createTestDeps(kind), open()]);
    deps.files.storage = backend.storage;
    [alice, bob] = await Promise.all([createUser(deps), createUser(deps)]);
  }, 180_000); // an embedded database and an S3 server, on a loaded machine

  afterAll(async () => {
    await deps?.dispose();
    await backend?.close();
  });

  const upload = (actor: TestUser) =>
    files.uploadFile(deps, actor, { name: 'pixel.png', body: Readable.from([tinyPng]) });
  const post = async (actor: TestUser, channelId: string, fileIds: string[]) =>
    (
      await messages.sendMessage(deps, actor, {
        channelId,
        content: 'see attached',
        attachmentIds: fileIds,
      })
    ).message;
  const stored = (fileId: string) => backend.storage.has(fileId);
  const rows = async (fileIds: string[]) =>
    (
      await deps.db
        .select({ id: schema.files.id })
        .from(schema.files)
        .where(inArray(schema.files.id, fileIds))
    ).map((row) => row.id);
  const later = (ms: number) => new Date(Date.now() + ms);

  it("deletes a message's files, bytes and rows, with it", async () => {
    const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
    const [one, two, kept] = await Promise.all([upload(alice), upload(alice), upload(alice)]);
    const message = await post(alice, channel.id, [one.id, two.id]);
    const other = await post(alice, channel.id, [kept.id]);
    await messages.deleteMessage(deps, alice, message.id);
    expect([await stored(one.id), await stored(two.id), await stored(kept.id)]).toEqual([
      false,
      false,
      true,
    ]);
    expect(await rows([one.id, two.id, kept.id])).toEqual([kept.id]);
    // the signed URL handed out before the deletion no longer works
    const { sig, exp } = Object.fromEntries(new URL(one.url, 'http://x').searchParams);
    await expect(files.downloadFile(deps, null, { fileId: one.id, sig, exp })).rejects.toThrow(
      /not found/i,
    );
    const history = await messages.history(deps, bob, { channelId: channel.id, limit: 50 });
    expect(history.items.find((m) => m.id === other.id)?.attachments.map((a) => a.id)).toEqual([
      kept.id,
    ]);
  });

  it('sweeps the bytes of a channel deleted in the database, and uploads never attached', async () => {
    const gone = await createChannel(deps, alice, { memberIds: [bob.userId] });
    const staying = await createChannel(deps, alice);
    const [inGone, inStaying, neverAttached] = await Promise.all([
      upload(bob),
      upload(alice),
      upload(alice),
    ]);
    await post(bob, gone.id, [inGone.id]);
    await post(alice, staying.id, [inStaying.id]);
    // no route deletes a channel: an operator's SQL does, and the cascade takes the file rows
    await deps.db.delete(schema.channels).where(eq(schema.channels.id, gone.id));
    expect(await rows([inGone.id])).toEqual([]);
    expect(await stored(inGone.id)).toBe(true);

    // within the grace period nothing goes: bytes without a row may be an upload in progress,
    // an unattached upload may still be attached
    await sweepFiles(deps);
    expect(await stored(inGone.id)).toBe(true);
    expect(await stored(neverAttached.id)).toBe(true);

    const result = await sweepFiles(deps, { now: later(uploadGraceMs + 60_000) });
    expect(result.orphaned).toBeGreaterThanOrEqual(1);
    expect(result.unreachable).toBeGreaterThanOrEqual(1);
    expect(await stored(inGone.id)).toBe(false);
    expect(await stored(neverAttached.id)).toBe(false);
    expect(await rows([neverAttached.id])).toEqual([]);
    expect(await stored(inStaying.id)).toBe(true);
    expect(await rows([inStaying.id])).toEqual([inStaying.id]);
    // an upload gone this way cannot be attached any more
    await expect(post(alice, staying.id, [neverAttached.id])).rejects.toThrow(/attachments/i);
  });

  it('is safe to run on several instances at once: each file is removed once, none by mistake', async () => {
    const channel = await createChannel(deps, alice);
    const uploads = await Promise.all(Array.from({ length: 8 }, () => upload(alice)));
    const attached = uploads.slice(0, 3);
    await post(
      alice,
      channel.id,
      attached.map((file) => file.id),
    );
    const now = later(uploadGraceMs + 60_000);
    const results = await Promise.all([sweepFiles(deps, { now }), sweepFiles(deps, { now })]);
    // every unattached upload of this test (and none other than those) went, in one sweep or the other
    const unattached = uploads.slice(3).map((file) => file.id);
    expect(await rows(unattached)).toEqual([]);
    for (const id of unattached) expect(await stored(id)).toBe(false);
    expect(results.reduce((sum, r) => sum + r.unreachable, 0)).toBe(unattached.length);
    for (const file of attached) expect(await stored(file.id)).toBe(true);
  });
});
