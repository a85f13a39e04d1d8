// The file storages a test can run against: the local disk in a temporary folder, and S3 (a
// real s3rver on a free port). Each suite that is about storage runs on both.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { DiskStorage } from './disk-storage.js';
import type { FileStorage } from './file-storage.js';
import { S3Storage } from './s3-storage.js';

export interface Backend {
  storage: FileStorage;
  /** What is left in the backend's own folder (no temporary parts after a failure). */
  leftovers(): string[];
  close(): Promise<void>;
}

export async function diskBackend(): Promise<Backend> {
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

export async function s3Backend(): Promise<Backend> {
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

export const storageBackends = [
  ['disk', diskBackend],
  ['S3 (s3rver)', s3Backend],
] as const;
