// Where uploaded files' bytes live. The database holds what a file is; a storage holds only
// its bytes, under a key the files service chose.
import type { Readable } from 'node:stream';

export interface FileStorage {
  /**
   * Stores everything `body` yields under `key`. If the body fails (too large, the client went
   * away) or the store does, it rejects with that error and nothing stays behind under `key`.
   */
  put(key: string, body: Readable): Promise<void>;
  /** The bytes stored under `key`; undefined when there are none. */
  get(key: string): Promise<Readable | undefined>;
  /** Whether anything is stored under `key`. */
  has(key: string): Promise<boolean>;
  /**
   * Every key stored, with when it was written (never a partial upload's): the sweep of bytes
   * no file row names any more reads it.
   */
  list(): AsyncIterable<StoredKey>;
  /** Removes `key` (nothing happens when it is absent). */
  delete(key: string): Promise<void>;
  /** Lets go of connections (the process can exit). */
  close(): void;
}

export interface StoredKey {
  key: string;
  storedAt: Date;
}

// Keys are chosen by the server (a file's UUID), never by a client: anything else is a bug.
const keyPattern = /^[0-9a-f-]{36}$/;

export const isStorageKey = (name: string) => keyPattern.test(name);

export function assertStorageKey(key: string): void {
  if (!keyPattern.test(key)) throw new Error(`not a storage key: ${key}`);
}
