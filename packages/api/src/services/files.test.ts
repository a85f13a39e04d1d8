import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { schema } from '@chat/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createChannel,
  createTestDeps,
  createUser,
  testDatabaseKinds,
  tinyPng,
  type TestDeps,
  type TestUser,
} from '../testing.js';
import * as channels from './channels.js';
import { signedFileUrl } from './file-urls.js';
import * as files from './files.js';
import * as messages from './messages.js';

const bodyOf = (bytes: Buffer) => Readable.from([bytes]);

/** The `sig` and `exp` of a signed URL. */
function signatureOf(url: string) {
  const query = new URL(url, 'http://x').searchParams;
  return { sig: query.get('sig') ?? '', exp: query.get('exp') ?? '' };
}

describe.each(testDatabaseKinds())('files service on %s', (kind) => {
  let deps: TestDeps;
  let alice: TestUser;
  let bob: TestUser;
  let outsider: TestUser;
  beforeAll(async () => {
    deps = await createTestDeps(kind);
    [alice, bob, outsider] = await Promise.all([
      createUser(deps),
      createUser(deps),
      createUser(deps),
    ]);
  });
  afterAll(() => deps.dispose());

  const upload = (actor: TestUser, bytes: Buffer = tinyPng, name = 'picture.txt') =>
    files.uploadFile(deps, actor, { name, body: bodyOf(bytes) });
  const fileRow = async (id: string) =>
    (await deps.db.select().from(schema.files).where(eq(schema.files.id, id)))[0];

  it('stores an upload with its size and the type its bytes say, not its name', async () => {
    const file = await upload(alice, tinyPng, 'C:\\photos\\holiday.txt');
    expect(file).toMatchObject({
      name: 'holiday.txt',
      size: tinyPng.length,
      contentType: 'image/png',
    });
    expect(file.url).toMatch(new RegExp(`^/api/files/${file.id}\\?sig=[\\w-]+&exp=\\d+$`));
    const { body } = await files.downloadFile(deps, alice, { fileId: file.id });
    expect((await buffer(body)).equals(tinyPng)).toBe(true);
  });

  it('calls valid UTF-8 plain text, and anything else opaque', async () => {
    expect((await upload(alice, Buffer.from('héllo, wörld\n'))).contentType).toBe(
      'text/plain; charset=utf-8',
    );
    expect((await upload(alice, Buffer.from([0, 159, 146, 150, 0]))).contentType).toBe(
      'application/octet-stream',
    );
    // markup is text too: served as text/plain with nosniff, it never runs as a page
    expect((await upload(alice, Buffer.from('<script>alert(1)</script>'))).contentType).toBe(
      'text/plain; charset=utf-8',
    );
  });

  it('refuses an upload past the limit with PAYLOAD_TOO_LARGE and keeps nothing of it', async () => {
    const small = { ...deps, files: { ...deps.files, maxUploadBytes: 64 * 1024 } };
    const before = readdirSync(deps.filesDir);
    const [{ count: rowsBefore = 0 } = {}] = await deps.db
      .select({ count: schema.files.id })
      .from(schema.files)
      .then((rows) => [{ count: rows.length }]);
    const chunks = Array.from({ length: 20 }, () => Buffer.alloc(8 * 1024, 7));
    await expect(
      files.uploadFile(small, alice, { name: 'big.bin', body: Readable.from(chunks) }),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(readdirSync(deps.filesDir)).toEqual(before);
    expect((await deps.db.select().from(schema.files)).length).toBe(rowsBefore);
    // exactly the limit is fine
    const exact = await files.uploadFile(small, alice, {
      name: 'exact.bin',
      body: Readable.from([Buffer.alloc(64 * 1024, 1)]),
    });
    expect(exact.size).toBe(64 * 1024);
  });

  describe('attaching', () => {
    it('attaches your own uploads to a message, which history then carries', async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      const [one, two] = [await upload(alice), await upload(alice, Buffer.from('notes'), 'a.txt')];
      const { message } = await messages.sendMessage(deps, alice, {
        channelId: channel.id,
        content: '',
        attachmentIds: [two.id, one.id],
      });
      expect(message.content).toBe('');
      expect(message.attachments.map((a) => a.id)).toEqual([one.id, two.id]);
      const { items } = await messages.history(deps, bob, { channelId: channel.id, limit: 10 });
      expect(items[0]?.attachments).toEqual(message.attachments);
      expect((await fileRow(one.id))?.messageId).toBe(message.id);
    });

    it.each([
      ['someone else’s file', 'other'],
      ['a file already attached', 'attached'],
      ['the same file twice', 'twice'],
      ['a file that does not exist', 'missing'],
      ['more than 10 files', 'eleven'],
    ])('refuses %s with BAD_REQUEST and posts nothing', async (_what, kindOfBad) => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      const mine = await upload(alice);
      let ids: string[] = [];
      if (kindOfBad === 'other') ids = [(await upload(bob)).id];
      if (kindOfBad === 'attached') {
        await messages.sendMessage(deps, alice, {
          channelId: channel.id,
          content: 'first',
          attachmentIds: [mine.id],
        });
        ids = [mine.id];
      }
      if (kindOfBad === 'twice') ids = [mine.id, mine.id];
      if (kindOfBad === 'missing') ids = [randomUUID()];
      if (kindOfBad === 'eleven')
        ids = await Promise.all(Array.from({ length: 11 }, async () => (await upload(alice)).id));
      const before = await messages.history(deps, alice, { channelId: channel.id, limit: 10 });
      await expect(
        messages.sendMessage(deps, alice, {
          channelId: channel.id,
          content: 'x',
          attachmentIds: ids,
        }),
      ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      const after = await messages.history(deps, alice, { channelId: channel.id, limit: 10 });
      expect(after.items).toEqual(before.items);
    });

    it('lets only one of two sends claim the same file', async () => {
      const channel = await createChannel(deps, alice);
      const file = await upload(alice);
      const results = await Promise.allSettled(
        [1, 2].map((n) =>
          messages.sendMessage(deps, alice, {
            channelId: channel.id,
            content: `race ${n}`,
            attachmentIds: [file.id],
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const { items } = await messages.history(deps, alice, { channelId: channel.id, limit: 10 });
      expect(items.map((m) => m.seq)).toEqual([1]); // no gap: the loser's seq was rolled back
    });

    it('refuses an empty message without files', async () => {
      const channel = await createChannel(deps, alice);
      await expect(
        messages.sendMessage(deps, alice, { channelId: channel.id, content: '' }),
      ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });
  });

  describe('downloading', () => {
    it('lets the uploader, members where it was posted, and a signed URL in; nobody else', async () => {
      const secret = await createChannel(deps, alice, { isPrivate: true, memberIds: [bob.userId] });
      const file = await upload(alice);
      const { message } = await messages.sendMessage(deps, alice, {
        channelId: secret.id,
        content: 'private picture',
        attachmentIds: [file.id],
      });
      await expect(files.downloadFile(deps, alice, { fileId: file.id })).resolves.toBeDefined();
      await expect(files.downloadFile(deps, bob, { fileId: file.id })).resolves.toBeDefined();
      await expect(files.downloadFile(deps, outsider, { fileId: file.id })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      const signature = signatureOf(message.attachments[0]?.url ?? '');
      await expect(
        files.downloadFile(deps, null, { fileId: file.id, ...signature }),
      ).resolves.toBeDefined();
      // a member who leaves loses it too
      await channels.removeMember(deps, bob, { channelId: secret.id, userId: bob.userId });
      await expect(files.downloadFile(deps, bob, { fileId: file.id })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('keeps an unattached upload to its uploader', async () => {
      const file = await upload(alice);
      await expect(files.downloadFile(deps, bob, { fileId: file.id })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('refuses a forged, foreign or expired signature', async () => {
      const file = await upload(alice);
      const other = await upload(alice);
      const good = signatureOf(file.url);
      const forged = { ...good, sig: `${good.sig.slice(0, -2)}AA` };
      const otherFiles = signatureOf(other.url);
      const later = { ...good, exp: String(Number(good.exp) + 3600) };
      const expired = signatureOf(
        signedFileUrl(deps.files.urls, file.id, Date.now() - 2 * 3600_000),
      );
      for (const bad of [forged, otherFiles, later, expired, { sig: '', exp: '' }]) {
        await expect(
          files.downloadFile(deps, null, { fileId: file.id, ...bad }),
        ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      }
    });

    it('hides the files of a deleted message from its readers', async () => {
      const channel = await createChannel(deps, alice, { memberIds: [bob.userId] });
      const file = await upload(alice);
      const { message } = await messages.sendMessage(deps, alice, {
        channelId: channel.id,
        content: 'soon gone',
        attachmentIds: [file.id],
      });
      await messages.deleteMessage(deps, alice, message.id);
      const { items } = await messages.history(deps, bob, { channelId: channel.id, limit: 10 });
      expect(items[0]?.attachments).toEqual([]);
      await expect(files.downloadFile(deps, bob, { fileId: file.id })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });
});
