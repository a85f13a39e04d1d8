// Files on the local disk, one per key: written to a temporary name, renamed when complete.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertStorageKey,
  isStorageKey,
  type FileStorage,
  type StoredKey,
} from './file-storage.js';

export class DiskStorage implements FileStorage {
  constructor(private readonly root: string) {}

  async put(key: string, body: Readable): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(this.root, { recursive: true });
    const partial = `${path}.${randomUUID()}.part`;
    try {
      await pipeline(body, createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Readable | undefined> {
    const path = this.pathOf(key);
    if (!(await this.has(key))) return undefined;
    return createReadStream(path);
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  async *list(): AsyncIterable<StoredKey> {
    const names = await readdir(this.root).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    for (const name of names) {
      if (!isStorageKey(name)) continue; // an upload still being written (`.part`)
      const stats = await stat(join(this.root, name)).catch(() => undefined);
      if (stats?.isFile()) yield { key: name, storedAt: stats.mtime };
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  close(): void {
    // nothing held open between calls
  }

  private pathOf(key: string): string {
    assertStorageKey(key);
    return join(this.root, key);
  }
}
