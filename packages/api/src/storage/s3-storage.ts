// Files in an S3-compatible bucket (AWS S3, MinIO, R2…), so that several instances share them.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import {
  assertStorageKey,
  isStorageKey,
  type FileStorage,
  type StoredKey,
} from './file-storage.js';

export interface S3StorageOptions {
  /** The service's URL, e.g. `http://127.0.0.1:9000` (unset: AWS itself). */
  endpoint?: string | undefined;
  bucket: string;
  region: string;
  /** Unset: the SDK's own chain (AWS_ACCESS_KEY_ID…, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

// The SDK's errors for a key that is not there (GetObject says NoSuchKey, HeadObject NotFound).
const isMissing = (error: unknown) =>
  error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound');

export class S3Storage implements FileStorage {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  async put(key: string, body: Readable): Promise<void> {
    assertStorageKey(key);
    // Multipart in parts of 5 MiB, one at a time: memory stays bounded whatever the size.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body },
      queueSize: 1,
      leavePartsOnError: false,
    });
    // The body's own failure is the answer (a 413…), not what the upload's abort said after it.
    let bodyError: unknown;
    body.once('error', (error) => (bodyError = error));
    try {
      await upload.done();
    } catch (error) {
      body.destroy();
      await this.delete(key).catch(() => {});
      throw bodyError ?? error;
    }
  }

  async get(key: string): Promise<Readable | undefined> {
    assertStorageKey(key);
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      return object.Body instanceof Readable ? object.Body : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    assertStorageKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async *list(): AsyncIterable<StoredKey> {
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        // a shared bucket may hold what is not ours: only our keys
        if (object.Key && isStorageKey(object.Key))
          yield { key: object.Key, storedAt: object.LastModified ?? new Date(0) };
      }
    }
  }

  async delete(key: string): Promise<void> {
    assertStorageKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  close(): void {
    this.client.destroy();
  }
}
