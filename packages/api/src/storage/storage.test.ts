// One suite for every file storage: the local disk, and S3 (a real s3rver on a free port).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskStorage } from './disk-storage.js';
import type { FileStorage } from './file-storage.js';
import { S3Storage } from './s3-storage.js';

interface Backend {
  storage: FileStorage;
  /** What is left in the backend's own folder (no temporary parts after a failure). */
  leftovers(): string[];
  close(): Promise<void>;
}

async function diskBackend(): Promise<Backend> {
  const root = mkdtempSync(join(tmpdir(), 'chat-disk-storage-'));
  const storage = new DiskStorage(join(root, 'files'));
  return {
    storage,
    leftovers: () => {
      try {
        return readdirSync(join(root, 'files'));
      } catch {
        return [];
      }
    },
    close: async () => rmSync(root, { recursive: true, force: true }),
  };
}

async function s3Backend(): Promise<Backend> {
  const root = mkdtempSync(join(tmpdir(), 'chat-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: root,
    configureBuckets: [{ name: 'uploads' }],
  });
  const { port } = await server.run();
  const storage = new S3Storage({
    endpoint: `http://127.0.0.1:${port}`,
    bucket: 'uploads',
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  return {
    storage,
    leftovers: () => [],
    close: async () => {
      storage.close();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** `total` bytes in chunks of 64 KiB, failing with `failure` after `failAfter` bytes. */
function source(bytes: Buffer, failAfter?: number, failure = new Error('client went away')) {
  return Readable.from(
    (async function* () {
      for (let at = 0; at < bytes.length; at += 64 * 1024) {
        if (failAfter !== undefined && at >= failAfter) throw failure;
        yield bytes.subarray(at, at + 64 * 1024);
      }
    })(),
  );
}

describe.each([
  ['disk', diskBackend],
  ['S3 (s3rver)', s3Backend],
] as const)('file storage on %s', (_name, open) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await open();
  });
  afterAll(() => backend.close());

  it('gives back exactly the bytes it stored, across many chunks and parts', async () => {
    const key = randomUUID();
    const bytes = randomBytes(6 * 1024 * 1024 + 123); // more than one S3 part (5 MiB)
    await backend.storage.put(key, source(bytes));
    expect(await backend.storage.has(key)).toBe(true);
    const body = await backend.storage.get(key);
    expect(body).toBeDefined();
    expect((await buffer(body as Readable)).equals(bytes)).toBe(true);
  });

  it('stores an empty file', async () => {
    const key = randomUUID();
    await backend.storage.put(key, source(Buffer.alloc(0)));
    expect((await buffer((await backend.storage.get(key)) as Readable)).length).toBe(0);
  });

  it('answers undefined for a key it does not have, and deletes idempotently', async () => {
    const key = randomUUID();
    expect(await backend.storage.get(key)).toBeUndefined();
    expect(await backend.storage.has(key)).toBe(false);
    await backend.storage.delete(key);
    await backend.storage.put(key, source(Buffer.from('bye')));
    await backend.storage.delete(key);
    await backend.storage.delete(key);
    expect(await backend.storage.has(key)).toBe(false);
    expect(await backend.storage.get(key)).toBeUndefined();
  });

  it.each([
    ['within the first part', 100 * 1024],
    ['after the first part', 5 * 1024 * 1024 + 64 * 1024],
  ])('keeps nothing of a body that fails %s', async (_when, failAfter) => {
    const key = randomUUID();
    const before = backend.leftovers();
    const failure = new Error('client went away');
    await expect(
      backend.storage.put(key, source(randomBytes(7 * 1024 * 1024), failAfter, failure)),
    ).rejects.toThrow('client went away');
    expect(await backend.storage.has(key)).toBe(false);
    expect(backend.leftovers()).toEqual(before);
  });

  it('refuses a key the server did not make (no path outside its folder)', async () => {
    await expect(backend.storage.put('../escape', source(Buffer.from('x')))).rejects.toThrow(
      'not a storage key',
    );
  });
});
