// POST /api/files and GET /api/files/:id through app.inject (and one real socket for a
// streamed upload), and attachmentIds on send.
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { schema } from '@chat/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  createChannel,
  expectError,
  expectValidationError,
  registerUser,
  testDatabaseKinds,
  type MessageBody,
  type RegisteredUser,
  type TestApp,
} from './helpers.js';
import { multipartBody, multipartHeaders, multipartTail, partHead, tinyPng } from './uploads.js';

interface FileBody {
  id: string;
  name: string;
  size: number;
  contentType: string;
  url: string;
}

const MiB = 1024 * 1024;

describe.each(testDatabaseKinds())('REST files on %s', (kind) => {
  let t: TestApp;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let outsider: RegisteredUser;
  beforeAll(async () => {
    t = await buildTestApp(kind);
    [alice, bob, outsider] = await Promise.all([
      registerUser(t.app),
      registerUser(t.app),
      registerUser(t.app),
    ]);
  });
  afterAll(() => t.close());

  const filesDir = () => join(t.config.dataDir, 'files');
  const storedFiles = () => {
    try {
      return readdirSync(filesDir());
    } catch {
      return [];
    }
  };
  const fileRows = () => t.runtime.deps.db.select().from(schema.files);

  const upload = async (user: RegisteredUser, bytes = tinyPng, name = 'pixel.png') => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...user.auth, ...multipartHeaders },
      payload: multipartBody(bytes, name),
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ file: FileBody }>().file;
  };
  const post = (user: RegisteredUser, channelId: string, payload: object) =>
    t.app.inject({
      method: 'POST',
      url: `/api/channels/${channelId}/messages`,
      headers: user.auth,
      payload,
    });
  const download = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers });

  it('uploads a file and answers 201 with its sniffed type and a signed url', async () => {
    const file = await upload(alice, tinyPng, 'not-really.exe');
    expect(Object.keys(file).sort()).toEqual(['contentType', 'id', 'name', 'size', 'url']);
    expect(file).toMatchObject({
      name: 'not-really.exe',
      size: tinyPng.length,
      contentType: 'image/png',
    });
    expect(file.url).toMatch(/^\/api\/files\/[0-9a-f-]{36}\?sig=[\w-]+&exp=\d+$/);
  });

  it('serves the bytes on the signed url without a token, with safe headers', async () => {
    const file = await upload(alice, Buffer.from('plain words'), 'résumé final.txt');
    const response = await download(file.url);
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('plain words');
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="r_sum_ final.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20final.txt`,
    );
    const image = await download((await upload(alice)).url);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['content-disposition']).toMatch(/^inline; /);
    expect(image.rawPayload.equals(tinyPng)).toBe(true);
  });

  it('refuses a forged or expired signature, and a missing one without a token', async () => {
    const file = await upload(alice);
    const url = new URL(file.url, 'http://x');
    const sig = url.searchParams.get('sig') ?? '';
    const exp = url.searchParams.get('exp') ?? '';
    const path = url.pathname;
    for (const query of [
      `?sig=${sig.slice(0, -3)}abc&exp=${exp}`,
      `?sig=${sig}&exp=${Number(exp) + 300}`,
      `?sig=${sig}&exp=1700000000`,
      `?sig=&exp=`,
      '',
    ]) {
      expectError(await download(`${path}${query}`), 401, 'UNAUTHORIZED');
    }
    // the signature of one file opens no other
    const other = await upload(alice);
    expectError(
      await download(`/api/files/${other.id}?sig=${sig}&exp=${exp}`),
      401,
      'UNAUTHORIZED',
    );
  });

  it('keeps a file posted in a private channel from an outsider, and gives it to members', async () => {
    const secret = await createChannel(t.app, alice, { isPrivate: true, memberIds: [bob.id] });
    const file = await upload(alice);
    const sent = await post(alice, secret.id, { content: 'secret plan', attachmentIds: [file.id] });
    expect(sent.statusCode).toBe(201);
    const path = `/api/files/${file.id}`;
    expectError(await download(path, outsider.auth), 404, 'NOT_FOUND');
    expectError(
      await download(`${path}?sig=forged&exp=9999999999`, outsider.auth),
      404,
      'NOT_FOUND',
    );
    expect((await download(path, bob.auth)).statusCode).toBe(200);
    expect((await download(path, alice.auth)).statusCode).toBe(200);
    // an unattached upload is its uploader's alone
    const loose = await upload(alice);
    expectError(await download(`/api/files/${loose.id}`, bob.auth), 404, 'NOT_FOUND');
  });

  it('attaches uploads on send; a message may carry only files', async () => {
    const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
    const file = await upload(alice);
    const response = await post(alice, channel.id, { content: '', attachmentIds: [file.id] });
    expect(response.statusCode, response.body).toBe(201);
    const { message } = response.json<{ message: MessageBody }>();
    expect(message.content).toBe('');
    expect(message.attachments).toEqual([{ ...file, url: message.attachments[0]?.url }]);
    expect(message.attachments[0]?.url).toMatch(/^\/api\/files\/.+\?sig=.+&exp=\d+$/);
    const history = await t.app.inject({
      method: 'GET',
      url: `/api/channels/${channel.id}/messages`,
      headers: bob.auth,
    });
    const [read] = history.json<{ items: MessageBody[] }>().items;
    expect(read?.attachments.map((a) => a.id)).toEqual([file.id]);
    expect((await download(read?.attachments[0]?.url ?? '')).statusCode).toBe(200);
  });

  it('refuses bad attachmentIds with 400 and posts nothing', async () => {
    const channel = await createChannel(t.app, alice, { memberIds: [bob.id] });
    const bobs = await upload(bob);
    const mine = await upload(alice);
    const eleven = Array.from({ length: 11 }, () => randomUUID());
    for (const payload of [
      { content: 'x', attachmentIds: [bobs.id] },
      { content: 'x', attachmentIds: [randomUUID()] },
      { content: 'x', attachmentIds: [mine.id, mine.id] },
      { content: 'x', attachmentIds: eleven },
      { content: 'x', attachmentIds: ['not-a-uuid'] },
      { content: 'x', attachmentIds: 'nope' },
      { content: '' },
      { content: '   ', attachmentIds: [] },
    ]) {
      expectValidationError(await post(alice, channel.id, payload));
    }
    const history = await t.app.inject({
      method: 'GET',
      url: `/api/channels/${channel.id}/messages`,
      headers: alice.auth,
    });
    expect(history.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('answers malformed uploads with 400', async () => {
    const send = (headers: Record<string, string>, payload: string | Buffer) =>
      t.app.inject({
        method: 'POST',
        url: '/api/files',
        headers: { ...alice.auth, ...headers },
        payload,
      });
    expectError(
      await send({ 'content-type': 'application/json' }, '{"file":"x"}'),
      400,
      'BAD_REQUEST',
    );
    expectError(
      await send(multipartHeaders, multipartBody(tinyPng, 'a.png', 'picture')),
      400,
      'BAD_REQUEST',
    );
    expectError(await send(multipartHeaders, multipartTail), 400, 'BAD_REQUEST');
    expectError(await send(multipartHeaders, 'garbage'), 400, 'BAD_REQUEST');
    expectError(
      await t.app.inject({
        method: 'POST',
        url: '/api/files',
        headers: multipartHeaders,
        payload: multipartBody(tinyPng),
      }),
      401,
      'UNAUTHORIZED',
    );
    expectError(await download('/api/files/not-a-uuid', alice.auth), 400, 'BAD_REQUEST');
    expectError(await download(`/api/files/${randomUUID()}`, alice.auth), 404, 'NOT_FOUND');
  });

  it('answers 413 for 11 MiB and keeps nothing of it, on disk or in the table', async () => {
    const before = { stored: storedFiles(), rows: (await fileRows()).length };
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...alice.auth, ...multipartHeaders },
      payload: multipartBody(Buffer.alloc(11 * MiB, 1), 'big.bin'),
    });
    expectError(response, 413, 'PAYLOAD_TOO_LARGE');
    expect(storedFiles()).toEqual(before.stored);
    expect((await fileRows()).length).toBe(before.rows);
  });

  it('streams a 50 MiB upload to storage without holding it in memory', async () => {
    // a second app on the same database, with a limit above 50 MiB, listening on a real port
    const big = await buildTestApp(kind, { env: { MAX_UPLOAD_BYTES: String(64 * MiB) } });
    try {
      const user = await registerUser(big.app);
      await big.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = big.app.server.address() as AddressInfo;
      const chunk = Buffer.alloc(64 * 1024, 0x5a);
      const total = 50 * MiB;
      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/files',
          headers: { ...user.auth, ...multipartHeaders, 'transfer-encoding': 'chunked' },
        });
        req.on('error', reject);
        req.on('response', (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (text: string) => (body += text));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        let sent = 0;
        const pump = () => {
          while (sent < total) {
            peak = Math.max(peak, process.memoryUsage().rss);
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end(multipartTail);
        };
        req.write(partHead('file', 'fifty.bin', 'application/octet-stream'));
        pump();
      });
      expect(result.status, result.body).toBe(201);
      expect(JSON.parse(result.body)).toMatchObject({ file: { size: total } });
      // Held whole, 50 MiB would show up twice over (the chunks, then one Buffer of them all).
      // Streamed, what shows is garbage the collector has not taken back yet (about 25 MiB here).
      expect(peak - baseline).toBeLessThan(40 * MiB);
    } finally {
      await big.close();
    }
  }, 120_000);

  it('answers a 50 MiB upload under the default limit with 413, without buffering it', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const before = { stored: storedFiles(), rows: (await fileRows()).length };
    const chunk = Buffer.alloc(64 * 1024, 0x33);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/files',
        headers: { ...alice.auth, ...multipartHeaders, 'transfer-encoding': 'chunked' },
      });
      let answered = false;
      req.on('error', (error) => (answered ? undefined : reject(error)));
      req.on('response', (res) => {
        answered = true;
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      let sent = 0;
      const pump = () => {
        while (sent < 50 * MiB && !answered) {
          peak = Math.max(peak, process.memoryUsage().rss);
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end(multipartTail);
      };
      req.write(partHead('file', 'fifty.bin', 'application/octet-stream'));
      pump();
    });
    expect(status).toBe(413);
    expect(peak - baseline).toBeLessThan(40 * MiB);
    expect(storedFiles()).toEqual(before.stored);
    expect((await fileRows()).length).toBe(before.rows);
  }, 60_000);

  it('removes nothing but what it made: an upload row points at stored bytes', async () => {
    const file = await upload(alice);
    const [row] = await t.runtime.deps.db
      .select()
      .from(schema.files)
      .where(eq(schema.files.id, file.id));
    expect(storedFiles()).toContain(row?.storageKey);
  });
});
