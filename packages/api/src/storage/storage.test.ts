// One suite for every file storage: the local disk, and S3 (a real s3rver on a free port).
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends, type Backend } from './test-backends.js';

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

describe.each(storageBackends)('file storage on %s', (_name, open) => {
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

  it('lists every key it holds with when it was stored, and none once deleted', async () => {
    const before = Date.now() - 1000;
    const keys = [randomUUID(), randomUUID()];
    for (const key of keys) await backend.storage.put(key, source(Buffer.from(key)));
    const listed = new Map<string, Date>();
    for await (const { key, storedAt } of backend.storage.list()) listed.set(key, storedAt);
    for (const key of keys) {
      expect(listed.get(key)?.getTime()).toBeGreaterThanOrEqual(before);
      expect(listed.get(key)?.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    }
    await backend.storage.delete(keys[0] as string);
    const after: string[] = [];
    for await (const { key } of backend.storage.list()) after.push(key);
    expect(after).not.toContain(keys[0]);
    expect(after).toContain(keys[1]);
  });

  it('refuses a key the server did not make (no path outside its folder)', async () => {
    await expect(backend.storage.put('../escape', source(Buffer.from('x')))).rejects.toThrow(
      'not a storage key',
    );
  });
});
